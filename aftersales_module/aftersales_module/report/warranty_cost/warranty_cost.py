# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""What warranty, contract and goodwill work cost the company: the parts booked to the warranty
expense account in the general ledger, and the labour of each job."""

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, Sum


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	return [
		{
			"label": _("Repair Job"),
			"fieldname": "repair_job",
			"fieldtype": "Link",
			"options": "Repair Job",
			"width": 160,
		},
		{"label": _("Service Class"), "fieldname": "service_class", "fieldtype": "Data", "width": 100},
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 150},
		{
			"label": _("Serial No"),
			"fieldname": "serial_no",
			"fieldtype": "Link",
			"options": "Serial No",
			"width": 130,
		},
		{
			"label": _("Product Warranty Claim"),
			"fieldname": "product_warranty_claim",
			"fieldtype": "Link",
			"options": "Product Warranty Claim",
			"width": 150,
		},
		{"label": _("Parts Cost (GL)"), "fieldname": "parts_cost", "fieldtype": "Currency", "width": 130},
		{"label": _("Labour Total"), "fieldname": "labour_total", "fieldtype": "Currency", "width": 120},
		{"label": _("Total Cost"), "fieldname": "total_cost", "fieldtype": "Currency", "width": 120},
	]


def data(filters):
	account = frappe.db.get_single_value("After Sales Settings", "warranty_expense_account")
	job = frappe.qb.DocType("Repair Job")
	entry = frappe.qb.DocType("Stock Entry")
	gle = frappe.qb.DocType("GL Entry")
	ledger = (
		frappe.qb.from_(gle)
		.join(entry)
		.on((gle.voucher_type == "Stock Entry") & (gle.voucher_no == entry.name))
		.select(entry.repair_job, Sum(gle.debit - gle.credit).as_("parts_cost"))
		.where((gle.account == account) & (gle.is_cancelled == 0) & entry.repair_job.isnotnull())
		.groupby(entry.repair_job)
	)
	if filters.from_date:
		ledger = ledger.where(gle.posting_date >= filters.from_date)
	if filters.to_date:
		ledger = ledger.where(gle.posting_date <= filters.to_date)
	ledger = ledger.as_("ledger")
	parts_cost = Coalesce(ledger.parts_cost, 0)
	query = (
		frappe.qb.from_(job)
		.left_join(ledger)
		.on(ledger.repair_job == job.name)
		.select(
			job.name.as_("repair_job"),
			job.service_class,
			job.customer,
			job.item_code,
			job.serial_no,
			job.product_warranty_claim,
			parts_cost.as_("parts_cost"),
			job.labour_total,
			(parts_cost + job.labour_total).as_("total_cost"),
		)
		.where(job.service_class.isin(("Warranty", "Contract", "Goodwill")))
		.orderby(job.posting_date)
		.orderby(job.name)
	)
	for field in ("company", "service_class", "customer", "item_code"):
		if filters.get(field):
			query = query.where(job[field] == filters.get(field))
	if filters.from_date:
		query = query.where(job.posting_date >= filters.from_date)
	if filters.to_date:
		query = query.where(job.posting_date <= filters.to_date)
	return query.run(as_dict=True)
