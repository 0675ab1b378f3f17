"""Return Visit Coverage, Technician Performance and Supervisor Daily Summary against fixtures whose
numbers are worked out by hand in each test."""

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_months, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.aftersales_module.report.return_visit_coverage import return_visit_coverage
from aftersales_module.aftersales_module.report.supervisor_daily_summary import supervisor_daily_summary
from aftersales_module.aftersales_module.report.technician_performance import technician_performance
from aftersales_module.tasks.daily_reports import draft_reports
from aftersales_module.tests.utils import (
	AfterSalesTestCase,
	make_complaint,
	make_employee,
	make_repair_job,
	make_user,
	receive_serial_units,
	use_repair_settings,
)
from aftersales_module.tests.visit_utils import (
	activity_type,
	completed_job,
	forget_work_of,
	make_staff,
	visits_of,
)

STAFF = "as-vr-staff@example.com"


def rate(name, attitude, skill, punctuality, result):
	frappe.set_user(STAFF)
	visit = frappe.get_doc("Return Visit", name)
	visit.update(
		{
			"reached": 1,
			"rating_attitude": attitude,
			"rating_skill": skill,
			"rating_punctuality": punctuality,
			"rating_result": result,
		}
	)
	visit.save()
	frappe.set_user("Administrator")


class TestVisitReports(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		activity_type()
		make_staff(STAFF)
		cls.suffix = "v1"  # stable users: Frappe throttles creating many users an hour
		# each test works with its own technicians, so the tests' records never meet
		cls.supervisor = make_user(f"as-vr-sup-{cls.suffix}@example.com", ["After Sales Manager"])
		make_employee(cls.supervisor)
		cls.techs = {
			tag: cls.technician(tag, reports_to=cls.supervisor if tag in ("busy", "idle") else None)
			for tag in ("cov", "perf", "busy", "idle", "out")
		}
		forget_work_of(list(cls.techs.values()))

	def setUp(self):
		use_repair_settings()
		activity_type()

	def tearDown(self):
		frappe.set_user("Administrator")

	@classmethod
	def technician(cls, tag, reports_to=None):
		user = make_user(f"as-vr-{tag}-{cls.suffix}@example.com", ["Service Technician"])
		make_employee(user, reports_to=reports_to)
		return user

	# ------------------------------------------------------------ coverage
	def test_coverage_counts_visits_made_of_those_due(self):
		tech = self.techs["cov"]
		one, two = completed_job(tech), completed_job(tech)
		call1, first1, second1 = (v.name for v in visits_of("Repair Job", one.name))
		call2, first2, second2 = (v.name for v in visits_of("Repair Job", two.name))
		rate(call1, "Good", "Good", "Excellent", "Good")  # satisfied
		rate(first1, "Good", "Fair", "Good", "Good")  # done, not satisfied
		rate(call2, "Excellent", "Excellent", "Excellent", "Good")  # satisfied
		frappe.db.set_value("Return Visit", second1, "status", "Missed")
		# first2 stays open; second2 is not due yet
		month_day = add_months(getdate(nowdate()), -1).replace(day=10)
		for name in (call1, first1, second1, call2, first2):
			frappe.db.set_value("Return Visit", name, "due_date", month_day)
		frappe.db.set_value("Return Visit", second2, "due_date", add_days(nowdate(), 1))

		filters = {
			"technician": tech,
			"from_date": add_months(nowdate(), -12),
			"to_date": add_days(nowdate(), 30),
		}
		_columns, rows, _message, chart, summary = return_visit_coverage.execute(filters)
		self.assertEqual(len(rows), 1, rows)
		row = rows[0]
		self.assertEqual(row["month"], month_day.strftime("%Y-%m"))
		# 5 due, 3 made, 1 missed, 1 open: 60%; 2 of the 3 made satisfied: 66.7%
		self.assertEqual(
			(row["due"], row["visited"], row["missed"], row["open"], row["satisfied"]), (5, 3, 1, 1, 2)
		)
		self.assertEqual(row["coverage"], 60.0)
		self.assertEqual(row["satisfaction"], 66.7)
		self.assertEqual((row["coverage_target"], row["satisfaction_target"]), (100.0, 98.0))
		self.assertEqual(chart["data"]["datasets"][0]["values"], [60.0])
		self.assertEqual(summary[1]["value"], 60.0)
		self.assertEqual(summary[1]["indicator"], "Red")

	def test_coverage_card_and_date_check(self):
		card = return_visit_coverage.coverage_card()
		self.assertEqual(card["fieldtype"], "Percent")
		with self.assertRaises(frappe.ValidationError):
			return_visit_coverage.execute({"from_date": nowdate(), "to_date": add_days(nowdate(), -1)})

	# ------------------------------------------------------------ performance
	def test_technician_performance_for_a_month(self):
		tech = self.techs["perf"]
		serial_one, serial_two = receive_serial_units(2)
		job1 = completed_job(tech, serial_no=serial_one, first_time_fix=1)
		job2 = completed_job(tech, serial_no=serial_two)
		# the unit of job1 comes back within 30 days: a repeat repair of job1
		make_repair_job(serial_no=serial_one)
		# a complaint held against the technician
		make_complaint(responsible_employee=frappe.db.get_value("Employee", {"user_id": tech}))
		# ratings: job1 4,3,3,2 and job2 3,3,3,3
		rate(visits_of("Repair Job", job1.name)[0].name, "Excellent", "Good", "Good", "Fair")
		rate(visits_of("Repair Job", job2.name)[0].name, "Good", "Good", "Good", "Good")
		# reported hours: 1.5 + (1 + 0.5 travel) = 3
		draft_reports(getdate(nowdate()), [tech])
		report = frappe.get_doc(
			"Technician Daily Report", {"technician": tech, "report_date": nowdate(), "docstatus": 0}
		)
		hours = {job1.name: (1.5, 0), job2.name: (1, 0.5)}
		for row in report.lines:
			row.hours, row.travel_hours = hours[row.repair_job]
		report.save()
		frappe.set_user(tech)
		apply_workflow(frappe.get_doc("Technician Daily Report", report.name), "Submit")
		frappe.set_user("Administrator")

		_columns, rows = technician_performance.execute(
			{"technician": tech, "from_date": add_days(nowdate(), -1), "to_date": nowdate()}
		)
		self.assertEqual(len(rows), 1, rows)
		row = rows[0]
		self.assertEqual(row["month"], now_datetime().strftime("%Y-%m"))
		self.assertEqual(
			(row["jobs"], row["first_time_fixes"], row["repeat_repairs"], row["complaints"], row["visits"]),
			(2, 1, 1, 1, 2),
		)
		self.assertEqual(row["first_time_fix_rate"], 50.0)
		self.assertEqual(row["hours"], 3.0)
		self.assertEqual(
			[row["rating_attitude"], row["rating_skill"], row["rating_punctuality"], row["rating_result"]],
			[3.5, 3.0, 3.0, 2.5],
		)
		self.assertEqual(row["average_rating"], 3.0)

	# ------------------------------------------------------------ supervisor's day
	def test_supervisor_daily_summary_of_the_team(self):
		supervisor, busy, idle, outsider = (
			self.supervisor,
			self.techs["busy"],
			self.techs["idle"],
			self.techs["out"],
		)
		done = make_repair_job(technicians=[{"user": busy}], first_time_fix=1)
		frappe.db.set_value("Repair Job", done.name, "appointment", now_datetime())
		for status in ("Dispatched", "In Progress", "Completed"):
			set_status(done.name, status)
		waiting = make_repair_job(technicians=[{"user": busy}])
		frappe.db.set_value(
			"Repair Job",
			waiting.name,
			{"appointment": add_days(now_datetime(), -1), "status": "Awaiting Parts"},
		)
		make_repair_job(technicians=[{"user": outsider}])
		report = draft_reports(getdate(nowdate()), [busy])[0]

		_columns, rows, _message, _chart, summary = supervisor_daily_summary.execute(
			{"supervisor": supervisor, "report_date": nowdate()}
		)
		by_user = {row["technician"]: row for row in rows}
		self.assertEqual(set(by_user), {busy, idle}, "the supervisor's team only")
		self.assertEqual(
			{k: by_user[busy][k] for k in ("jobs", "completed", "first_time_fixes", "pending", "report")},
			{"jobs": 1, "completed": 1, "first_time_fixes": 1, "pending": 1, "report": report},
		)
		self.assertEqual(by_user[busy]["report_status"], "Draft")
		self.assertEqual((by_user[idle]["jobs"], by_user[idle]["report"]), (0, None))
		self.assertEqual(by_user[idle]["report_status"], "Missing")
		self.assertEqual({s["label"]: s["value"] for s in summary}["Reports Missing"], 1)
		with self.assertRaises(frappe.ValidationError):
			supervisor_daily_summary.execute(
				{"supervisor": supervisor, "report_date": add_days(nowdate(), 1)}
			)
