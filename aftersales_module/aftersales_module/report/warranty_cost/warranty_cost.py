# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""What warranty, contract and goodwill work cost the company: the parts booked to the warranty
expense account in the general ledger, and the labour of each job (the gross cost); what was claimed
back from suppliers on sent (submitted) Supplier Warranty Claims, what the settled claims recovered,
and the net cost the company is left with (gross less recovered).

Claims count by job whatever their date: a recovery booked next month still belongs to this
month's job."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Coalesce, Count, DateFormat, Sum

from aftersales_module.policy.repair import SERVICE_CLASSES, company_bears_cost
from aftersales_module.policy.supplier_claims import SETTLED
from aftersales_module.reports import chart_labels, filtered, within_dates
from aftersales_module.settings import get_settings

# The service classes whose work the company pays for: warranty, contract and goodwill.
COMPANY_PAID = tuple(service_class for service_class in SERVICE_CLASSES if company_bears_cost(service_class))

# Repair Job's (posting_date, service_class, company) index (repair_job.py on_doctype_update)
POSTING_DATE_INDEX = "posting_date_service_class"

# Group By: the detail view lists jobs; the others add them up in SQL.
GROUPS = {
	"Item": ("item_code", "Link", "Item"),
	"Fault Cause": ("fault_cause", "Select", None),
	"Month": ("month", "Data", None),
	# The supplier of the job's sent claims (a job claimed from two suppliers counts under each, with
	# its whole gross cost). Plain text for the reason serial_no is, below.
	"Supplier": ("supplier", "Data", None),
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	group_by = filters.get("group_by") or "Repair Job"
	if group_by == "Repair Job":
		return columns(), data(filters)
	if group_by not in GROUPS:
		frappe.throw(_("Cannot group warranty cost by {0}").format(group_by))
	rows = grouped(filters, group_by)
	report_columns = grouped_columns(group_by)
	chart = {
		"data": {
			"labels": chart_labels([row["value"] for row in rows], report_columns[0]),
			"datasets": [
				{"name": _("Parts Cost (GL)"), "values": [row["parts_cost"] for row in rows]},
				{"name": _("Labour Total"), "values": [row["labour_total"] for row in rows]},
			],
		},
		"type": "bar",
		"barOptions": {"stacked": 1},
	}
	return report_columns, rows, None, chart


def grouped_columns(group_by: str) -> list[dict]:
	_field, fieldtype, options = GROUPS[group_by]
	return [
		{
			"fieldname": "value",
			"label": _(group_by),
			"fieldtype": fieldtype,
			"options": options,
			"width": 200,
		},
		{"fieldname": "jobs", "label": _("Repair Jobs"), "fieldtype": "Int", "width": 110},
		*cost_columns(),
	]


def columns():
	return [
		{
			"fieldname": "repair_job",
			"label": _("Repair Job"),
			"fieldtype": "Link",
			"options": "Repair Job",
			"width": 160,
		},
		{"fieldname": "service_class", "label": _("Service Class"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 150},
		# Plain text, not a Link: Frappe's report runner would then demand read on Serial No from
		# every viewer, and the accountants who read this report need none.
		{
			"fieldname": "serial_no",
			"label": _("Serial No"),
			"fieldtype": "Data",
			"width": 130,
		},
		{
			"fieldname": "product_warranty_claim",
			"label": _("Product Warranty Claim"),
			"fieldtype": "Link",
			"options": "Product Warranty Claim",
			"width": 150,
		},
		*cost_columns(),
	]


def cost_columns():
	return [
		{"fieldname": "parts_cost", "label": _("Parts Cost (GL)"), "fieldtype": "Currency", "width": 130},
		{"fieldname": "labour_total", "label": _("Labour Total"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "total_cost", "label": _("Total Cost"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "claimed", "label": _("Claimed"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "recovered", "label": _("Recovered"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "net_cost", "label": _("Net Cost"), "fieldtype": "Currency", "width": 120},
	]


def grouped(filters, group_by: str) -> list[dict]:
	by_supplier = group_by == "Supplier"
	query, job, cost = base_query(filters, by_supplier=by_supplier)
	if group_by == "Month":
		term = DateFormat(job.posting_date, "%Y-%m")
	elif by_supplier:
		term = cost.supplier
	else:
		term = job[GROUPS[group_by][0]]
	gross = cost.parts_cost + job.labour_total
	rows = (
		query.select(
			term.as_("value"),
			Count(job.name).as_("jobs"),
			Sum(cost.parts_cost).as_("parts_cost"),
			Sum(job.labour_total).as_("labour_total"),
			Sum(gross).as_("total_cost"),
			Sum(cost.claimed).as_("claimed"),
			Sum(cost.recovered).as_("recovered"),
			Sum(gross - cost.recovered).as_("net_cost"),
		)
		.groupby(term)
		.orderby(term)
	).run(as_dict=True)
	for row in rows:
		row["value"] = row["value"] or _("Not Set")
	return rows


def data(filters):
	query, job, cost = base_query(filters)
	gross = cost.parts_cost + job.labour_total
	return (
		query.select(
			job.name.as_("repair_job"),
			job.service_class,
			job.customer,
			job.item_code,
			job.serial_no,
			job.product_warranty_claim,
			cost.parts_cost.as_("parts_cost"),
			job.labour_total,
			gross.as_("total_cost"),
			cost.claimed.as_("claimed"),
			cost.recovered.as_("recovered"),
			(gross - cost.recovered).as_("net_cost"),
		)
		.orderby(job.posting_date)
		.orderby(job.name)
	).run(as_dict=True)


def claims(by_supplier: bool = False):
	"""Per job (and supplier): what the lines of sent claims ask back, and what the settled ones recovered.
	Drafts are not sent yet; a cancelled claim asks nothing."""
	item = frappe.qb.DocType("Supplier Warranty Claim Item")
	claim = frappe.qb.DocType("Supplier Warranty Claim")
	recovered = Case().when(claim.status == SETTLED, Coalesce(item.accepted_amount, 0)).else_(0)
	query = (
		frappe.qb.from_(item)
		.join(claim)
		.on((claim.name == item.parent) & (item.parenttype == "Supplier Warranty Claim"))
		.select(
			item.repair_job,
			Sum(Coalesce(item.claimed_amount, 0)).as_("claimed"),
			Sum(recovered).as_("recovered"),
		)
		.where((claim.docstatus == 1) & item.repair_job.isnotnull())
		.groupby(item.repair_job)
	)
	if by_supplier:
		query = query.select(claim.supplier).groupby(claim.supplier)
	return query.as_("claims")


def base_query(filters, by_supplier: bool = False):
	"""Company-paid jobs joined to their parts cost in the warranty expense ledger and to their supplier
	claims (not selected yet): the query, the job table and the cost terms. By supplier, a job has a
	row per supplier it was claimed from."""
	account = get_settings().warranty_expense_account
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
	ledger = within_dates(ledger, gle.posting_date, filters).as_("ledger")
	claimed = claims(by_supplier)
	query = (
		frappe.qb.from_(job)
		.left_join(ledger)
		.on(ledger.repair_job == job.name)
		.left_join(claimed)
		.on(claimed.repair_job == job.name)
		.where(job.service_class.isin(COMPANY_PAID))
	)
	cost = frappe._dict(
		parts_cost=Coalesce(ledger.parts_cost, 0),
		claimed=Coalesce(claimed.claimed, 0),
		recovered=Coalesce(claimed.recovered, 0),
		supplier=claimed.supplier if by_supplier else None,
	)
	for field in ("service_class", "customer", "item_code"):
		if filters.get(field):
			query = query.where(job[field] == filters.get(field))
	if filters.get("from_date"):
		# A month of jobs is a few per cent of the table, but read through the index with a lookup
		# each, which MariaDB prices above reading the whole table (benchmarks/reports.py: 0.72 s
		# against 0.45 s through the index at a million jobs).
		query = query.force_index(POSTING_DATE_INDEX)
	return filtered(query, job, filters, "posting_date"), job, cost
