# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""The service supervisor's daily report (服务主任日报表, 001/3 §11): for each technician of the
supervisor's team (employees reporting to the supervisor's employee record) on one day, the jobs of
the day, those completed and fixed the first time, the hours of their daily report, the jobs still
pending, and whether the daily report is in, and its review state. Aggregated in SQL, grouped by
technician."""

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import add_days, escape_html, get_datetime, getdate, nowdate

from aftersales_module.reports import filtered, with_user_names

PENDING = ("Open", "Dispatched", "In Progress", "Awaiting Parts")
MISSING = "Missing"


def execute(filters=None):
	filters = frappe._dict(filters or {})
	day = getdate(filters.get("report_date") or nowdate())
	if day > getdate(nowdate()):
		frappe.throw(_("The summary covers days up to today, not {0}").format(frappe.format(day, "Date")))
	team = team_of(filters)
	rows = data(filters, day, team)
	missing = sum(1 for row in rows if row["report_status"] == MISSING)
	summary = [
		{"label": _("Technicians"), "value": len(rows), "datatype": "Int"},
		{"label": _("Jobs"), "value": sum(row["jobs"] for row in rows), "datatype": "Int"},
		{"label": _("Hours"), "value": sum(row["hours"] for row in rows), "datatype": "Float"},
		{
			"label": _("Reports Missing"),
			"value": missing,
			"datatype": "Int",
			"indicator": "Red" if missing else "Green",
		},
	]
	return with_user_names(columns(), rows), rows, None, None, summary


def columns() -> list[dict]:
	return [
		{
			"fieldname": "technician",
			"label": _("Technician"),
			"fieldtype": "Link",
			"options": "User",
			"width": 200,
		},
		{"fieldname": "technician_name", "label": _("Technician Name"), "fieldtype": "Data", "width": 150},
		{"fieldname": "jobs", "label": _("Jobs"), "fieldtype": "Int", "width": 80},
		{"fieldname": "completed", "label": _("Completed"), "fieldtype": "Int", "width": 100},
		{"fieldname": "first_time_fixes", "label": _("First-Time Fixes"), "fieldtype": "Int", "width": 120},
		{"fieldname": "hours", "label": _("Hours"), "fieldtype": "Float", "width": 80},
		{"fieldname": "pending", "label": _("Pending Jobs"), "fieldtype": "Int", "width": 110},
		{
			"fieldname": "report",
			"label": _("Daily Report"),
			"fieldtype": "Link",
			"options": "Technician Daily Report",
			"width": 160,
		},
		{"fieldname": "report_status", "label": _("Report Status"), "fieldtype": "Data", "width": 120},
	]


def team_of(filters) -> dict[str, str]:
	"""user -> employee name of the supervisor's team; without a supervisor, every active employee
	who is a Service Technician."""
	employee = frappe.qb.DocType("Employee")
	query = (
		frappe.qb.from_(employee)
		.select(employee.user_id, employee.employee_name)
		.where((employee.status == "Active") & employee.user_id.isnotnull())
	)
	if filters.get("company"):
		query = query.where(employee.company == filters.company)
	if filters.get("supervisor"):
		manager = frappe.db.get_value("Employee", {"user_id": filters.supervisor, "status": "Active"})
		if not manager:
			frappe.throw(
				_("{0} has no active Employee record, so no team").format(escape_html(filters.supervisor))
			)
		query = query.where(employee.reports_to == manager)
	else:
		has_role = frappe.qb.DocType("Has Role")
		technicians = (
			frappe.qb.from_(has_role)
			.select(has_role.parent)
			.where((has_role.role == "Service Technician") & (has_role.parenttype == "User"))
		)
		query = query.where(employee.user_id.isin(technicians))
	return dict(query.run())


def data(filters, day, team: dict[str, str]) -> list[dict]:
	if not team:
		return []
	users = list(team)
	start, end = get_datetime(day), get_datetime(add_days(day, 1))
	job = frappe.qb.DocType("Repair Job")
	tech = frappe.qb.DocType("Repair Job Technician")

	def jobs_of(condition):
		query = (
			frappe.qb.from_(tech)
			.join(job)
			.on((job.name == tech.parent) & (tech.parenttype == "Repair Job"))
			.where(tech.user.isin(users) & condition)
		)
		return filtered(query, job, filters), job, tech

	completed_today = (job.completed_on >= start) & (job.completed_on < end)
	query, job, tech = jobs_of(((job.appointment >= start) & (job.appointment < end)) | completed_today)
	day_rows = (
		query.select(
			tech.user,
			Count(job.name).distinct().as_("jobs"),
			Sum(Case().when(completed_today, 1).else_(0)).as_("completed"),
			Sum(Case().when(completed_today & (job.first_time_fix == 1), 1).else_(0)).as_("first_time_fixes"),
		).groupby(tech.user)
	).run(as_dict=True)
	query, job, tech = jobs_of(job.status.isin(PENDING))
	pending = dict(query.select(tech.user, Count(job.name).distinct()).groupby(tech.user).run())

	report = frappe.qb.DocType("Technician Daily Report")
	reports = {
		row.technician: row
		for row in (
			frappe.qb.from_(report)
			.select(report.technician, report.name, report.workflow_state, report.total_hours)
			.where((report.report_date == day) & (report.docstatus < 2) & report.technician.isin(users))
		).run(as_dict=True)
	}
	by_user = {row.user: row for row in day_rows}
	rows = []
	for user in sorted(users, key=lambda u: team[u] or u):
		day_row = by_user.get(user) or frappe._dict()
		daily = reports.get(user)
		rows.append(
			{
				"technician": user,
				"technician_name": team[user],
				"jobs": int(day_row.get("jobs") or 0),
				"completed": int(day_row.get("completed") or 0),
				"first_time_fixes": int(day_row.get("first_time_fixes") or 0),
				"hours": float(daily.total_hours or 0) if daily else 0.0,
				"pending": int(pending.get(user) or 0),
				"report": daily.name if daily else None,
				"report_status": _(daily.workflow_state or "Draft") if daily else _(MISSING),
			}
		)
	return rows
