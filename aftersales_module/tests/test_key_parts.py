"""Key Part Failure Trend and the Non Conformances its sweep raises (requirements 000/3)."""

from unittest.mock import patch

import frappe
import frappe.client
from frappe.desk.query_report import run
from frappe.utils import add_days, getdate

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.policy import key_parts as policy
from aftersales_module.tasks import key_parts
from aftersales_module.tests.utils import (
	TEST_COMPANY,
	AfterSalesTestCase,
	issue_parts,
	make_delivery_note,
	make_item,
	make_repair_job,
	make_user,
	receive_serial_units,
	receive_stock,
	use_repair_settings,
)

REPORT = "Key Part Failure Trend"


class TestKeyParts(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		suffix = frappe.generate_hash(length=5).upper()
		# fresh items each run: no unit or job of an earlier run counts
		cls.product = make_item(
			f"_AS KP Product {suffix}",
			has_serial_no=1,
			serial_no_series=f"KP{suffix}-.#####",
			warranty_period="365",
		)
		cls.watched = make_item(
			f"_AS KP Controller {suffix}", valuation_rate=50, is_key_part=1, key_part_failure_threshold=10
		)
		cls.lenient = make_item(
			f"_AS KP Motor {suffix}", valuation_rate=50, is_key_part=1, key_part_failure_threshold=50
		)
		cls.ordinary = make_item(f"_AS KP Screw {suffix}", valuation_rate=1)
		for part in (cls.watched, cls.lenient, cls.ordinary):
			receive_stock(part, 20, rate=50)
		cls.technician = make_user("as-kp-tech@example.com", ["Service Technician"])
		cls.as_user = make_user("as-kp-user@example.com", ["After Sales User"])
		cls.manager = make_user("as-kp-manager@example.com", ["After Sales Manager"])
		cls.quality_manager = make_user("as-kp-quality@example.com", ["Quality Manager"])

		cls.month = policy.month_start(getdate(cls.now))
		cls.last_month = policy.previous_month(cls.month)
		# 4 units in the field from today, a year's warranty
		make_delivery_note(cls.product, 4, receive_serial_units(4, cls.product))
		# this month: the controller fails on one job (1 of 4 units: 25% > 10%), the motor too
		# (25% < 50%), the screw is no key part
		cls.failed = cls.completed_job([(cls.watched, 1), (cls.lenient, 1), (cls.ordinary, 3)])
		# parts issued to a job still in progress have not failed yet
		cls.open_job = make_repair_job(
			item_code=cls.product,
			technicians=[{"user": cls.technician}],
			parts=[{"item_code": cls.watched, "qty": 2}],
		)
		issue_parts(cls.open_job, "Administrator")
		# last month: one controller failed, but no unit was in the field at its end
		cls.last_month_job = cls.completed_job([(cls.watched, 1)])
		frappe.db.set_value(
			"Repair Job", cls.last_month_job.name, "completed_on", f"{add_days(cls.month, -5)} 10:00:00"
		)

	@classmethod
	def completed_job(cls, parts):
		job = make_repair_job(
			item_code=cls.product,
			technicians=[{"user": cls.technician}],
			parts=[{"item_code": item, "qty": qty} for item, qty in parts],
		)
		issue_parts(job, "Administrator")
		for status in ("Dispatched", "In Progress", "Completed"):
			set_status(job.name, status)
		return job

	def setUp(self):
		frappe.db.savepoint("key_parts_test")

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="key_parts_test")

	def report(self, **filters):
		result = run(
			REPORT,
			filters={
				"company": TEST_COMPANY,
				"from_date": self.last_month,
				"to_date": self.month,
				**filters,
			},
		)["result"]
		return {(row["item_code"], row["month"]): row for row in result if isinstance(row, dict)}

	def raised(self) -> list[frappe._dict]:
		return frappe.get_all(
			"Non Conformance",
			filters={"aftersales_key_part": ("in", (self.watched, self.lenient, self.ordinary))},
			fields=[
				"name",
				"aftersales_key_part",
				"aftersales_failure_month",
				"status",
				"details",
				"procedure",
			],
		)

	def test_report_counts_failures_against_units_in_the_field(self):
		frappe.set_user(self.as_user)
		rows = self.report()
		this_month, last_month = policy.month_key(self.month), policy.month_key(self.last_month)
		watched = rows[(self.watched, this_month)]
		self.assertEqual(
			(watched["failures"], watched["jobs"], watched["units_in_field"]),
			(1, 1, 4),
			"the job in progress does not count",
		)
		self.assertEqual(
			(watched["failure_rate"], watched["threshold"], watched["over_threshold"]), (25, 10, 1)
		)
		lenient = rows[(self.lenient, this_month)]
		self.assertEqual((lenient["failure_rate"], lenient["over_threshold"]), (25, 0))
		earlier = rows[(self.watched, last_month)]
		self.assertEqual((earlier["failures"], earlier["units_in_field"]), (1, 0))
		self.assertIsNone(earlier["failure_rate"], "no unit in the field: no rate")
		self.assertFalse(earlier["over_threshold"])
		self.assertNotIn((self.ordinary, this_month), rows, "not a key part")

		only = self.report(item_code=self.lenient, over_threshold_only=0)
		self.assertEqual({key[0] for key in only}, {self.lenient})

	def test_units_leave_the_field_when_their_warranty_ends(self):
		registrations = frappe.get_all(
			"Warranty Registration", filters={"item_code": self.product}, pluck="name"
		)
		frappe.db.set_value("Warranty Registration", registrations[0], "end_date", add_days(self.month, 2))
		frappe.db.set_value("Warranty Registration", registrations[1], "status", "Void")
		row = self.report()[(self.watched, policy.month_key(self.month))]
		self.assertEqual((row["units_in_field"], row["failure_rate"]), (2, 50))

	def test_a_manager_held_to_a_company_sees_its_rows(self):
		# ERPNext gives an employee's user a Company User Permission. Frappe then drops a report's rows
		# unless the user may read the report's reference doctype, Item, which no after-sales role
		# read: the desk showed such a manager an empty report.
		for email, role in (
			("as-kp-restricted@example.com", "After Sales Manager"),
			("as-kp-restricted-quality@example.com", "Quality Manager"),
		):
			user = make_user(email, [role])
			frappe.get_doc(
				{"doctype": "User Permission", "user": user, "allow": "Company", "for_value": TEST_COMPANY}
			).insert(ignore_permissions=True)
			frappe.set_user(user)
			row = self.report()[(self.watched, policy.month_key(self.month))]
			self.assertEqual((row["failures"], row["units_in_field"]), (1, 4), role)
			frappe.set_user("Administrator")

	def test_a_unit_counts_at_each_month_end_its_warranty_covers(self):
		months = [policy.previous_month(self.last_month), self.last_month, self.month]
		registration = frappe.get_all(
			"Warranty Registration", filters={"item_code": self.product}, pluck="name", order_by="name"
		)[0]
		# from the 4th of the month before last to the last day of last month: counted at both ends
		frappe.db.set_value(
			"Warranty Registration",
			registration,
			{"start_date": add_days(months[0], 3), "end_date": policy.month_end(self.last_month)},
		)
		rows = self.report(from_date=months[0])
		units = [rows.get((self.watched, policy.month_key(m)), {}).get("units_in_field", 0) for m in months]
		self.assertEqual(units, [1, 1, 3], "the other three start this month")

	def test_sweep_raises_one_non_conformance_per_part_and_month(self):
		key_parts.daily(self.now)
		key_parts.daily(self.now)  # the next day's run, or a second worker
		raised = self.raised()
		self.assertEqual(len(raised), 1, "only the controller is over its threshold, once")
		nc = raised[0]
		self.assertEqual(
			(nc.aftersales_key_part, nc.aftersales_failure_month, nc.status),
			(self.watched, policy.month_key(self.month), "Open"),
		)
		self.assertEqual(
			frappe.db.get_value("Quality Procedure", nc.procedure, "aftersales_procedure_for"),
			key_parts.PROCEDURE_FOR,
		)
		self.assertIn(f"/app/repair-job/{self.failed.name}", nc.details)
		self.assertNotIn(self.open_job.name, nc.details)
		self.assertNotIn(self.last_month_job.name, nc.details)
		self.assertEqual(
			self.report()[(self.watched, policy.month_key(self.month))]["non_conformance"], nc.name
		)
		self.assertEqual(key_parts.raise_non_conformances(self.month), [], "nothing left to raise")

	def test_below_threshold_and_without_units_raise_none(self):
		key_parts.raise_non_conformances(self.last_month)
		frappe.db.set_value("Item", self.watched, "key_part_failure_threshold", 25)  # at, not above
		key_parts.raise_non_conformances(self.month)
		frappe.db.set_value("Item", self.watched, "key_part_failure_threshold", 0)  # not watched
		key_parts.raise_non_conformances(self.month)
		self.assertEqual(self.raised(), [])

	def test_quality_managers_are_notified_on_the_desk(self):
		frappe.db.set_value("Email Account", {"default_outgoing": 1}, "enable_outgoing", 0)
		(name,) = key_parts.raise_non_conformances(self.month, [TEST_COMPANY])
		notes = frappe.get_all(
			"Notification Log",
			filters={"document_type": "Non Conformance", "document_name": name},
			fields=["for_user", "subject"],
		)
		by_user = {note.for_user: note for note in notes}
		self.assertIn(self.quality_manager, by_user)
		self.assertNotIn(self.as_user, by_user)
		self.assertIn(self.watched, by_user[self.quality_manager].subject)

	def test_a_quality_manager_opens_the_non_conformance_and_runs_the_report(self):
		(name,) = key_parts.raise_non_conformances(self.month, [TEST_COMPANY])
		frappe.set_user(self.quality_manager)  # holds that role alone
		self.assertEqual(frappe.client.get("Non Conformance", name)["aftersales_key_part"], self.watched)
		row = self.report()[(self.watched, policy.month_key(self.month))]
		self.assertEqual(row["non_conformance"], name)
		frappe.set_user(self.as_user)  # no read on Non Conformance: the report runs all the same
		self.assertEqual(self.report()[(self.watched, policy.month_key(self.month))]["non_conformance"], name)

	def test_a_worker_that_lost_the_race_raises_nothing_and_says_nothing(self):
		(name,) = key_parts.raise_non_conformances(self.month, [TEST_COMPANY])
		real = key_parts.trend_rows

		def read_before_the_other_committed(*args, **kwargs):
			rows = real(*args, **kwargs)
			for row in rows:
				row.non_conformance = None
			return rows

		frappe.local.message_log = []
		with patch.object(key_parts, "trend_rows", read_before_the_other_committed):
			self.assertEqual(key_parts.raise_non_conformances(self.month, [TEST_COMPANY]), [])
		self.assertEqual(frappe.local.message_log, [])
		self.assertEqual([nc.name for nc in self.raised()], [name])
		self.assertEqual(
			frappe.db.count("Notification Log", {"document_type": "Non Conformance", "document_name": name}),
			len(key_parts.quality_managers()),
			"notified once, by the worker that raised it",
		)

	def test_only_a_manager_runs_the_sweep_for_a_month(self):
		frappe.set_user(self.as_user)
		with self.assertRaises(frappe.PermissionError):
			key_parts.evaluate_month(policy.month_key(self.month))
		frappe.set_user(self.manager)
		self.assertEqual(len(key_parts.evaluate_month(policy.month_key(self.month), TEST_COMPANY)), 1)
		with self.assertRaises(frappe.ValidationError):
			key_parts.evaluate_month("not a month")

	def test_number_card_counts_open_key_part_non_conformances(self):
		before = key_parts.over_threshold_card()["value"]
		(name,) = key_parts.raise_non_conformances(self.month, [TEST_COMPANY])
		self.assertEqual(key_parts.over_threshold_card()["value"], before + 1)
		frappe.db.set_value("Non Conformance", name, "status", "Resolved")
		self.assertEqual(key_parts.over_threshold_card()["value"], before)
		frappe.set_user(self.technician)
		with self.assertRaises(frappe.PermissionError):
			key_parts.over_threshold_card()
