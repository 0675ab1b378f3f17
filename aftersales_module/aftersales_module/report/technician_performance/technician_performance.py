# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Each technician's month (001/1 assessment; 001/3 §19 ratings feed monthly performance): jobs
completed, hours reported, first-time fixes and their rate, repeat repairs (another job on the same
serial number opened within 30 days of completion), complaints attributed to the technician, and
the average return-visit rating per item (Excellent 4 … Poor 1).

Every figure is one SQL aggregate grouped by technician and period. A year of a large department is a
million jobs and three million visits, so the report reads the day totals that the hourly sweep keeps
(day_totals.py, tasks/day_totals.py) and reads from the documents only the days changed since (stale days)
or all of them until the totals are first built, and for a user whom User Permissions restrict to
customers (the totals keep no customer). The same queries, grouped by day, build the totals."""

from datetime import date

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Date, DateFormat, Sum
from pypika.terms import Interval

from aftersales_module import day_totals
from aftersales_module.policy import daily_report as report_policy
from aftersales_module.policy import performance as policy
from aftersales_module.policy import visits as visit_policy
from aftersales_module.reports import (
	date_range,
	filtered,
	restricted,
	with_user_names,
	within_dates,
)

REPEAT_WINDOW_DAYS = 30
TOTALS = "Technician Performance Day"
RATING_LABELS = {
	"rating_attitude": "Service Attitude",
	"rating_skill": "Technical Skill",
	"rating_punctuality": "Punctuality",
	"rating_result": "Service Result",
}


def execute(filters=None):
	filters = frappe._dict(filters or {})
	date_range(filters)
	rows = data(filters)
	return with_user_names(columns(), rows), rows


def columns() -> list[dict]:
	return [
		{
			"fieldname": "technician",
			"label": _("Technician"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "month", "label": _("Month"), "fieldtype": "Data", "width": 90},
		{"fieldname": "jobs", "label": _("Jobs Completed"), "fieldtype": "Int", "width": 120},
		{"fieldname": "hours", "label": _("Hours Reported"), "fieldtype": "Float", "width": 120},
		{"fieldname": "first_time_fixes", "label": _("First-Time Fixes"), "fieldtype": "Int", "width": 120},
		{
			"fieldname": "first_time_fix_rate",
			"label": _("First-Time Fix %"),
			"fieldtype": "Percent",
			"width": 120,
		},
		{
			"fieldname": "repeat_repairs",
			"label": _("Repeat Repairs (30 Days)"),
			"fieldtype": "Int",
			"width": 160,
		},
		{"fieldname": "complaints", "label": _("Complaints Attributed"), "fieldtype": "Int", "width": 150},
		{"fieldname": "visits", "label": _("Return Visits Rated"), "fieldtype": "Int", "width": 140},
		*(
			{"fieldname": field, "label": _(label), "fieldtype": "Float", "precision": 2, "width": 130}
			for field, label in RATING_LABELS.items()
		),
		{
			"fieldname": "average_rating",
			"label": _("Average Rating"),
			"fieldtype": "Float",
			"precision": 2,
			"width": 120,
		},
	]


def data(filters) -> list[dict]:
	totals = {}
	for key, values in figures(filters):
		policy.add_up(totals, key, values)
	out = []
	for (technician, month), values in sorted(
		totals.items(), key=lambda item: (item[0][0] or "", item[0][1] or "")
	):
		if not technician:
			continue
		row = {"technician": technician, "month": month, **{f: values[f] for f in policy.COUNTS}}
		row.update(policy.averages(values))
		row["first_time_fix_rate"] = report_policy.first_time_fix_rate(row["jobs"], row["first_time_fixes"])
		out.append(row)
	return out


def figures(filters):
	"""(technician, month) and the figures to add up, from the day totals where they are current and
	from the documents elsewhere."""
	return day_totals.read(filters, "Repair Job", month_rows, lambda filters: list(by_period(filters)))


def month_rows(filters, stale_runs: list[tuple[date, date]]):
	"""(technician, month) and the figures added up from the day totals, but for the stale days."""
	day = frappe.qb.DocType(TOTALS)
	month = DateFormat(day.day, "%Y-%m")
	query = (
		frappe.qb.from_(day)
		.select(
			day.technician, month.as_("month"), *(Sum(day[field]).as_(field) for field in policy.ADDITIVE)
		)
		.groupby(day.technician, month)
	)
	for row in day_totals.limited(query, day, filters, stale_runs, ("company", "technician")).run(
		as_dict=True
	):
		yield (row.pop("technician"), row.pop("month")), row


def by_period(filters, by_day: bool = False, restrict: bool = True):
	"""Every figure from the documents, keyed (technician, month), or (technician, company, day)
	`by_day` for the totals (then without the session user's restrictions: the sweep's rows serve
	every user, and the report restricts them by company)."""
	for source in (completed_jobs, repeat_repairs, reported_hours, complaints, ratings):
		for row in source(filters, by_day, restrict):
			period = row.pop("period")
			technician = row.pop("technician")
			key = (technician, row.pop("company"), period) if by_day else (technician, period)
			yield key, row


def grouped(query, technician, company, period, by_day: bool):
	"""`query` grouped by technician and month, or by technician, company and day."""
	query = query.select(technician.as_("technician"), period.as_("period"))
	if by_day:
		return query.select(company.as_("company")).groupby(technician, company, period)
	return query.groupby(technician, period)


def job_query(filters, restrict: bool):
	job = frappe.qb.DocType("Repair Job")
	tech = frappe.qb.DocType("Repair Job Technician")
	query = (
		frappe.qb.from_(tech)
		.join(job)
		.on((job.name == tech.parent) & (tech.parenttype == "Repair Job"))
		.where(job.completed_on.isnotnull())
	)
	if filters.get("technician"):
		query = query.where(tech.user == filters.technician)
	return filtered(query, job, filters, "completed_on", restrict), job, tech


def completed_jobs(filters, by_day=False, restrict=True):
	query, job, tech = job_query(filters, restrict)
	period = Date(job.completed_on) if by_day else DateFormat(job.completed_on, "%Y-%m")
	query = query.select(
		Count(job.name).distinct().as_("jobs"), Sum(job.first_time_fix).as_("first_time_fixes")
	)
	return grouped(query, tech.user, job.company, period, by_day).run(as_dict=True)


def repeat_repairs(filters, by_day=False, restrict=True):
	"""Jobs followed by another job on the same serial number opened within 30 days of completion."""
	query, job, tech = job_query(filters, restrict)
	later = frappe.qb.DocType("Repair Job").as_("later")
	period = Date(job.completed_on) if by_day else DateFormat(job.completed_on, "%Y-%m")
	query = (
		query.join(later)
		.on(
			(later.serial_no == job.serial_no)
			& (later.name != job.name)
			& (later.posting_date >= Date(job.completed_on))
			& (later.posting_date <= Date(job.completed_on) + Interval(days=REPEAT_WINDOW_DAYS))
			& (later.creation > job.completed_on)
		)
		.where(job.serial_no.isnotnull() & (job.serial_no != ""))
		.select(Count(job.name).distinct().as_("repeat_repairs"))
	)
	return grouped(query, tech.user, job.company, period, by_day).run(as_dict=True)


def reported_hours(filters, by_day=False, restrict=True):
	"""Hours (work and travel) in submitted or approved daily reports."""
	report = frappe.qb.DocType("Technician Daily Report")
	line = frappe.qb.DocType("Technician Daily Report Line")
	period = report.report_date if by_day else DateFormat(report.report_date, "%Y-%m")
	query = (
		frappe.qb.from_(line)
		.join(report)
		.on((report.name == line.parent) & (line.parenttype == "Technician Daily Report"))
		.where(report.docstatus == 1)
		.select(Sum(line.hours + line.travel_hours).as_("hours"))
	)
	if filters.get("technician"):
		query = query.where(report.technician == filters.technician)
	query = filtered(query, report, filters, "report_date", restrict)
	return grouped(query, report.technician, report.company, period, by_day).run(as_dict=True)


def complaints(filters, by_day=False, restrict=True):
	"""Complaints whose responsible employee is the technician's employee record."""
	complaint = frappe.qb.DocType("Complaint Record")
	employee = frappe.qb.DocType("Employee")
	period = Date(complaint.registered_on) if by_day else DateFormat(complaint.registered_on, "%Y-%m")
	query = (
		frappe.qb.from_(complaint)
		.join(employee)
		.on(employee.name == complaint.responsible_employee)
		.where(employee.user_id.isnotnull())
		.select(Count(complaint.name).as_("complaints"))
	)
	if filters.get("technician"):
		query = query.where(employee.user_id == filters.technician)
	query = filtered(query, complaint, filters, "registered_on", restrict)
	return grouped(query, employee.user_id, complaint.company, period, by_day).run(as_dict=True)


