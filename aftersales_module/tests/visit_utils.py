"""Helpers for the return-visit and daily-report tests: completed jobs, resolved complaints, staff."""

import frappe
from frappe.model.workflow import apply_workflow

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.tests.utils import make_complaint, make_department, make_repair_job, make_user

ACTIVITY_TYPE = "_AS Field Service"
COSTING_RATE = 80


def completed_job(technician: str, **overrides):
	"""A Repair Job dispatched to `technician` and moved to Completed (as Administrator)."""
	job = make_repair_job(technicians=[{"user": technician}], **overrides)
	for status in ("Dispatched", "In Progress", "Completed"):
		set_status(job.name, status)
	job.reload()
	return job


def resolved_complaint(**values):
	"""A Complaint Record taken through its workflow to Resolved (as Administrator)."""
	doc = apply_workflow(make_complaint(**values), "Classify")
	doc.update(
		{
			"complaint_type": "Product Quality",
			"quality_sub_type": "Product Fault",
			"severity": "General",
			"validity": "Valid",
			"responsible_department": make_department(),
		}
	)
	doc.save()
	for action in ("Assign", "Start Investigation"):
		doc = apply_workflow(doc, action)
	doc.proposed_solution = "Replace the seal"
	doc.save()
	doc = apply_workflow(doc, "Propose Solution")
	doc = apply_workflow(doc, "Approve")
	doc.customer_agreed_by = "Mr Wang"
	doc.save()
	for action in ("Customer Agrees", "Execute", "Resolve"):
		doc = apply_workflow(doc, action)
	return doc


def use_visit_settings() -> None:
	"""The return-visit days of the procedures (001/3 §18): a call the next day, follow-ups 3 and 7
	days after."""
	frappe.db.set_single_value(
		"After Sales Settings",
		{"satisfaction_call_days": 1, "first_return_visit_days": 3, "second_return_visit_days": 7},
	)


def visits_of(doctype: str, name: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Return Visit",
		filters={"reference_doctype": doctype, "reference_name": name},
		fields=["name", "visit_kind", "status", "due_date", "last_day", "is_overdue", "technician"],
		order_by="due_date, visit_kind",
	)


def make_staff(email: str) -> str:
	return make_user(email, ["Return Visit Staff"])


def activity_type() -> str:
	"""An Activity Type with a costing rate, set as the daily reports' activity type."""
	if not frappe.db.exists("Activity Type", ACTIVITY_TYPE):
		frappe.get_doc(
			{
				"doctype": "Activity Type",
				"activity_type": ACTIVITY_TYPE,
				"costing_rate": COSTING_RATE,
				"billing_rate": 0,
			}
		).insert(ignore_permissions=True)
	frappe.db.set_single_value("After Sales Settings", "daily_report_activity_type", ACTIVITY_TYPE)
	return ACTIVITY_TYPE


def forget_work_of(users: list[str]) -> None:
	"""Detach the test technicians from what earlier runs left on the site (their jobs, visits,
	daily reports, timesheets and complaints held against them), so that counts start at zero.
	The test users themselves are kept: Frappe throttles creating many users an hour. These deletes
	bypass the documents' events, so Technician Performance reads from the documents again (its
	totals count as not built) until the sweep builds them."""
	from aftersales_module.day_totals import set_built

	set_built(None)
	employees = frappe.get_all("Employee", filters={"user_id": ("in", users)}, pluck="name")
	reports = frappe.get_all("Technician Daily Report", filters={"technician": ("in", users)}, pluck="name")
	if reports:
		frappe.db.delete("Technician Daily Report Line", {"parent": ("in", reports)})
		frappe.db.delete("Technician Daily Report", {"name": ("in", reports)})
	frappe.db.delete("Repair Job Technician", {"parenttype": "Repair Job", "user": ("in", users)})
	frappe.db.delete("Return Visit", {"technician": ("in", users)})
	if employees:
		sheets = frappe.get_all("Timesheet", filters={"employee": ("in", employees)}, pluck="name")
		if sheets:
			frappe.db.delete("Timesheet Detail", {"parent": ("in", sheets)})
			frappe.db.delete("Timesheet", {"name": ("in", sheets)})
		frappe.db.set_value(
			"Complaint Record", {"responsible_employee": ("in", employees)}, "responsible_employee", None
		)
