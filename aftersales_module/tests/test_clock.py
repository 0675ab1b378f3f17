"""The app reads the site's clock: the site's date and time in its time zone (`nowdate()`,
`now_datetime()`), never the server's. Each test here freezes its own instant, whatever
AFTERSALES_TEST_NOW says, at the days where a clock read the wrong way shows: a Saturday, a Sunday
(next to a Friday), a month end, 31 December at 23:30 site time, and a site in Asia/Shanghai while
the server's clock is UTC (the server's date is still the day before there).

At each it checks what the app does with the date: the return visits a repair job completed then
gets, the complaint's reply deadline and escalation on working days across a weekend, the day a
technician's daily report is for, and a maintenance contract's 90-day renewal lead. Every expected
value is written out as a date, not computed from the clock under test."""

from datetime import date, datetime, timedelta, timezone

import frappe
from frappe.utils import get_datetime, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report import (
	draft_my_report,
)
from aftersales_module.tasks import contracts as sweeps
from aftersales_module.tests.contract_utils import make_contract, setup_contracts
from aftersales_module.tests.utils import AfterSalesTestCase, make_complaint, make_employee, make_user
from aftersales_module.tests.visit_utils import completed_job, forget_work_of, visits_of

TECHNICIAN = "as-clock-tech@example.com"
WORKING_DAYS_CATEGORY = "_AS Clock Working Days"
WORKING_DAYS_POLICY = "_AS Clock - Working Days"
STANDARD_POLICY = "Complaint - Standard Chain"
REPORT = "Technician Daily Report"


def dt(text: str) -> datetime:
	return get_datetime(text)


def seconds(value) -> datetime:
	"""A stored date and time to the second (the tests' clock stands half a second past one)."""
	return get_datetime(value).replace(microsecond=0)


