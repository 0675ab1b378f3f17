# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""The technician's daily report (技术员工作日报表, 001/3 §10). One per technician and day (the
`unique_key` column is unique; a returned, cancelled report frees it for its amendment). It is
drafted from the day's repair jobs (tasks/daily_reports.py), submitted by the technician, and
approved or returned by the supervisor through the Workflow "Technician Daily Report Review".
Submitting writes the day's ERPNext Timesheet, one time log per job; approval submits it."""

import frappe
from frappe import _
from frappe.utils import flt, get_datetime, getdate, now_datetime, nowdate

from aftersales_module.guard import AppDocument, app_write
from aftersales_module.policy import daily_report as policy
from aftersales_module.roles import is_technician_only
from aftersales_module.settings import get_settings

DOCTYPE = "Technician Daily Report"


class TechnicianDailyReport(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from aftersales_module.aftersales_module.doctype.technician_daily_report_line.technician_daily_report_line import (
			TechnicianDailyReportLine,
		)

		amended_from: DF.Link | None
		company: DF.Link | None
		employee: DF.Link | None
		lines: DF.Table[TechnicianDailyReportLine]
		naming_series: DF.Literal["TDR-.YYYY.-.#####"]
		notes: DF.SmallText | None
		report_date: DF.Date
		review_comment: DF.SmallText | None
		reviewed_by: DF.Link | None
		reviewed_on: DF.Datetime | None
		supervisor: DF.Link | None
		technician: DF.Link
		technician_name: DF.Data | None
		timesheet: DF.Link | None
		tomorrow_plan: DF.SmallText | None
		total_hours: DF.Float
		unique_key: DF.Data | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	# Written by submission and review only. (`supervisor`, `employee`, `total_hours` and `unique_key`
	# are recomputed on every save, so a value sent with a save never sticks.)
	app_managed_fields = ("timesheet", "reviewed_by", "reviewed_on")
	set_once_fields = ("technician", "report_date")

	def before_validate(self):
		if not self.technician:
			self.technician = frappe.session.user
		if not self.report_date:
			self.report_date = nowdate()

	def validate(self):
		if message := policy.report_date_problem(getdate(self.report_date), getdate(nowdate())):
			frappe.throw(_(message).format(frappe.format(self.report_date, "Date")), title=_("Invalid date"))
		if is_technician_only() and self.technician != frappe.session.user:
			frappe.throw(
				_("You can write only your own daily report, not {0}'s").format(self.technician),
				frappe.PermissionError,
			)
		self.set_employee()
		self.check_unique()
		self.check_lines()

	def set_employee(self):
		employee = frappe.db.get_value(
			"Employee",
			{"user_id": self.technician, "status": "Active"},
			["name", "company", "reports_to"],
			as_dict=True,
		)
		with app_write():
			self.employee = employee.name if employee else None
			self.supervisor = (
				frappe.db.get_value("Employee", employee.reports_to, "user_id")
				if employee and employee.reports_to
				else None
			)
			self.company = (
				self.company
				or (employee and employee.company)
				or get_settings().default_company
				or frappe.defaults.get_user_default("Company")
			)
			self.unique_key = policy.unique_key(self.technician, getdate(self.report_date))

	def check_unique(self):
		other = frappe.db.get_value(
			DOCTYPE,
			{
				"technician": self.technician,
				"report_date": self.report_date,
				"docstatus": ("<", 2),
				"name": ("!=", self.name),
			},
		)
		if other:
			frappe.throw(
				_("{0} already has the daily report {1} for {2}").format(
					self.technician, frappe.bold(other), frappe.format(self.report_date, "Date")
				),
				frappe.DuplicateEntryError,
				title=_("One report a day"),
			)

	def check_lines(self):
		day = getdate(self.report_date)
		jobs = [row.repair_job for row in self.lines if row.repair_job]
		dispatched = set(
			frappe.get_all(
				"Repair Job Technician",
				filters={"parenttype": "Repair Job", "parent": ("in", jobs), "user": self.technician},
				pluck="parent",
			)
			if jobs
			else []
		)
		seen = set()
		total = 0.0
		for row in self.lines:
			if row.repair_job in seen:
				frappe.throw(_("Row {0}: Repair Job {1} is listed twice").format(row.idx, row.repair_job))
			seen.add(row.repair_job)
			if row.repair_job not in dispatched:
				frappe.throw(
					_("Row {0}: {1} is not dispatched to Repair Job {2}").format(
						row.idx, self.technician, row.repair_job
					)
				)
			start = get_datetime(row.start_time) if row.start_time else None
			end = get_datetime(row.end_time) if row.end_time else None
			for message in policy.line_problems(flt(row.hours), flt(row.travel_hours), start, end, day):
				frappe.throw(_(message).format(row.idx))
			total += flt(row.hours) + flt(row.travel_hours)
		if message := policy.total_problem(total):
			frappe.throw(_(message).format(round(total, 2)))
		self.total_hours = round(total, 2)

	# ------------------------------------------------------------- workflow
	def on_submit(self):
		self.sync_timesheet()

	def before_update_after_submit(self):
		before = self.get_doc_before_save()
		if before and (before.review_comment or "") != (self.review_comment or "") and is_technician_only():
			frappe.throw(_("Only a supervisor writes the Supervisor's Comment"), frappe.PermissionError)
		if before and before.workflow_state != self.workflow_state and self.workflow_state == policy.APPROVED:
			self.check_reviewer()
			with app_write():
				self.reviewed_by, self.reviewed_on = frappe.session.user, now_datetime()

	def on_update_after_submit(self):
		if self.workflow_state == policy.APPROVED and self.timesheet:
			timesheet = frappe.get_doc("Timesheet", self.timesheet)
			if timesheet.docstatus == 0:
				timesheet.flags.ignore_permissions = True
				timesheet.submit()

	def before_cancel(self):
		self.check_reviewer()
		if not (self.review_comment or "").strip():
			frappe.throw(_("Say in the Supervisor's Comment why the report is returned"), title=_("Comment"))
		with app_write():
			self.reviewed_by, self.reviewed_on = frappe.session.user, now_datetime()

	def on_cancel(self):
		# the amendment takes the technician's day
		self.db_set("unique_key", None, update_modified=False)
		# Frappe sanitizes a comment's markup itself
		self.add_comment("Comment", _("Returned: {0}").format((self.review_comment or "").strip()))

	def check_reviewer(self):
		if message := policy.self_review_problem(frappe.session.user, self.technician):
			frappe.throw(_(message).format(self.name), frappe.PermissionError)
		if "After Sales Manager" not in frappe.get_roles() and frappe.session.user != "Administrator":
			frappe.throw(_("Only a supervisor reviews daily reports"), frappe.PermissionError)

	# ------------------------------------------------------------- timesheet
	def sync_timesheet(self):
		"""Write the day's Timesheet: one time log per job with hours, activity type from the
		settings. An amended report rewrites the same Timesheet, so no log is doubled."""
		lines = [
			(
				row.repair_job,
				get_datetime(row.start_time) if row.start_time else None,
				flt(row.hours) + flt(row.travel_hours),
			)
			for row in self.lines
		]
		logs = policy.time_logs(getdate(self.report_date), lines)
		name = self.timesheet or frappe.db.get_value(
			DOCTYPE,
			{
				"technician": self.technician,
				"report_date": self.report_date,
				"timesheet": ("is", "set"),
				"name": ("!=", self.name),
			},
			"timesheet",
			order_by="creation desc",
		)
		if not logs and not name:
			return
		activity_type = get_settings().daily_report_activity_type
		if logs and not activity_type:
			frappe.throw(
				_("Set the {0} in After Sales Settings before submitting daily reports").format(
					_("Daily Report Activity Type")
				)
			)
		if name:
			timesheet = frappe.get_doc("Timesheet", name)
			if timesheet.docstatus != 0:
				frappe.throw(
					_("Timesheet {0} of {1} for this day is already submitted").format(name, self.technician)
				)
		else:
			timesheet = frappe.new_doc("Timesheet")
		customers = {row.repair_job: row.customer for row in self.lines}
		timesheet.update(
			{
				"company": self.company,
				"employee": self.employee,
				"user": self.technician,
				"note": _("Technician Daily Report {0}").format(self.name),
			}
		)
		timesheet.set("time_logs", [])
		for log in logs:
			timesheet.append(
				"time_logs",
				{
					"activity_type": activity_type,
					"from_time": log.from_time,
					"to_time": log.to_time,
					"hours": log.hours,
					"completed": 1,
					"description": f"{log.repair_job} {customers.get(log.repair_job) or ''}".strip(),
				},
			)
		timesheet.flags.ignore_permissions = True
		timesheet.save()
		self.db_set("timesheet", timesheet.name, update_modified=False)


def on_doctype_update():
	frappe.db.add_index(DOCTYPE, ["report_date", "technician"], index_name="report_date_technician")
	# Technician Performance: the submitted reports of a period, read from the index alone
	frappe.db.add_index(
		DOCTYPE, ["report_date", "docstatus", "company", "technician"], index_name="report_date_docstatus"
	)


# ----------------------------------------------------------------- permissions (hooks.py)
def get_permission_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if user == "Administrator" or not is_technician_only(user):
		return ""
	return f"`tabTechnician Daily Report`.`technician` = {frappe.db.escape(user)}"


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if user == "Administrator" or not is_technician_only(user):
		return None
	# a report posted without a technician is the poster's own: before_validate fills it in
	return (doc.technician or user) == user


@frappe.whitelist()
def draft_my_report(report_date: str | None = None) -> str:
	"""Draft (or complete) the session user's report for a day, from the jobs dispatched to them."""
	from aftersales_module.tasks.daily_reports import draft_for

	day = getdate(report_date or nowdate())
	if message := policy.report_date_problem(day, getdate(nowdate())):
		frappe.throw(_(message).format(frappe.format(day, "Date")), title=_("Invalid date"))
	return draft_for(frappe.session.user, day)
