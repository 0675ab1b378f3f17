# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Approved fines and rewards per employee and department per month (奖惩结果, 001/1 §3.7): added
up in SQL over the submitted entries, then the few rows labelled here."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Extract, Sum
from pypika.enums import DatePart

from aftersales_module.policy.accountability import FINE, REWARD
from aftersales_module.reports import filtered, names_of

DOCTYPE = "Reward and Penalty Entry"


@frappe.read_only()  # served from a read replica where the site has one
def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = data(filters)
	return columns(), rows, None, None, summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{
			"fieldname": "employee",
			"label": _("Employee"),
			"fieldtype": "Link",
			"options": "Employee",
			"width": 140,
		},
		{"fieldname": "employee_name", "label": _("Employee Name"), "fieldtype": "Data", "width": 140},
		{
			"fieldname": "department",
			"label": _("Department"),
			"fieldtype": "Link",
			"options": "Department",
			"width": 160,
		},
		{"fieldname": "fines", "label": _("Fines"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "rewards", "label": _("Rewards"), "fieldtype": "Currency", "width": 120},
		{"fieldname": "net", "label": _("Net (Rewards less Fines)"), "fieldtype": "Currency", "width": 170},
		{"fieldname": "count", "label": _("Entries"), "fieldtype": "Int", "width": 80},
	]


def data(filters) -> list[dict]:
	entry = frappe.qb.DocType(DOCTYPE)
	year = Extract(DatePart.year, entry.posting_date)
	month = Extract(DatePart.month, entry.posting_date)

	def total(kind):
		return Sum(Case().when(entry.kind == kind, entry.amount).else_(0))

	query = (
		frappe.qb.from_(entry)
		.select(
			year.as_("year"),
			month.as_("month_number"),
			entry.employee,
			entry.department,
			total(FINE).as_("fines"),
			total(REWARD).as_("rewards"),
			Count(entry.name).as_("count"),
		)
		.where(entry.docstatus == 1)
		.groupby(year, month, entry.employee, entry.department)
		.orderby(year)
		.orderby(month)
		.orderby(entry.employee)
	)
	if filters.get("employee"):
		query = query.where(entry.employee == filters.employee)
	if filters.get("department"):
		query = query.where(entry.department == filters.department)
	rows = filtered(query, entry, filters, "posting_date").run(as_dict=True)
	# the names apart, so the entries are read from their index alone
	names = names_of("Employee", "employee_name", (row.employee for row in rows))
	out = []
	for row in rows:
		fines, rewards = float(row.fines or 0), float(row.rewards or 0)
		out.append(
			{
				"month": f"{int(row.year):04d}-{int(row.month_number):02d}",
				"employee": row.employee,
				"employee_name": names.get(row.employee),
				"department": row.department,
				"fines": fines,
				"rewards": rewards,
				"net": rewards - fines,
				"count": int(row.count or 0),
			}
		)
	return out


def summary(rows) -> list[dict]:
	fines = sum(row["fines"] for row in rows)
	rewards = sum(row["rewards"] for row in rows)
	return [
		{"label": _("Fines"), "value": fines, "datatype": "Currency", "indicator": "Red"},
		{"label": _("Rewards"), "value": rewards, "datatype": "Currency", "indicator": "Green"},
		{
			"label": _("Net (Rewards less Fines)"),
			"value": rewards - fines,
			"datatype": "Currency",
			"indicator": "Green" if rewards >= fines else "Red",
		},
	]
