"""Technician Performance from day totals: the totals add up to what the documents say, a save after
the build shows in the report at once (its day is read from the documents), the hourly sweep adds
the day up again, and the report still writes nothing."""

import frappe
from frappe.desk.query_report import run
from frappe.utils import add_days, getdate, nowdate

from aftersales_module.aftersales_module.report.technician_performance import technician_performance
from aftersales_module.aftersales_module.report.technician_performance.technician_performance import (
	BUILT,
	STALE,
	TOTALS,
	totals_plan,
)
from aftersales_module.tasks import technician_totals
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

STAFF = "as-tt-staff@example.com"
TECH = "as-tt-tech-v1@example.com"


def rate(name, *ratings):
	frappe.set_user(STAFF)
	visit = frappe.get_doc("Return Visit", name)
	fields = ("rating_attitude", "rating_skill", "rating_punctuality", "rating_result")
	visit.update({"reached": 1, **dict(zip(fields, ratings, strict=True))})
	visit.save()
	frappe.set_user("Administrator")


class TestTechnicianTotals(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		activity_type()
		make_staff(STAFF)
		make_employee(make_user(TECH, ["Service Technician"]))
		forget_work_of([TECH])
		# the totals are built and dropped on the site: other tests' raw deletes must not meet them
		cls.addClassCleanup(cls.drop_totals)

	@staticmethod
	def drop_totals():
		frappe.db.set_default(BUILT, None)
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def report(self):
		filters = {"technician": TECH, "from_date": add_days(nowdate(), -40), "to_date": nowdate()}
		return technician_performance.execute(filters)[1]

	def from_documents(self):
		"""The report as it reads without totals."""
		frappe.db.set_default(BUILT, None)
		try:
			self.assertIsNone(totals_plan(frappe._dict()))
			return self.report()
		finally:
			frappe.db.set_default(BUILT, "1")

	def test_totals_add_up_to_the_documents_and_follow_later_saves(self):
		serial_one, serial_two = receive_serial_units(2)
		job1 = completed_job(TECH, serial_no=serial_one, first_time_fix=1)
		job2 = completed_job(TECH, serial_no=serial_two)
		rate(visits_of("Repair Job", job1.name)[0].name, "Excellent", "Good", "Good", "Fair")
		make_complaint(responsible_employee=frappe.db.get_value("Employee", {"user_id": TECH}))

		written = technician_totals.build()
		self.assertGreater(written, 0)
		self.assertFalse(frappe.db.count(STALE, {"day": ("between", (add_days(nowdate(), -40), nowdate()))}))
		day_row = frappe.get_all(
			TOTALS, filters={"technician": TECH, "day": nowdate()}, fields=["jobs", "first_time_fixes"]
		)
		self.assertEqual([(r.jobs, r.first_time_fixes) for r in day_row], [(2, 1)])
		plan = totals_plan(frappe._dict(technician=TECH, from_date=nowdate(), to_date=nowdate()))
		self.assertEqual(plan.stale_runs, [])
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
		plan = totals_plan(frappe._dict(technician=TECH, from_date=nowdate(), to_date=nowdate()))
		self.assertEqual(plan.stale_runs, [(getdate(nowdate()), getdate(nowdate()))])
		rows = self.report()
		self.assertEqual(rows, self.from_documents())
		row = rows[0]
		self.assertEqual(
			(row["jobs"], row["repeat_repairs"], row["visits"], row["rating_attitude"]), (3, 1, 2, 3.5)
		)

		# the sweep adds the day up again and clears its mark; the report is unchanged
		technician_totals.refresh()
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
		technician_totals.build()
		self.assertIsNotNone(totals_plan(frappe._dict()))
		frappe.db.commit()
		frappe.db.begin(read_only=True)
		try:
			result = run("Technician Performance", filters={"from_date": add_days(nowdate(), -90)})
			self.assertIn("result", result)
		finally:
			frappe.db.rollback()

	def test_a_second_sweep_leaves_while_the_first_runs(self):
		technician_totals.build()
		technician_totals.mark([nowdate()])
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
			self.assertEqual(other.sql("select get_lock(%s, 0)", technician_totals.LOCK)[0][0], 1)
			technician_totals.refresh()  # the lock is taken: nothing done
			self.assertTrue(frappe.db.exists(STALE, nowdate()))
			other.sql("select release_lock(%s)", technician_totals.LOCK)
		finally:
			other.close()
		technician_totals.refresh()
		self.assertFalse(frappe.db.exists(STALE, nowdate()))
