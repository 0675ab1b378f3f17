# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Each technician's month (001/1 assessment; 001/3 §19 ratings feed monthly performance): jobs
completed, hours reported, first-time fixes and their rate, repeat repairs (another job on the same
serial number opened within 30 days of completion), complaints attributed to the technician, and
the average return-visit rating per item (Excellent 4 … Poor 1). Every figure is one SQL
aggregate grouped by technician and month; the rows are joined in Python."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Avg, Count, Date, DateFormat, Sum
from pypika.terms import Interval

from aftersales_module.policy import daily_report as report_policy
from aftersales_module.policy import visits as visit_policy
from aftersales_module.reports import date_range, filtered, with_user_names, within_dates

REPEAT_WINDOW_DAYS = 30
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
	rows = defaultdict(dict)
	for source in (completed_jobs, repeat_repairs, reported_hours, complaints, ratings):
		for row in source(filters):
			rows[(row.pop("technician"), row.pop("month"))].update(row)
	out = []
	for (technician, month), values in sorted(
		rows.items(), key=lambda item: (item[0][0] or "", item[0][1] or "")
	):
		if not technician:
			continue
		row = {
			"technician": technician,
			"month": month,
			"jobs": 0,
			"hours": 0.0,
			"first_time_fixes": 0,
			"repeat_repairs": 0,
			"complaints": 0,
			"visits": 0,
			**values,
		}
		row["first_time_fix_rate"] = report_policy.first_time_fix_rate(row["jobs"], row["first_time_fixes"])
		out.append(row)
	return out


def job_query(filters):
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
	return filtered(query, job, filters, "completed_on"), job, tech


def completed_jobs(filters):
	query, job, tech = job_query(filters)
	month = DateFormat(job.completed_on, "%Y-%m")
	return (
		query.select(
			tech.user.as_("technician"),
			month.as_("month"),
			Count(job.name).distinct().as_("jobs"),
			Sum(job.first_time_fix).as_("first_time_fixes"),
		).groupby(tech.user, month)
	).run(as_dict=True)


def repeat_repairs(filters):
	"""Jobs followed by another job on the same serial number opened within 30 days of completion."""
	query, job, tech = job_query(filters)
	later = frappe.qb.DocType("Repair Job").as_("later")
	month = DateFormat(job.completed_on, "%Y-%m")
	return (
		query.join(later)
		.on(
			(later.serial_no == job.serial_no)
			& (later.name != job.name)
			& (later.posting_date >= Date(job.completed_on))
			& (later.posting_date <= Date(job.completed_on) + Interval(days=REPEAT_WINDOW_DAYS))
			& (later.creation > job.completed_on)
		)
		.where(job.serial_no.isnotnull() & (job.serial_no != ""))
		.select(
			tech.user.as_("technician"),
			month.as_("month"),
			Count(job.name).distinct().as_("repeat_repairs"),
		)
		.groupby(tech.user, month)
	).run(as_dict=True)


def reported_hours(filters):
	"""Hours (work and travel) in submitted or approved daily reports."""
	report = frappe.qb.DocType("Technician Daily Report")
	line = frappe.qb.DocType("Technician Daily Report Line")
	month = DateFormat(report.report_date, "%Y-%m")
	query = (
		frappe.qb.from_(line)
		.join(report)
		.on((report.name == line.parent) & (line.parenttype == "Technician Daily Report"))
		.where(report.docstatus == 1)
		.select(
			report.technician.as_("technician"),
			month.as_("month"),
			Sum(line.hours + line.travel_hours).as_("hours"),
		)
		.groupby(report.technician, month)
	)
	if filters.get("technician"):
		query = query.where(report.technician == filters.technician)
	return filtered(query, report, filters, "report_date").run(as_dict=True)


def complaints(filters):
	"""Complaints whose responsible employee is the technician's employee record."""
	complaint = frappe.qb.DocType("Complaint Record")
	employee = frappe.qb.DocType("Employee")
	month = DateFormat(complaint.registered_on, "%Y-%m")
	query = (
		frappe.qb.from_(complaint)
		.join(employee)
		.on(employee.name == complaint.responsible_employee)
		.where(employee.user_id.isnotnull())
		.select(
			employee.user_id.as_("technician"), month.as_("month"), Count(complaint.name).as_("complaints")
		)
		.groupby(employee.user_id, month)
	)
	if filters.get("technician"):
		query = query.where(employee.user_id == filters.technician)
	return filtered(query, complaint, filters, "registered_on").run(as_dict=True)


def score(column):
	case = Case()
	for rating, value in visit_policy.SCORES.items():
		case = case.when(column == rating, value)
	return case.else_(None)


def ratings(filters):
	"""Average score per item of the done return visits of the technician's jobs, by service month."""
	visit = frappe.qb.DocType("Return Visit")
	month = DateFormat(visit.service_date, "%Y-%m")
	query = (
		frappe.qb.from_(visit)
		.where((visit.status == visit_policy.DONE) & visit.technician.isnotnull())
		.select(
			visit.technician.as_("technician"),
			month.as_("month"),
			Count(visit.name).as_("visits"),
			*(Avg(score(visit[field])).as_(field) for field in RATING_LABELS),
			Avg(visit.average_rating).as_("average_rating"),
		)
		.groupby(visit.technician, month)
	)
	if filters.get("technician"):
		query = query.where(visit.technician == filters.technician)
	query = within_dates(query, visit.service_date, filters)
	return filtered(query, visit, filters).run(as_dict=True)
