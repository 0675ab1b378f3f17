"""Technician Performance and Return Visit Coverage from day totals: the totals add up to what the
documents say, a save or a sweep's bulk write after the build shows in the report at once (its day
is read from the documents), the hourly sweep adds the day up again, and the reports still write
nothing."""

import threading
import time

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, add_to_date, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.report.complaint_aging import complaint_aging
from aftersales_module.aftersales_module.report.complaint_statistics import complaint_statistics
from aftersales_module.aftersales_module.report.concealment_audit import concealment_audit
from aftersales_module.aftersales_module.report.return_visit_coverage import return_visit_coverage
from aftersales_module.aftersales_module.report.technician_performance import technician_performance
from aftersales_module.aftersales_module.report.technician_performance.technician_performance import TOTALS
from aftersales_module.day_totals import STALE, mark, set_built, stale_runs
from aftersales_module.escalation import engine
from aftersales_module.tasks import day_totals as sweep
from aftersales_module.tasks import return_visits
from aftersales_module.tests.test_sweep_concurrency import on_own_connection
from aftersales_module.tests.utils import (
	TEST_COMPANY,
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

STAFF = "as-tt-staff@example.com"
TECH = "as-tt-tech-v1@example.com"
VISITED = "as-tt-visited-v1@example.com"  # the coverage test's technician
RACED = "as-tt-raced-v1@example.com"  # the concurrency test's technician


def rate(name, *ratings):
	frappe.set_user(STAFF)
	visit = frappe.get_doc("Return Visit", name)
	fields = ("rating_attitude", "rating_skill", "rating_punctuality", "rating_result")
	visit.update({"reached": 1, **dict(zip(fields, ratings, strict=True))})
	visit.save()
	frappe.set_user("Administrator")


class TestDayTotals(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		activity_type()
		make_staff(STAFF)
		make_employee(make_user(TECH, ["Service Technician"]))
		make_employee(make_user(VISITED, ["Service Technician"]))
		make_employee(make_user(RACED, ["Service Technician"]))
		forget_work_of([TECH, VISITED, RACED])
		# the totals are built and dropped on the site: other tests' raw deletes must not meet them
		cls.addClassCleanup(cls.drop_totals)

	@staticmethod
	def drop_totals():
		set_built(None)
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def report(self):
		filters = {"technician": TECH, "from_date": add_days(nowdate(), -40), "to_date": nowdate()}
		return technician_performance.execute(filters)[1]

	def from_documents(self, report=None):
		"""The report as it reads without totals."""
		set_built(None)
		try:
			self.assertIsNone(stale_runs(frappe._dict(), "Repair Job"))
			return (report or self.report)()
		finally:
			set_built("1")

	def test_totals_add_up_to_the_documents_and_follow_later_saves(self):
		serial_one, serial_two = receive_serial_units(2)
		job1 = completed_job(TECH, serial_no=serial_one, first_time_fix=1)
		job2 = completed_job(TECH, serial_no=serial_two)
		rate(visits_of("Repair Job", job1.name)[0].name, "Excellent", "Good", "Good", "Fair")
		make_complaint(responsible_employee=frappe.db.get_value("Employee", {"user_id": TECH}))

		written = sweep.build()
		self.assertGreater(written, 0)
		self.assertFalse(frappe.db.count(STALE, {"day": ("between", (add_days(nowdate(), -40), nowdate()))}))
		day_row = frappe.get_all(
			TOTALS, filters={"technician": TECH, "day": nowdate()}, fields=["jobs", "first_time_fixes"]
		)
		self.assertEqual([(r.jobs, r.first_time_fixes) for r in day_row], [(2, 1)])
		today = frappe._dict(technician=TECH, from_date=nowdate(), to_date=nowdate())
		self.assertEqual(stale_runs(today, "Repair Job"), [])
		rows = self.report()
		self.assertEqual(rows, self.from_documents())
		row = rows[0]
		self.assertEqual(
			(row["jobs"], row["first_time_fixes"], row["complaints"], row["visits"], row["rating_attitude"]),
			(2, 1, 1, 1, 4.0),
		)

		# after the build: the unit of job1 comes back (a repeat repair of job1), a second visit is
		# rated, and a third job is completed; each save marks today
		make_repair_job(serial_no=serial_one)
		rate(visits_of("Repair Job", job2.name)[0].name, "Good", "Good", "Good", "Good")
		completed_job(TECH)
		self.assertTrue(frappe.db.exists(STALE, nowdate()))
		self.assertEqual(stale_runs(today, "Repair Job"), [(getdate(nowdate()), getdate(nowdate()))])
		rows = self.report()
		self.assertEqual(rows, self.from_documents())
		row = rows[0]
		self.assertEqual(
			(row["jobs"], row["repeat_repairs"], row["visits"], row["rating_attitude"]), (3, 1, 2, 3.5)
		)

		# the sweep adds the day up again and clears its mark; the report is unchanged
		sweep.refresh()
		self.assertFalse(frappe.db.exists(STALE, nowdate()))
		self.assertEqual(
			frappe.db.get_value(TOTALS, {"technician": TECH, "day": nowdate()}, ["jobs", "repeat_repairs"]),
			(3, 1),
		)
		self.assertEqual(self.report(), rows)

		# a reopened count: a complaint no longer held against the technician marks its day again
		employee = frappe.db.get_value("Employee", {"user_id": TECH})
		complaint = frappe.get_last_doc("Complaint Record", {"responsible_employee": employee})
		complaint.responsible_employee = None
		complaint.save()
		self.assertTrue(frappe.db.exists(STALE, getdate(complaint.registered_on)))
		self.assertEqual(self.report()[0]["complaints"], 0)

	def test_the_report_reads_the_totals_without_writing(self):
		sweep.build()
		self.assertIsNotNone(stale_runs(frappe._dict(), "Repair Job"))
		frappe.db.commit()
		frappe.db.begin(read_only=True)
		try:
			for report in ("Technician Performance", "Return Visit Coverage"):
				result = run(report, filters={"from_date": add_days(nowdate(), -90)})
				self.assertIn("result", result)
		finally:
			frappe.db.rollback()

	def test_a_second_sweep_leaves_while_the_first_runs(self):
		sweep.build()
		mark([nowdate()])
		frappe.db.commit()
		from frappe.database import get_db

		other = get_db(
			host=frappe.conf.db_host,
			port=frappe.conf.db_port,
			user=frappe.conf.db_user or frappe.conf.db_name,
			password=frappe.conf.db_password,
			cur_db_name=frappe.conf.db_name,
		)
		other.connect()
		try:
			self.assertEqual(other.sql("select get_lock(%s, 0)", sweep.LOCK)[0][0], 1)
			sweep.refresh()  # the lock is taken: nothing done
			self.assertTrue(frappe.db.exists(STALE, nowdate()))
			other.sql("select release_lock(%s)", sweep.LOCK)
		finally:
			other.close()
		sweep.refresh()
		self.assertFalse(frappe.db.exists(STALE, nowdate()))

	def coverage(self):
		filters = {
			"technician": VISITED,
			"from_date": add_days(nowdate(), -40),
			"to_date": add_days(nowdate(), 40),
		}
		return return_visit_coverage.execute(filters)[1]

	def test_coverage_totals_follow_ratings_and_missed_visits(self):
		job = completed_job(VISITED)
		call, first, _second = (v.name for v in visits_of("Repair Job", job.name))
		# the satisfaction call falls due today and the first follow-up yesterday, both still open
		frappe.db.set_value("Return Visit", call, "due_date", nowdate())
		frappe.db.set_value(
			"Return Visit", first, {"due_date": add_days(nowdate(), -1), "last_day": add_days(nowdate(), -1)}
		)
		sweep.build()
		self.assertEqual(frappe.db.count("Return Visit Day", {"technician": VISITED, "day": nowdate()}), 1)
		rows = self.coverage()
		self.assertEqual(rows, self.from_documents(self.coverage))
		self.assertEqual(sum(r["due"] for r in rows), 2)
		self.assertEqual(sum(r["open"] for r in rows), 2)

		rate(call, "Excellent", "Good", "Good", "Good")  # a save: today is marked
		return_visits.mark_missed()  # a bulk write: yesterday's follow-up is missed, its day marked
		self.assertTrue(frappe.db.exists(STALE, nowdate()))
		self.assertTrue(frappe.db.exists(STALE, add_days(nowdate(), -1)))
		rows = self.coverage()
		self.assertEqual(rows, self.from_documents(self.coverage))
		self.assertEqual(
			[sum(r[key] for r in rows) for key in ("due", "visited", "missed", "open", "satisfied")],
			[2, 1, 1, 0, 1],
		)
		sweep.refresh()
		self.assertFalse(frappe.db.exists(STALE, nowdate()))
		self.assertEqual(self.coverage(), rows)

	def complaint_reports(self):
		"""Complaint Statistics by each grouping, the Concealment Audit and Complaint Aging, over the
		last 40 days."""
		dates = {"company": TEST_COMPANY, "from_date": add_days(nowdate(), -40), "to_date": nowdate()}
		return {
			**{
				group_by: complaint_statistics.execute({**dates, "group_by": group_by})[1]
				for group_by in complaint_statistics.DIMENSIONS
			},
			"audit": concealment_audit.execute(dates)[1],
			"aging": complaint_aging.execute(dates)[1],
		}

	def audit_row(self, reports, handler):
		return next((row for row in reports["audit"] if row["handler"] == handler), {}) or {
			"overdue": 0,
			"not_escalated": 0,
		}

	@staticmethod
	def forget_complaints(names):
		frappe.db.rollback()
		frappe.db.delete("Complaint Record Escalation", {"parent": ("in", names)})
		frappe.db.delete("ToDo", {"reference_type": "Complaint Record", "reference_name": ("in", names)})
		frappe.db.delete("Complaint Record", {"name": ("in", names)})
		set_built(None)
		frappe.db.commit()

	def test_complaint_totals_follow_saves_and_the_escalation_engine(self):
		late = make_complaint(subject="Pump stops at night")
		major = make_complaint(subject="Noise from the fan", severity="Major")
		# the sweeps here commit: leave no open case behind for another test's escalation sweep
		self.addCleanup(self.forget_complaints, [late.name, major.name])
		frappe.db.set_value("Complaint Record", late.name, "deadline", add_to_date(now_datetime(), hours=-1))
		handler = frappe.db.get_value("Complaint Record", late.name, "handler")
		sweep.build()
		self.assertTrue(frappe.db.count("Complaint Day", {"day": nowdate(), "dimension": "Handler"}))
		reports = self.complaint_reports()
		self.assertEqual(reports, self.from_documents(self.complaint_reports))
		before = self.audit_row(reports, handler)

		# the engine flags the late case overdue in bulk: its day is marked, and the audit counts it
		engine.mark_overdue("Complaint Record")
		self.assertTrue(frappe.db.exists(STALE, nowdate()))
		reports = self.complaint_reports()
		self.assertEqual(reports, self.from_documents(self.complaint_reports))
		after = self.audit_row(reports, handler)
		self.assertEqual(
			(after["overdue"], after["not_escalated"]), (before["overdue"] + 1, before["not_escalated"] + 1)
		)

		# added up again, then escalated by hand: no longer a finding
		sweep.refresh()
		self.assertFalse(frappe.db.exists(STALE, nowdate()))
		self.assertEqual(self.complaint_reports(), reports)
		frappe.get_doc("Complaint Record", late.name).escalate("Customer calls every day")
		self.assertTrue(frappe.db.exists(STALE, nowdate()))
		reports = self.complaint_reports()
		self.assertEqual(reports, self.from_documents(self.complaint_reports))
		self.assertEqual(self.audit_row(reports, handler)["not_escalated"], before["not_escalated"])
		escalated = sum(row["escalated"] for row in reports["aging"])
		self.assertGreaterEqual(escalated, 1)

	def test_a_save_still_open_when_the_sweep_adds_its_day_up_is_not_lost(self):
		"""A visit is rated on a day already marked stale; the save has not committed when the hourly
		sweep comes to that day. The sweep's delete of the mark waits for the save (which holds the
		mark), so the sweep reads the day with the rating in it."""
		job = completed_job(RACED)
		call = visits_of("Repair Job", job.name)[0].name
		frappe.db.set_value("Return Visit", call, "due_date", nowdate())
		sweep.build()
		mark([nowdate()])  # an earlier save of today
		frappe.db.commit()
		saved, release, outcome = threading.Event(), threading.Event(), {}

		def user_rates():
			rate(call, "Good", "Good", "Good", "Good")
			saved.set()
			release.wait(30)  # the save's transaction stays open until the sweep waits on it

		def thread(work, key):
			started = threading.Thread(
				target=on_own_connection,
				args=(frappe.local.site, frappe.local.sites_path, work, outcome, key),
			)
			started.start()
			return started

		user = thread(user_rates, "user")
		self.assertTrue(saved.wait(30), outcome)
		hourly = thread(sweep.refresh, "sweep")
		time.sleep(1.5)
		self.assertTrue(hourly.is_alive(), "the sweep waits for the open save's mark")
		release.set()
		user.join(30)
		hourly.join(60)
		self.assertEqual((outcome.get("user"), outcome.get("sweep")), (None, None), outcome)
		self.assertFalse(frappe.db.exists(STALE, nowdate()))
		self.assertEqual(
			frappe.db.get_value(
				"Return Visit Day",
				{"technician": RACED, "day": nowdate(), "visit_kind": "Satisfaction Call"},
				["due", "visited"],
			),
			(1, 1),
		)
