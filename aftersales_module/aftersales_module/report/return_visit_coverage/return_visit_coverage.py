# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Return visits made against those due, per month, against the 100% target (000/3; every service
is visited, 001/3 §18), and the share of satisfied customers against 98%. A visit counts in the
month of its due date once that date has come; a visit not yet due is not counted.

Three million visits a year: the report adds up the day totals the hourly sweep keeps (Return Visit
Day: due day, company, technician, visit kind; day_totals.py) and reads from the visits only the
days changed since, or everything until the totals are first built."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import getdate, nowdate

from aftersales_module import day_totals
from aftersales_module.aftersales_module.doctype.return_visit_day.return_visit_day import COUNTS
from aftersales_module.policy import visits as policy
from aftersales_module.reports import filtered, restricted, within_dates

TOTALS = "Return Visit Day"
DAY_KEYS = ("day", "company", "technician", "visit_kind")


def execute(filters=None):
	filters = frappe._dict(filters or {})
	rows = data(filters)
	return columns(), rows, None, chart(rows), summary(rows)


def columns() -> list[dict]:
	return [
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 100},
		{"fieldname": "due", "label": _("Visits Due"), "fieldtype": "Int", "width": 100},
		{"fieldname": "visited", "label": _("Visited"), "fieldtype": "Int", "width": 90},
		{"fieldname": "self_service", "label": _("Self-Service"), "fieldtype": "Int", "width": 100},
		{"fieldname": "missed", "label": _("Missed"), "fieldtype": "Int", "width": 90},
		{"fieldname": "open", "label": _("Still Open"), "fieldtype": "Int", "width": 90},
		{"fieldname": "coverage", "label": _("Coverage %"), "fieldtype": "Percent", "width": 110},
		{
			"fieldname": "coverage_target",
			"label": _("Coverage Target %"),
			"fieldtype": "Percent",
			"width": 130,
		},
		{"fieldname": "satisfied", "label": _("Satisfied"), "fieldtype": "Int", "width": 90},
		{"fieldname": "satisfaction", "label": _("Satisfaction %"), "fieldtype": "Percent", "width": 120},
		{
			"fieldname": "satisfaction_target",
			"label": _("Satisfaction Target %"),
			"fieldtype": "Percent",
			"width": 150,
		},
	]


def base_query(filters):
	visit = frappe.qb.DocType("Return Visit")
	query = frappe.qb.from_(visit).where(visit.due_date <= getdate(nowdate()))
	if filters.get("visit_kind"):
		query = query.where(visit.visit_kind == filters.visit_kind)
	if filters.get("technician"):
		query = query.where(visit.technician == filters.technician)
	return filtered(query, visit, filters, "due_date"), visit


def counted(visit):
	def when(condition):
		return Sum(Case().when(condition, 1).else_(0))

	return (
		Count(visit.name).as_("due"),
		when(visit.status == policy.DONE).as_("visited"),
		# answered by the customer through the survey link (survey.py)
		when((visit.status == policy.DONE) & (visit.answer_channel == policy.SELF_SERVICE)).as_(
			"self_service"
		),
		when(visit.status == policy.MISSED).as_("missed"),
		when(visit.status == policy.OPEN).as_("open"),
		when((visit.status == policy.DONE) & (visit.satisfied == 1)).as_("satisfied"),
	)


def data(filters) -> list[dict]:
	"""Counted per day (from the totals, or in SQL from the visits, where the index on the due date
	serves the grouping in its order), then the few hundred days added up per month."""
	months = {}
	for day in days(filters):
		month = day.due_date.strftime("%Y-%m")
		row = months.setdefault(
			month,
			frappe._dict(month=month, due=0, visited=0, self_service=0, missed=0, open=0, satisfied=0),
		)
		for key in COUNTS:
			row[key] += int(day[key] or 0)
	rows = list(months.values())
	for row in rows:
		add_rates(row)
	return rows


def days(filters) -> list[dict]:
	"""The counts per due day up to today, in order."""
	rows = day_totals.read(filters, "Return Visit", totals_days, documents_days)
	return sorted(rows, key=lambda day: day.due_date)


