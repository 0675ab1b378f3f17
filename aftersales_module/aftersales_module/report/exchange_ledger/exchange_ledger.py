# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""The exchange ledger (换货登记台账): every approved exchange, who signed it, and whether the new unit
has left and the faulty unit has come back."""

import frappe
from frappe import _


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	def column(label, fieldname, fieldtype="Data", options=None, width=130):
		return {
			"label": _(label),
			"fieldname": fieldname,
			"fieldtype": fieldtype,
			"options": options,
			"width": width,
		}

	return [
		column("Product Exchange", "name", "Link", "Product Exchange", 150),
		column("Date", "posting_date", "Date", width=100),
		column("Customer", "customer", "Link", "Customer", 170),
		column("Item", "item_code", "Link", "Item", 150),
		column("Faulty Serial No", "faulty_serial_no", "Link", "Serial No"),
		column("Replacement Serial No", "replacement_serial_no", "Link", "Serial No"),
		column("Exchange Reason", "reason", width=220),
		column("Handled By", "handled_by", "Link", "User"),
		column("Regional Manager", "regional_approved_by", "Link", "User"),
		column("After-Sales Office", "office_verified_by", "Link", "User"),
		column("General Manager", "gm_approved_by", "Link", "User"),
		column("New Unit Shipped", "shipped", "Check", width=110),
		column("Faulty Unit Received", "received", "Check", width=120),
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
	for field in ("company", "customer", "item_code"):
		if filters.get(field):
			query = query.where(exchange[field] == filters.get(field))
	if filters.from_date:
		query = query.where(exchange.posting_date >= filters.from_date)
	if filters.to_date:
		query = query.where(exchange.posting_date <= filters.to_date)
	return query.run(as_dict=True)
