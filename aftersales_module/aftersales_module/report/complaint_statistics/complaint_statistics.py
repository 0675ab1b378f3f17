# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, Extract, Sum
from pypika.terms import PseudoColumn

from aftersales_module.policy.complaint import shares_and_ranks
from aftersales_module.reports import chart_labels, filtered

DIMENSIONS = {
	"Category": ("complaint_category", "Link", "Complaint Category"),
	"Complaint Type": ("complaint_type", "Select", None),
	"Severity": ("severity", "Select", None),
	"Validity": ("validity", "Select", None),
	"Responsible Department": ("responsible_department", "Link", "Department"),
	"Responsible Employee": ("responsible_employee", "Link", "Employee"),
	"Handler": ("handler", "Link", "User"),
	"Month": ("month", "Data", None),
	"Half-Year": ("half_year", "Data", None),
}


def group_term(table, dimension: str):
	if dimension == "Month":
		return frappe.query_builder.functions.DateFormat(table.registered_on, "%Y-%m")
	if dimension == "Half-Year":
		year = Extract("year", table.registered_on)
		half = Case().when(Extract("month", table.registered_on) <= 6, "H1").else_("H2")
		return Concat(year, "-", half)
	return table[DIMENSIONS[dimension][0]]


def execute(filters=None):
	filters = frappe._dict(filters or {})
	dimension = filters.get("group_by") or "Category"
	if dimension not in DIMENSIONS:
		frappe.throw(_("Cannot group complaints by {0}").format(dimension))
	table = frappe.qb.DocType("Complaint Record")
	term = group_term(table, dimension)
	query = (
		frappe.qb.from_(table)
		.select(
			term.as_("value"),
			Count("*").as_("count"),
			Sum(table.is_repeat).as_("repeats"),
			Sum(table.is_overdue).as_("overdue"),
			Sum(Case().when(table.validity == "Invalid", 1).else_(0)).as_("invalid"),
		)
		.groupby(term)
	)
	rows = filtered(query, table, filters, "registered_on").run(as_dict=True)
	extra = {(row.value or ""): row for row in rows}
	data = []
	for value, count, share, rank in shares_and_ranks([(row.value or "", row["count"]) for row in rows]):
		row = extra[value]
		data.append(
			{
				"value": value or _("Not Set"),
				"count": count,
				"share": share,
				"rank": rank,
				"repeats": int(row.repeats or 0),
				"overdue": int(row.overdue or 0),
				"invalid": int(row.invalid or 0),
			}
		)
	report_columns = columns(dimension)
	return report_columns, data, None, chart(dimension, data, report_columns[0])


def columns(dimension: str) -> list[dict]:
	_field, fieldtype, options = DIMENSIONS[dimension]
	return [
		{
			"fieldname": "value",
			"label": _(dimension),
			"fieldtype": fieldtype,
			"options": options,
			"width": 220,
		},
		{"fieldname": "count", "label": _("Complaints"), "fieldtype": "Int", "width": 110},
		{"fieldname": "share", "label": _("Share %"), "fieldtype": "Percent", "width": 100},
		{"fieldname": "rank", "label": _("Rank"), "fieldtype": "Int", "width": 80},
		{"fieldname": "repeats", "label": _("Repeat Complaints"), "fieldtype": "Int", "width": 140},
		{"fieldname": "overdue", "label": _("Overdue"), "fieldtype": "Int", "width": 100},
		{"fieldname": "invalid", "label": _("Invalid"), "fieldtype": "Int", "width": 100},
	]


def chart(dimension: str, data: list[dict], value_column: dict) -> dict:
	"""The 15 largest groups, labelled as the table shows them (translated categories, severities…)."""
	top = data[:15]
	return {
		"data": {
			"labels": chart_labels([row["value"] for row in top], value_column),
			"datasets": [{"name": _("Complaints"), "values": [row["count"] for row in top]}],
		},
		"type": "bar" if dimension not in ("Month", "Half-Year") else "line",
	}