def score(column):
	case = Case()
	for rating, value in visit_policy.SCORES.items():
		case = case.when(column == rating, value)
	return case.else_(None)


def ratings(filters, by_day=False, restrict=True):
	"""The scores of the done return visits of the technician's jobs, by service date: per item their
	sum and how many were given, so that months add up from days."""
	visit = frappe.qb.DocType("Return Visit")
	period = visit.service_date if by_day else DateFormat(visit.service_date, "%Y-%m")
	scores = []
	for field in RATING_LABELS:
		scores += [
			Sum(score(visit[field])).as_(f"{field}_sum"),
			Count(score(visit[field])).as_(f"{field}_count"),
		]
	query = (
		frappe.qb.from_(visit)
		.where((visit.status == visit_policy.DONE) & visit.technician.isnotnull())
		.select(
			Count(visit.name).as_("visits"),
			*scores,
			Sum(visit.average_rating).as_("average_rating_sum"),
			Count(visit.average_rating).as_("average_rating_count"),
		)
	)
	if filters.get("technician"):
		query = query.where(visit.technician == filters.technician)
	query = within_dates(query, visit.service_date, filters)
	query = filtered(query, visit, filters, restrict=restrict)
	return grouped(query, visit.technician, visit.company, period, by_day).run(as_dict=True)