def documents_days(filters) -> list[dict]:
	query, visit = base_query(filters)
	return (
		query.select(visit.due_date, *counted(visit)).groupby(visit.due_date).orderby(visit.due_date)
	).run(as_dict=True)


def totals_days(filters, stale_runs) -> list[dict]:
	"""The counts per due day from the day totals, but for the stale days."""
	day = frappe.qb.DocType(TOTALS)
	query = (
		frappe.qb.from_(day)
		.select(day.day.as_("due_date"), *(Sum(day[key]).as_(key) for key in COUNTS))
		.where(day.day <= getdate(nowdate()))
		.groupby(day.day)
		.orderby(day.day)
	)
	return day_totals.limited(query, day, filters, stale_runs, ("company", "technician", "visit_kind")).run(
		as_dict=True
	)


def by_day(filters):
	"""The counts of every visit due from From Date to To Date (not yet due included), keyed by
	DAY_KEYS, for the totals: without the session user's restrictions (the sweep's rows serve
	everyone, and the report restricts them by company)."""
	visit = frappe.qb.DocType("Return Visit")
	query = (
		frappe.qb.from_(visit)
		.select(visit.due_date, visit.company, visit.technician, visit.visit_kind, *counted(visit))
		.groupby(visit.due_date, visit.company, visit.technician, visit.visit_kind)
	)
	for row in filtered(query, visit, filters, "due_date", restrict=False).run(as_dict=True):
		yield (row.pop("due_date"), row.pop("company"), row.pop("technician"), row.pop("visit_kind")), row


def add_rates(row) -> None:
	for key in COUNTS:
		row[key] = int(row.get(key) or 0)
	row["coverage"] = policy.rate(row["visited"], row["due"])
	row["satisfaction"] = policy.rate(row["satisfied"], row["visited"])
	row["coverage_target"] = policy.COVERAGE_TARGET
	row["satisfaction_target"] = policy.SATISFACTION_TARGET


def chart(rows) -> dict:
	return {
		"data": {
			"labels": [row["month"] for row in rows],
			"datasets": [
				{"name": _("Coverage %"), "values": [row["coverage"] or 0 for row in rows]},
				{"name": _("Coverage Target %"), "values": [policy.COVERAGE_TARGET] * len(rows)},
				{"name": _("Satisfaction %"), "values": [row["satisfaction"] or 0 for row in rows]},
				{"name": _("Satisfaction Target %"), "values": [policy.SATISFACTION_TARGET] * len(rows)},
			],
		},
		"type": "line",
		"fieldtype": "Percent",
	}


def totals(filters) -> dict:
	query, visit = base_query(filters)
	row = query.select(*counted(visit)).run(as_dict=True)[0]
	add_rates(row)
	return row


def summary(rows) -> list[dict]:
	total = {key: sum(row[key] for row in rows) for key in ("due", "visited", "satisfied")}
	coverage = policy.rate(total["visited"], total["due"])
	satisfaction = policy.rate(total["satisfied"], total["visited"])
	return [
		{"label": _("Visits Due"), "value": total["due"], "datatype": "Int"},
		{
			"label": _("Coverage %"),
			"value": coverage or 0,
			"datatype": "Percent",
			"indicator": "Green" if (coverage or 0) >= policy.COVERAGE_TARGET else "Red",
		},
		{
			"label": _("Satisfaction %"),
			"value": satisfaction or 0,
			"datatype": "Percent",
			"indicator": "Green" if (satisfaction or 0) >= policy.SATISFACTION_TARGET else "Red",
		},
	]


@frappe.whitelist()
@frappe.read_only()  # served from a read replica where the site has one
def coverage_card(filters: str | dict | None = None) -> dict:
	"""The number card: this month's coverage so far (visits made of those due)."""
	frappe.has_permission("Return Visit", "read", throw=True)
	today = getdate(nowdate())
	row = totals(frappe._dict(from_date=today.replace(day=1), to_date=today))
	return {"value": row["coverage"] or 0, "fieldtype": "Percent"}
