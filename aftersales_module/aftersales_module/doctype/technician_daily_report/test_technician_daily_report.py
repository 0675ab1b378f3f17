# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import itertools
from datetime import datetime, time

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, flt, getdate, nowdate

from aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report import (
	draft_my_report,
)
from aftersales_module.tasks.daily_reports import draft_for, draft_reports
from aftersales_module.tests.utils import (
	AfterSalesTestCase,
	make_employee,
	make_repair_job,
	make_user,
	use_repair_settings,
)
from aftersales_module.tests.visit_utils import COSTING_RATE, activity_type, forget_work_of

DOCTYPE = "Technician Daily Report"
SAVEPOINT = "as_daily_report_test"


def at(day, hour, minute=0):
	return datetime.combine(getdate(day), time(hour, minute))


def job_on(technicians, appointment=None, completed_on=None, status="In Progress"):
	"""A Repair Job dispatched to `technicians`, its times written as the status buttons would."""
	job = make_repair_job(technicians=[{"user": user} for user in technicians])
	frappe.db.set_value(
		"Repair Job",
		job.name,
		{"appointment": appointment, "completed_on": completed_on, "status": status},
		update_modified=False,
	)
	return job.name


class TestTechnicianDailyReport(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		activity_type()
		run = "v1"  # stable users: Frappe throttles creating many users an hour
		cls.supervisor = make_user(f"as-dr-sup-{run}@example.com", ["After Sales Manager"])
		make_employee(cls.supervisor)
		cls.tech = make_user(f"as-dr-tech-{run}@example.com", ["Service Technician"])
		cls.employee = make_employee(cls.tech, reports_to=cls.supervisor)
		cls.other = make_user(f"as-dr-tech2-{run}@example.com", ["Service Technician"])
		make_employee(cls.other, reports_to=cls.supervisor)
		# a technician who is also a supervisor: may not review their own report
		cls.lead = make_user(f"as-dr-lead-{run}@example.com", ["Service Technician", "After Sales Manager"])
		make_employee(cls.lead)

		forget_work_of([cls.tech, cls.other, cls.lead])
		cls.day = add_days(getdate(nowdate()), -1)
		day = cls.day
		cls.job_a = job_on([cls.tech], at(day, 9), at(day, 11, 30), "Completed")  # 2.5 h
		cls.job_b = job_on([cls.tech], at(day, 13), None, "Awaiting Parts")  # labour 1 h
		cls.job_e = job_on([cls.tech, cls.other], None, at(day, 15), "Completed")  # shared, labour 1 h
		cls.job_c = job_on([cls.other], at(day, 10))  # another technician's
		cls.job_d = job_on([cls.tech], at(add_days(day, -1), 9))  # the day before
		cls.job_l = job_on([cls.lead], at(day, 8), at(day, 9), "Completed")

	def setUp(self):
		# each test starts from the jobs alone: what a test drafts, submits or fails is undone
		frappe.db.savepoint(SAVEPOINT)
		activity_type()

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point=SAVEPOINT)

	def report_of(self, user, day=None):
		name = frappe.db.get_value(
			DOCTYPE, {"technician": user, "report_date": day or self.day, "docstatus": ("<", 2)}
		)
		return frappe.get_doc(DOCTYPE, name) if name else None

	def drafted(self, user):
		draft_reports(self.day, [user])
		return self.report_of(user)

	# ------------------------------------------------------------ drafting
	def test_the_draft_lists_exactly_that_technicians_jobs_of_the_day_once(self):
		created = draft_reports(self.day)
		report = self.report_of(self.tech)
		self.assertIn(report.name, created)
		self.assertEqual([row.repair_job for row in report.lines], [self.job_a, self.job_b, self.job_e])
		lines = {row.repair_job: row for row in report.lines}
		self.assertEqual(lines[self.job_a].hours, 2.5)
		self.assertEqual(lines[self.job_a].outcome, "Fixed")
		self.assertEqual(lines[self.job_b].outcome, "Awaiting Parts")
		self.assertEqual(lines[self.job_b].hours, 1)
		self.assertEqual(
			lines[self.job_e].customer, frappe.db.get_value("Repair Job", self.job_e, "customer")
		)
		self.assertEqual(report.workflow_state, "Draft")
		self.assertEqual(report.employee, self.employee)
		self.assertEqual(report.supervisor, self.supervisor)
		self.assertEqual(report.total_hours, 4.5)
		other = self.report_of(self.other)
		self.assertEqual([row.repair_job for row in other.lines], [self.job_c, self.job_e])

		# the job again, the end-of-day run again, and Draft my report: nothing more
		self.assertEqual(draft_reports(self.day), [])
		frappe.set_user(self.tech)
		self.assertEqual(draft_my_report(str(self.day)), report.name)
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.count(DOCTYPE, {"technician": self.tech, "report_date": self.day}), 1)
		self.assertEqual(len(self.report_of(self.tech).lines), 3)

	def test_a_line_says_what_parts_its_job_used_net_of_returns(self):
		part = frappe.get_all(
			"Repair Job Part", filters={"parent": self.job_a}, fields=["name", "item_code"], limit=1
		)[0]
		# the quantities the parts entries leave on the job's row (issued 2, half of one returned)
		frappe.db.set_value("Repair Job Part", part.name, {"issued_qty": 2, "returned_qty": 0.5})
		lines = {row.repair_job: row for row in self.drafted(self.tech).lines}
		self.assertEqual(lines[self.job_a].parts_used, f"{part.item_code} × 1.5")
		self.assertFalse(lines[self.job_b].parts_used, "nothing issued, nothing listed")

	def test_draft_my_report_adds_the_jobs_a_draft_lacks(self):
		report = self.drafted(self.tech) or self.report_of(self.tech)
		report.lines = [row for row in report.lines if row.repair_job != self.job_b]
		report.save()
		frappe.set_user(self.tech)
		draft_for(self.tech, self.day)
		frappe.set_user("Administrator")
		self.assertEqual(
			sorted(row.repair_job for row in self.report_of(self.tech).lines),
			sorted([self.job_a, self.job_b, self.job_e]),
		)

	# ------------------------------------------------------------ bad input, each a 4xx
	def assert4xx(self, exception_types, func, *args):
		with self.assertRaises(exception_types) as caught:
			func(*args)
		self.assertTrue(400 <= caught.exception.http_status_code < 500, caught.exception)
		return caught.exception

	def test_a_report_for_a_future_day_is_refused(self):
		tomorrow = add_days(getdate(nowdate()), 1)
		frappe.set_user(self.tech)
		self.assert4xx(frappe.ValidationError, draft_my_report, str(tomorrow))
		doc = frappe.get_doc({"doctype": DOCTYPE, "technician": self.tech, "report_date": tomorrow})
		self.assert4xx(frappe.ValidationError, doc.insert)

	def test_a_second_report_for_the_same_day_is_refused(self):
		first = self.drafted(self.tech) or self.report_of(self.tech)
		frappe.set_user(self.tech)
		doc = frappe.get_doc({"doctype": DOCTYPE, "technician": self.tech, "report_date": self.day})
		self.assert4xx(frappe.DuplicateEntryError, doc.insert)
		self.assertEqual(frappe.db.count(DOCTYPE, {"technician": self.tech, "report_date": self.day}), 1)
		self.assertTrue(first.name)

	def test_a_technician_sees_and_edits_only_their_own_reports(self):
		report = self.drafted(self.tech) or self.report_of(self.tech)
		self.drafted(self.other)
		frappe.set_user(self.other)
		visible = frappe.get_list(DOCTYPE, pluck="technician")
		self.assertNotIn(self.tech, visible)
		self.assertIn(self.other, visible)
		self.assertFalse(frappe.has_permission(DOCTYPE, "read", doc=report.name))
		doc = frappe.get_doc(DOCTYPE, report.name)
		doc.notes = "not mine"
		self.assert4xx(frappe.PermissionError, doc.save)
		doc = frappe.get_doc({"doctype": DOCTYPE, "technician": self.tech, "report_date": nowdate()})
		self.assert4xx(frappe.PermissionError, doc.insert)

	def test_a_line_for_a_job_not_dispatched_to_the_technician_is_refused(self):
		report = self.drafted(self.tech) or self.report_of(self.tech)
		report.append("lines", {"repair_job": self.job_c, "hours": 1})
		self.assert4xx(frappe.ValidationError, report.save)
		report.reload()
		report.lines[0].hours = 30
		self.assert4xx(frappe.ValidationError, report.save)

	# ------------------------------------------------------------ timesheet and review
	def timesheet_logs(self, timesheet):
		return frappe.get_all(
			"Timesheet Detail",
			filters={"parent": timesheet, "parenttype": "Timesheet"},
			fields=["activity_type", "hours", "costing_amount", "from_time", "to_time", "description"],
			order_by="idx",
		)

	def test_submitting_writes_the_timesheet_and_a_resubmission_no_duplicate(self):
		report = self.drafted(self.tech) or self.report_of(self.tech)
		frappe.set_user(self.tech)
		report = frappe.get_doc(DOCTYPE, report.name)
		report.notes = "Seal kits running low"
		report.tomorrow_plan = "Finish the pump waiting for parts"
		report.lines[0].travel_hours = 0.5
		report.save()
		report = apply_workflow(report, "Submit")
		self.assertEqual((report.docstatus, report.workflow_state), (1, "Submitted"))
		frappe.set_user("Administrator")

		report.reload()
		self.assertTrue(report.timesheet)
		timesheet = frappe.get_doc("Timesheet", report.timesheet)
		self.assertEqual(timesheet.employee, self.employee)
		self.assertEqual(timesheet.docstatus, 0)
		logs = self.timesheet_logs(timesheet.name)
		self.assertEqual([log.description.split()[0] for log in logs], [self.job_a, self.job_b, self.job_e])
		self.assertEqual([flt(log.hours) for log in logs], [3.0, 1.0, 1.0])
		self.assertEqual({log.activity_type for log in logs}, {activity_type()})
		self.assertEqual(flt(timesheet.total_costing_amount), 5.0 * COSTING_RATE)
		for earlier, later in itertools.pairwise(logs):
			self.assertLessEqual(earlier.to_time, later.from_time, "logs never overlap")

		# the supervisor returns it with a comment; the technician amends and submits again
		frappe.set_user(self.supervisor)
		report = frappe.get_doc(DOCTYPE, report.name)
		self.assert4xx(
			frappe.ValidationError,
			apply_workflow,
			frappe.get_doc(DOCTYPE, report.name),
			"Return to Technician",
		)
		report.review_comment = "Job B took longer: say why"
		report.save()
		report = apply_workflow(report, "Return to Technician")
		self.assertEqual((report.docstatus, report.workflow_state), (2, "Returned"))
		self.assertEqual(report.reviewed_by, self.supervisor)

		frappe.set_user(self.tech)
		amended = frappe.copy_doc(report, ignore_no_copy=False)  # what the desk's Amend does
		amended.amended_from = report.name
		amended.docstatus = 0
		amended.lines[1].hours = 2
		amended.insert()
		self.assertEqual(amended.workflow_state, "Draft")
		amended = apply_workflow(amended, "Submit")
		frappe.set_user("Administrator")
		amended.reload()
		self.assertEqual(amended.timesheet, timesheet.name, "the same timesheet is rewritten")
		logs = self.timesheet_logs(timesheet.name)
		self.assertEqual([flt(log.hours) for log in logs], [3.0, 2.0, 1.0])
		self.assertEqual(frappe.db.count("Timesheet", {"employee": self.employee, "docstatus": ("<", 2)}), 1)

		# approval submits the timesheet: the labour cost is booked once
		frappe.set_user(self.tech)
		self.assertRaises(
			frappe.ValidationError, apply_workflow, frappe.get_doc(DOCTYPE, amended.name), "Approve"
		)
		frappe.set_user(self.supervisor)
		approved = apply_workflow(frappe.get_doc(DOCTYPE, amended.name), "Approve")
		frappe.set_user("Administrator")
		self.assertEqual(approved.workflow_state, "Approved")
		self.assertEqual(approved.reviewed_by, self.supervisor)
		timesheet.reload()
		self.assertEqual(timesheet.docstatus, 1)
		self.assertEqual(flt(timesheet.total_hours), 6.0)
		self.assertEqual(flt(timesheet.total_costing_amount), 6.0 * COSTING_RATE)

	def test_nobody_approves_their_own_report(self):
		report = self.drafted(self.lead) or self.report_of(self.lead)
		frappe.set_user(self.lead)
		report = apply_workflow(frappe.get_doc(DOCTYPE, report.name), "Submit")
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			apply_workflow(frappe.get_doc(DOCTYPE, report.name), "Approve")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value(DOCTYPE, report.name, "workflow_state"), "Submitted")
		frappe.set_user(self.supervisor)
		self.assertEqual(
			apply_workflow(frappe.get_doc(DOCTYPE, report.name), "Approve").workflow_state, "Approved"
		)

	def test_submitting_without_the_activity_type_setting_is_refused(self):
		report = self.drafted(self.tech) or self.report_of(self.tech)
		frappe.db.set_single_value("After Sales Settings", "daily_report_activity_type", None)
		frappe.set_user(self.tech)
		self.assert4xx(frappe.ValidationError, apply_workflow, frappe.get_doc(DOCTYPE, report.name), "Submit")
