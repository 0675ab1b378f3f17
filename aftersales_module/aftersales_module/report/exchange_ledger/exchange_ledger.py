# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""The exchange ledger (换货登记台账): every approved exchange, who signed it, and whether the new unit
has left and the faulty unit has come back."""

import frappe
from frappe import _

from aftersales_module.reports import filtered, with_user_names


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = data(filters)
	return with_user_names(columns(), rows), rows


def columns():
	return [
		{
			"fieldname": "name",
			"label": _("Product Exchange"),
			"fieldtype": "Link",
			"options": "Product Exchange",
			"width": 150,
		},
		{"fieldname": "posting_date", "label": _("Date"), "fieldtype": "Date", "width": 100},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 170,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"fieldname": "faulty_serial_no",
			"label": _("Faulty Serial No"),
			"fieldtype": "Data",  # not a Link: the report's readers need no read on Serial No
			"width": 130,
		},
		{
			"fieldname": "replacement_serial_no",
			"label": _("Replacement Serial No"),
			"fieldtype": "Data",  # not a Link: the report's readers need no read on Serial No
			"width": 130,
		},
		{"fieldname": "reason", "label": _("Exchange Reason"), "fieldtype": "Data", "width": 220},
		{
			"fieldname": "handled_by",
			"label": _("Handled By"),
			"fieldtype": "Link",
			"options": "User",
			"width": 130,
		},
		{
			"fieldname": "regional_approved_by",
			"label": _("Regional Manager"),
			"fieldtype": "Link",
			"options": "User",
			"width": 130,
		},
		{
			"fieldname": "office_verified_by",
			"label": _("After-Sales Office"),
			"fieldtype": "Link",
			"options": "User",
			"width": 130,
		},
		{
			"fieldname": "gm_approved_by",
			"label": _("General Manager"),
			"fieldtype": "Link",
			"options": "User",
			"width": 130,
		},
		{"fieldname": "shipped", "label": _("New Unit Shipped"), "fieldtype": "Check", "width": 110},
		{"fieldname": "received", "label": _("Faulty Unit Received"), "fieldtype": "Check", "width": 120},
	]


def data(filters):
	exchange = frappe.qb.DocType("Product Exchange")
	note = frappe.qb.DocType("Delivery Note")
	entry = frappe.qb.DocType("Stock Entry")
	query = (
		frappe.qb.from_(exchange)
		.left_join(note)
		.on(note.name == exchange.delivery_note)
		.left_join(entry)
		.on(entry.name == exchange.return_entry)
		.select(
			exchange.name,
			exchange.posting_date,
			exchange.customer,
			exchange.item_code,
			exchange.faulty_serial_no,
			exchange.replacement_serial_no,
			exchange.reason,
			exchange.handled_by,
			exchange.regional_approved_by,
			exchange.office_verified_by,
			exchange.gm_approved_by,
			(note.docstatus == 1).as_("shipped"),
			(entry.docstatus == 1).as_("received"),
		)
		.where(exchange.docstatus == 1)
		.orderby(exchange.posting_date)
		.orderby(exchange.name)
	)
	for field in ("customer", "item_code"):
		if filters.get(field):
			query = query.where(exchange[field] == filters.get(field))
	return filtered(query, exchange, filters, "posting_date").run(as_dict=True)
