# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Concat, Count, Date, DateFormat, Extract, Sum
from pypika.terms import PseudoColumn

from aftersales_module import day_totals
from aftersales_module.aftersales_module.doctype.complaint_day.complaint_day import FIGURES
from aftersales_module.policy import performance as policy
from aftersales_module.policy.complaint import ACTIVE_STATUSES, shares_and_ranks
from aftersales_module.reports import chart_labels, filtered, restricted, within_dates

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
	totals = {}
	for row in grouped(filters, dimension):
		policy.add_up(totals, row.pop("value") or "", row, FIGURES)
	data = []
	for value, count, share, rank in shares_and_ranks(
		[(value, int(row["complaints"])) for value, row in totals.items()]
	):
		row = totals[value]
		data.append(
			{
				"value": value or _("Not Set"),
				"count": count,
				"share": share,
				"rank": rank,
				"repeats": int(row["repeats"]),
				"overdue": int(row["overdue"]),
				"invalid": int(row["invalid"]),
			}
		)
	report_columns = columns(dimension)
	return report_columns, data, None, chart(dimension, data, report_columns[0])


TOTALS = "Complaint Day"
# the groupings kept as day totals; Month and Half-Year add up the days of one of them (each
# complaint counts once in each grouping)
KEPT = tuple(d for d in DIMENSIONS if d not in ("Month", "Half-Year"))


def grouped(filters, dimension: str) -> list[dict]:
	"""The figures per value of `dimension`, from the day totals where they are current and from the
	complaints elsewhere (rows of one value may come more than once: the caller adds them up)."""
	return day_totals.read(
		filters,
		"Complaint Record",
		lambda filters, runs: from_totals(filters, dimension, runs),
		lambda filters: documents(filters, dimension),
	)


def figures(table):
	def count(condition):
		return Sum(Case().when(condition, 1).else_(0))

	still_open = table.status.isin(ACTIVE_STATUSES)
	return (
		Count("*").as_("complaints"),
		Sum(table.is_repeat).as_("repeats"),
		Sum(table.is_overdue).as_("overdue"),
		count(table.validity == "Invalid").as_("invalid"),
		# Complaint Aging's
		count(still_open).as_("open"),
		count(still_open & (table.is_overdue == 1)).as_("open_overdue"),
		count(still_open & (table.severity == "Major")).as_("open_major"),
		count(still_open & (table.escalation_level > 0)).as_("open_escalated"),
	)


def documents(filters, dimension: str, restrict: bool = True) -> list[dict]:
	table = frappe.qb.DocType("Complaint Record")
	term = group_term(table, dimension)
	query = frappe.qb.from_(table).select(term.as_("value"), *figures(table)).groupby(term)
	return filtered(query, table, filters, "registered_on", restrict).run(as_dict=True)


def from_totals(filters, dimension: str, stale_runs) -> list[dict]:
	"""The figures per value from the day totals, but for the stale days."""
	day = frappe.qb.DocType(TOTALS)
	if dimension == "Month":
		term = DateFormat(day.day, "%Y-%m")
	elif dimension == "Half-Year":
		term = Concat(
			Extract("year", day.day), "-", Case().when(Extract("month", day.day) <= 6, "H1").else_("H2")
		)
	else:
		term = day.value
	query = (
		frappe.qb.from_(day)
		.select(term.as_("value"), *(Sum(day[figure]).as_(figure) for figure in FIGURES))
		.where(day.dimension == (dimension if dimension in KEPT else KEPT[0]))
		.groupby(term)
	)
	return day_totals.limited(query, day, filters, stale_runs).run(as_dict=True)


def by_day(filters):
	"""Every kept grouping's figures per registration day, company and value, keyed (day, company,
	dimension, value), for the totals: without the session user's restrictions (the sweep's rows
	serve everyone, and the reports restrict them by company). The handler's also count the overdue
	cases never escalated by hand (Concealment Audit)."""
	from aftersales_module.aftersales_module.report.concealment_audit.concealment_audit import never_reported

	table = frappe.qb.DocType("Complaint Record")
	day = Date(table.registered_on)
	for dimension in KEPT:
		term = table[DIMENSIONS[dimension][0]]
		extra = ()
		if dimension == "Handler":
			extra = (
				Sum(Case().when((table.is_overdue == 1) & never_reported(table), 1).else_(0)).as_(
					"not_escalated"
				),
			)
		query = (
			frappe.qb.from_(table)
			.select(day.as_("day"), table.company, term.as_("value"), *figures(table), *extra)
			.groupby(day, table.company, term)
		)
		for row in filtered(query, table, filters, "registered_on", restrict=False).run(as_dict=True):
			yield (row.pop("day"), row.pop("company"), dimension, row.pop("value")), row


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
