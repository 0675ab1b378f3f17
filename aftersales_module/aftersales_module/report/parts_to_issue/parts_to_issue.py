# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Open repair jobs whose requested spare parts have not all left the warehouse yet."""

import frappe
from frappe import _
from frappe.query_builder.functions import IfNull, Sum

from aftersales_module.policy.repair import WORKING_STATUSES
from aftersales_module.reports import filtered
from aftersales_module.settings import get_settings


def execute(filters=None):
	filters = frappe._dict(filters or {})
	return columns(), data(filters)


def columns():
	return [
		{
			"fieldname": "repair_job",
			"label": _("Repair Job"),
			"fieldtype": "Link",
			"options": "Repair Job",
			"width": 160,
		},
		{"fieldname": "status", "label": _("Status"), "fieldtype": "Data", "width": 110},
		{"fieldname": "service_class", "label": _("Service Class"), "fieldtype": "Data", "width": 100},
		{
			"fieldname": "customer",
			"label": _("Customer"),
			"fieldtype": "Link",
			"options": "Customer",
			"width": 180,
		},
		{"fieldname": "item_code", "label": _("Item"), "fieldtype": "Link", "options": "Item", "width": 160},
		{
			"fieldname": "warehouse",
			"label": _("Warehouse"),
			"fieldtype": "Link",
			"options": "Warehouse",
			"width": 150,
		},
		{"fieldname": "requested_qty", "label": _("Requested Qty"), "fieldtype": "Float", "width": 110},
		{"fieldname": "issued_qty", "label": _("Issued Qty"), "fieldtype": "Float", "width": 100},
		{"fieldname": "returned_qty", "label": _("Returned Qty"), "fieldtype": "Float", "width": 100},
		{"fieldname": "to_issue", "label": _("To Issue"), "fieldtype": "Float", "width": 100},
	]


def data(filters):
	job = frappe.qb.DocType("Repair Job")
	part = frappe.qb.DocType("Repair Job Part")
	default_warehouse = get_settings().spare_parts_warehouse or ""
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
	if filters.warehouse:
		query = query.where(warehouse == filters.warehouse)
	if filters.repair_job:
		query = query.where(job.name == filters.repair_job)
	return filtered(query, job, filters).run(as_dict=True)
