# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Open repair jobs whose requested spare parts have not all left the warehouse yet."""

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull, Sum

from aftersales_module.policy.repair import WORKING_STATUSES


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
		{"label": _("Status"), "fieldname": "status", "fieldtype": "Data", "width": 110},
		{"label": _("Service Class"), "fieldname": "service_class", "fieldtype": "Data", "width": 100},
		{
			"label": _("Customer"),
			"fieldname": "customer",
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"label": _("Item"), "fieldname": "item_code", "fieldtype": "Link", "options": "Item", "width": 160},
		{
			"label": _("Warehouse"),
			"fieldname": "warehouse",
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 150,
		},
		{"label": _("Requested Qty"), "fieldname": "requested_qty", "fieldtype": "Float", "width": 110},
		{"label": _("Issued Qty"), "fieldname": "issued_qty", "fieldtype": "Float", "width": 100},
		{"label": _("Returned Qty"), "fieldname": "returned_qty", "fieldtype": "Float", "width": 100},
		{"label": _("To Issue"), "fieldname": "to_issue", "fieldtype": "Float", "width": 100},
	]


def data(filters):
	job = frappe.qb.DocType("Repair Job")
	part = frappe.qb.DocType("Repair Job Part")
	default_warehouse = frappe.db.get_single_value("After Sales Settings", "spare_parts_warehouse") or ""
	warehouse = IfNull(part.warehouse, default_warehouse)
	to_issue = Sum(part.qty - part.issued_qty + part.returned_qty)
	query = (
		frappe.qb.from_(part)
		.join(job)
		.on((job.name == part.parent) & (part.parenttype == "Repair Job"))
		.select(
			job.name.as_("repair_job"),
			job.status,
			job.service_class,
			job.customer,
			part.item_code,
			warehouse.as_("warehouse"),
			Sum(part.qty).as_("requested_qty"),
			Sum(part.issued_qty).as_("issued_qty"),
			Sum(part.returned_qty).as_("returned_qty"),
			to_issue.as_("to_issue"),
		)
		.where(job.status.isin(WORKING_STATUSES))
		.groupby(job.name, part.item_code, warehouse)
		.having(to_issue > 0)
		.orderby(job.posting_date)
		.orderby(job.name)
	)
	if filters.company:
		query = query.where(job.company == filters.company)
	if filters.warehouse:
		query = query.where(warehouse == filters.warehouse)
	if filters.repair_job:
		query = query.where(job.name == filters.repair_job)
	return query.run(as_dict=True)