class TestClock(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_contracts()  # the repair settings, the contract users and the 90/30-day lead times
		frappe.db.set_single_value(
			"After Sales Settings",
			{"satisfaction_call_days": 1, "first_return_visit_days": 3, "second_return_visit_days": 7},
		)
		make_user(TECHNICIAN, ["Service Technician"])
		make_employee(TECHNICIAN)
		forget_work_of([TECHNICIAN])
		# Complaints of this category reply within 2 working days and escalate after 1: Saturday and
		# Sunday do not count (the policy has no holiday list).
		if not frappe.db.exists("Complaint Category", WORKING_DAYS_CATEGORY):
			frappe.get_doc({"doctype": "Complaint Category", "category_name": WORKING_DAYS_CATEGORY}).insert(
				ignore_permissions=True
			)
		if not frappe.db.exists("Escalation Policy", WORKING_DAYS_POLICY):
			frappe.get_doc(
				{
					"doctype": "Escalation Policy",
					"policy_name": WORKING_DAYS_POLICY,
					"document_type": "Complaint Record",
					"complaint_category": WORKING_DAYS_CATEGORY,
					"reply_deadline_days": 2,
					"working_days_only": 1,
					"levels": [
						{
							"level_label": "Manager",
							"after_value": 1,
							"after_unit": "Days",
							"since": "Creation",
							"target_type": "Role",
							"target_role": "After Sales Manager",
						}
					],
				}
			).insert(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------ the clock
	def at(self, moment: str) -> None:
		"""The site's clock stands at `moment` (site-local) for the rest of the test. Half a second
		past it, in fact: Frappe compares `modified` timestamps as text when a document is saved
		again, and a timestamp on a whole second prints without its microseconds."""
		clock = self.freeze_time(dt(moment) + timedelta(milliseconds=500))
		clock.__enter__()
		self.addCleanup(clock.__exit__, None, None, None)
		self.assertEqual(seconds(now_datetime()), dt(moment), "the site clock reads the frozen instant")

	def in_time_zone(self, zone: str) -> None:
		"""The site in `zone` for the rest of the test: System Settings changed in this transaction
		only. Frappe keeps the settings per request (frappe.local) and in the cache; writing them
		clears both. Should anything commit meanwhile, the site's own zone is put back first, so
		that no other process or later test ever runs in `zone`. Emails are muted: under tests
		Frappe sends an email at once, and sending commits."""
		original = frappe.db.get_single_value("System Settings", "time_zone", cache=False)

		def put_back():
			frappe.db.set_single_value("System Settings", "time_zone", original, update_modified=False)

		muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = True
		frappe.db.before_commit.add(put_back)
		frappe.db.set_single_value("System Settings", "time_zone", zone, update_modified=False)

		def restore():
			frappe.flags.mute_emails = muted
			put_back()
			try:
				frappe.db.before_commit._functions.remove(put_back)
			except (AttributeError, ValueError):
				pass  # a commit ran it already (or Frappe keeps its callbacks elsewhere: harmless)

		self.addCleanup(restore)
		self.assertEqual(frappe.utils.get_system_timezone(), zone)

	# ------------------------------------------------------------ what the app does on a day
	def assert_visits_counted_from(self, job, day: str, expected: list[tuple[str, str, str]]):
		"""The job completed now has its three visits: (kind, due date, last day)."""
		self.assertEqual(getdate(job.completed_on), getdate(day), "completed on the site's day")
		rows = visits_of("Repair Job", job.name)
		self.assertEqual(
			[(row.visit_kind, row.due_date, row.last_day) for row in rows],
			[(kind, getdate(due), getdate(last)) for kind, due, last in expected],
		)
		self.assertEqual(
			{
				getdate(d)
				for d in frappe.get_all("Return Visit", {"repair_job": job.name}, pluck="service_date")
			},
			{getdate(day)},
		)

	def assert_report_is_for(self, job, day: str):
		"""The technician's report without a date is the site's day's, and lists the job done then."""
		frappe.set_user(TECHNICIAN)
		report = frappe.get_doc(REPORT, draft_my_report())
		self.assertEqual(getdate(report.report_date), getdate(day))
		self.assertIn(job.name, [row.repair_job for row in report.lines])
		frappe.set_user("Administrator")

	def working_days_complaint(self):
		doc = make_complaint(complaint_category=WORKING_DAYS_CATEGORY)
		self.assertEqual(doc.escalation_policy, WORKING_DAYS_POLICY)
		return doc

	def assert_deadlines(self, doc, registered: str, deadline: str, next_escalation: str):
		self.assertEqual(seconds(doc.registered_on), dt(registered))
		self.assertEqual(seconds(doc.deadline), dt(deadline))
		self.assertEqual(seconds(doc.next_escalation_at), dt(next_escalation))

	# ------------------------------------------------------------ the days
	def test_a_saturday(self):
		self.at("2026-12-05 10:00:00")  # a Saturday
		self.assertEqual(getdate(nowdate()).weekday(), 5)
		job = completed_job(TECHNICIAN)
		self.assert_visits_counted_from(
			job,
			"2026-12-05",
			[
				("Satisfaction Call", "2026-12-06", "2026-12-07"),
				("First Follow-up", "2026-12-08", "2026-12-12"),
				("Second Follow-up", "2026-12-15", "2026-12-15"),
			],
		)
		self.assert_report_is_for(job, "2026-12-05")

		# on working days the clock stands still from Saturday 10:00 to Monday 00:00
		self.assert_deadlines(
			self.working_days_complaint(),
			registered="2026-12-05 10:00:00",
			deadline="2026-12-09 00:00:00",  # the end of Tuesday, the second working day
			next_escalation="2026-12-08 00:00:00",  # the end of Monday
		)
		# on calendar days it does not: 15 days, to a Sunday
		standard = make_complaint()
		self.assertEqual(standard.escalation_policy, STANDARD_POLICY)
		self.assert_deadlines(
			standard,
			registered="2026-12-05 10:00:00",
			deadline="2026-12-20 10:00:00",
			next_escalation="2026-12-10 10:00:00",
		)

	def test_a_friday_before_the_weekend(self):
		self.at("2026-12-04 10:00:00")  # a Friday
		self.assertEqual(getdate(nowdate()).weekday(), 4)
		self.assert_deadlines(
			self.working_days_complaint(),
			registered="2026-12-04 10:00:00",
			deadline="2026-12-08 10:00:00",  # Friday 10:00 + 48 working hours: Tuesday 10:00
			next_escalation="2026-12-07 10:00:00",  # Monday 10:00
		)

	def test_a_sunday(self):
		self.at("2027-01-03 09:00:00")  # a Sunday
		self.assertEqual(getdate(nowdate()).weekday(), 6)
		job = completed_job(TECHNICIAN)
		self.assert_visits_counted_from(
			job,
			"2027-01-03",
			[
				("Satisfaction Call", "2027-01-04", "2027-01-05"),
				("First Follow-up", "2027-01-06", "2027-01-10"),
				("Second Follow-up", "2027-01-13", "2027-01-13"),
			],
		)
		self.assert_report_is_for(job, "2027-01-03")
		self.assert_deadlines(
			self.working_days_complaint(),
			registered="2027-01-03 09:00:00",
			deadline="2027-01-06 00:00:00",
			next_escalation="2027-01-05 00:00:00",
		)

	def test_a_month_end(self):
		self.at("2026-11-30 16:00:00")  # a Monday, the last day of November
		job = completed_job(TECHNICIAN)
		self.assert_visits_counted_from(
			job,
			"2026-11-30",
			[
				("Satisfaction Call", "2026-12-01", "2026-12-02"),
				("First Follow-up", "2026-12-03", "2026-12-07"),
				("Second Follow-up", "2026-12-10", "2026-12-10"),
			],
		)
		self.assert_report_is_for(job, "2026-11-30")
		complaint = make_complaint()
		self.assertTrue(complaint.name.startswith("CR-2026-11-"), complaint.name)

		# Renewal: a contract is Expiring from 90 days before its end (the first reminder's lead).
		# 90 days after 30 November is 28 February, another month end.
		on_lead = make_contract(start_date="2026-03-01", end_date="2027-02-28")
		day_after = make_contract(start_date="2026-03-02", end_date="2027-03-01")
		self.assertEqual(self.contract_status(on_lead), "Expiring", "90 days before its end")
		self.assertEqual(self.contract_status(day_after), "Active", "91 days before its end")
		sweeps.update_statuses()  # the daily sweep, on the site's date
		self.assertEqual(self.contract_status(day_after), "Active")

		self.at("2026-12-01 00:30:00")  # past midnight: the next month
		sweeps.update_statuses()
		self.assertEqual(self.contract_status(day_after), "Expiring", "90 days before its end now")
		self.assertTrue(make_complaint().name.startswith("CR-2026-12-"))

	def contract_status(self, doc) -> str:
		return frappe.db.get_value("Maintenance Contract", doc.name, "status")

	def test_new_years_eve_at_23_30_site_time(self):
		self.at("2026-12-31 23:30:00")
		job = completed_job(TECHNICIAN)
		self.assertTrue(job.name.startswith("RJ-2026-"), job.name)
		self.assert_visits_counted_from(
			job,
			"2026-12-31",
			[
				("Satisfaction Call", "2027-01-01", "2027-01-02"),
				("First Follow-up", "2027-01-03", "2027-01-07"),
				("Second Follow-up", "2027-01-10", "2027-01-10"),
			],
		)
		self.assert_report_is_for(job, "2026-12-31")
		complaint = make_complaint()
		self.assertTrue(complaint.name.startswith("CR-2026-12-"), complaint.name)
		self.assertEqual(seconds(complaint.registered_on), dt("2026-12-31 23:30:00"))

		# New Year's Day is a future day until the site's midnight
		frappe.set_user(TECHNICIAN)
		with self.assertRaisesRegex(frappe.ValidationError, "future day"):
			draft_my_report("2027-01-01")
		with self.assertRaisesRegex(frappe.ValidationError, "future day"):
			frappe.get_doc({"doctype": REPORT, "report_date": "2027-01-01"}).insert()
		frappe.set_user("Administrator")

		self.at("2027-01-01 00:10:00")
		frappe.set_user(TECHNICIAN)
		report = frappe.get_doc({"doctype": REPORT}).insert()
		self.assertEqual(getdate(report.report_date), date(2027, 1, 1))
		frappe.set_user("Administrator")
		self.assertTrue(completed_job(TECHNICIAN).name.startswith("RJ-2027-"))

	def test_a_site_in_shanghai_on_a_server_clock_in_utc(self):
		self.in_time_zone("Asia/Shanghai")
		self.at("2026-12-01 06:30:00")  # Shanghai; on the server (UTC) it is 30 November, 22:30
		self.assertEqual(seconds(datetime.now(timezone.utc).replace(tzinfo=None)), dt("2026-11-30 22:30:00"))
		self.assertEqual(date.today(), date(2026, 11, 30), "the server's date: never the one to use")
		self.assertEqual(nowdate(), "2026-12-01")

		job = completed_job(TECHNICIAN)
		self.assert_visits_counted_from(
			job,
			"2026-12-01",
			[
				("Satisfaction Call", "2026-12-02", "2026-12-03"),
				("First Follow-up", "2026-12-04", "2026-12-08"),
				("Second Follow-up", "2026-12-11", "2026-12-11"),
			],
		)
		self.assert_report_is_for(job, "2026-12-01")
		complaint = make_complaint()
		self.assertTrue(complaint.name.startswith("CR-2026-12-"), complaint.name)
		self.assert_deadlines(
			complaint,
			registered="2026-12-01 06:30:00",
			deadline="2026-12-16 06:30:00",
			next_escalation="2026-12-06 06:30:00",
		)
		# a working-days case opened on Tuesday morning in Shanghai (Monday evening in UTC)
		self.assert_deadlines(
			self.working_days_complaint(),
			registered="2026-12-01 06:30:00",
			deadline="2026-12-03 06:30:00",
			next_escalation="2026-12-02 06:30:00",
		)
