"""Installed base and history (issue 18/4): real Data Imports of the shipped templates' columns.

A Data Import commits after every row, so these tests delete what they made afterwards."""

import csv
import io
from pathlib import Path

import frappe
from frappe.core.doctype.data_import.data_import import start_import
from frappe.utils import add_days, get_datetime, getdate

from aftersales_module.escalation import engine
from aftersales_module.policy import visits as visit_policy
from aftersales_module.tasks import return_visits
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_test_masters,
)

TEMPLATES = Path(__file__).resolve().parent.parent / "setup" / "import_templates"


def template_header(name: str) -> list[str]:
	with open(TEMPLATES / name, encoding="utf-8") as f:
		return next(csv.reader(f))


def run_data_import(test, doctype: str, template: str, rows: list[dict], cutoff=None) -> str:
	"""Import `rows` (by the template's columns) into `doctype` as a desk user's Data Import would;
	the Data Import, its log and its file go when the test ends."""
	header = template_header(template)
	out = io.StringIO()
	writer = csv.writer(out, lineterminator="\n")
	writer.writerow(header)
	for row in rows:
		writer.writerow([row.get(column, "") for column in header])
	file = frappe.get_doc(
		{
			"doctype": "File",
			"file_name": f"{frappe.scrub(doctype)}_{frappe.generate_hash(length=6)}.csv",
			"content": out.getvalue(),
			"is_private": 1,
		}
	).insert(ignore_permissions=True)
	data_import = frappe.get_doc(
		{
			"doctype": "Data Import",
			"reference_doctype": doctype,
			"import_type": "Insert New Records",
			"import_file": file.file_url,
			"aftersales_history_cutoff": cutoff,
			"mute_emails": 1,
		}
	).insert(ignore_permissions=True)
	frappe.db.commit()

	def delete():
		frappe.db.rollback()
		frappe.db.delete("Data Import Log", {"data_import": data_import.name})
		frappe.db.delete("Data Import", {"name": data_import.name})
		frappe.db.delete("File", {"name": file.name})
		frappe.db.commit()

	test.addCleanup(delete)
	start_import(data_import.name)
	return data_import.name


def imported(doctype: str, data_import: str) -> list[str]:
	logs = frappe.get_all(
		"Data Import Log",
		filters={"data_import": data_import},
		fields=["success", "docname", "messages", "exception"],
		order_by="log_index",
	)
	failed = [log for log in logs if not log.success]
	assert not failed, failed
	return [log.docname for log in logs]


class TestHistoryImport(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_test_masters()
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def forget(self, doctype, names):
		def delete():
			frappe.db.rollback()
			for name in names:
				for table in ("Complaint Record Escalation", "After Sales Escalation Entry"):
					frappe.db.delete(table, {"parent": name})
				frappe.db.delete("ToDo", {"reference_type": doctype, "reference_name": name})
				frappe.db.delete("Notification Log", {"document_type": doctype, "document_name": name})
				frappe.db.delete("Return Visit", {"reference_doctype": doctype, "reference_name": name})
				frappe.db.delete("Version", {"ref_doctype": doctype, "docname": name})
				frappe.db.delete(doctype, {"name": name})
			frappe.db.commit()

		self.addCleanup(delete)

	def test_history_never_escalates_nor_gets_visits(self):
		import_time = get_datetime(add_days(self.now, 1)).replace(microsecond=0)
		cutoff = getdate(add_days(import_time, -30))
		common = {"customer": CUSTOMER, "company": TEST_COMPANY}
		with self.freeze_time(import_time):
			complaints_import = run_data_import(
				self,
				"Complaint Record",
				"historical_complaints.csv",
				[
					{
						**common,
						"subject": "历史投诉 closed long ago",
						"status": "Closed",
						"registered_on": "2023-04-02 09:30:00",
						"channel": "Phone",
						"complaint_type": "Service",
						"severity": "Major",
					},
					{
						**common,
						"subject": "Open, registered before the cut-off",
						"status": "Registered",
						"registered_on": f"{add_days(cutoff, -10)} 09:00:00",
						"channel": "Phone",
						"severity": "Major",
					},
					{
						**common,
						"subject": "Open, registered after the cut-off",
						"status": "Registered",
						"registered_on": f"{add_days(cutoff, 5)} 09:00:00",
						"channel": "Email",
						"severity": "General",
					},
				],
				cutoff=cutoff,
			)
			complaints = imported("Complaint Record", complaints_import)
			self.forget("Complaint Record", complaints)
			jobs_import = run_data_import(
				self,
				"Repair Job",
				"historical_repair_jobs.csv",
				[
					{**common, "posting_date": "2022-08-09", "status": "Completed", "service_class": "Paid"},
					{
						**common,
						"posting_date": str(add_days(cutoff, 3)),
						"status": "Open",
						"service_class": "Paid",
					},
				],
				cutoff=cutoff,
			)
			jobs = imported("Repair Job", jobs_import)
			self.forget("Repair Job", jobs)

		closed, before_cutoff, after_cutoff = (frappe.get_doc("Complaint Record", n) for n in complaints)
		completed, open_job = (frappe.get_doc("Repair Job", n) for n in jobs)
		self.assertEqual((closed.status, before_cutoff.status), ("Closed", "Registered"))
		for doc in (closed, before_cutoff, completed):
			self.assertEqual(doc.is_historical, 1, doc.name)
			self.assertEqual(get_datetime(doc.imported_on), import_time)
			self.assertIsNone(doc.next_escalation_at, doc.name)
			self.assertIsNone(doc.escalation_policy, doc.name)
		self.assertEqual(completed.status, "Completed")
		self.assertEqual((after_cutoff.is_historical, open_job.is_historical), (0, 0))
		# the open case after the cut-off is live work: its clock starts at the import
		self.assertEqual(get_datetime(after_cutoff.escalation_clock_start), import_time)
		self.assertEqual(get_datetime(after_cutoff.registered_on).date(), add_days(cutoff, 5))
		self.assertTrue(after_cutoff.escalation_policy)
		self.assertGreater(get_datetime(after_cutoff.next_escalation_at), import_time)

		# history that later got completion dates (a direct write) still gets no visit, by the hook
		# or by the catch-up query
		closed.db_set("resolved_on", "2023-04-10 10:00:00", update_modified=False)
		completed.db_set("completed_on", "2022-08-10 16:00:00", update_modified=False)
		completed.reload()
		return_visits.on_repair_job_update(completed)
		closed.reload()
		return_visits.on_complaint_update(closed)
		caught_up = {
			row.name
			for doctype in (visit_policy.COMPLAINT, visit_policy.REPAIR_JOB)
			for row in return_visits.sources(doctype, since="2000-01-01")
		}
		self.assertFalse(caught_up & {closed.name, completed.name})
		self.assertEqual(
			return_visits.create_for_sources(visit_policy.COMPLAINT, names=[closed.name], today="2023-04-11"),
			[],
		)
		self.assertFalse(
			frappe.db.exists("Return Visit", {"reference_name": ("in", [closed.name, completed.name])})
		)

		# two months later the sweep escalates the live case only
		later = add_days(import_time, 60)
		for doctype, names in (("Complaint Record", complaints), ("Repair Job", jobs)):
			engine.escalate_due(doctype, later, names)
		for doc in (closed, before_cutoff, completed):
			doc.reload()
			self.assertEqual(doc.escalation_level or 0, 0, doc.name)
			self.assertFalse(doc.escalation_log, doc.name)
			self.assertEqual(doc.get("is_overdue") or doc.get("sla_overdue") or 0, 0)
		after_cutoff.reload()
		self.assertGreater(after_cutoff.escalation_level, 0)

	def test_a_plain_save_cannot_make_history(self):
		with self.assertRaises(frappe.PermissionError):
			make_complaint(subject="Pretends to be history", is_historical=1)
		doc = make_complaint(subject="An ordinary case")
		self.assertEqual(doc.is_historical, 0)
		self.assertIsNone(doc.imported_on)
		doc.is_historical = 1
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		doc.reload()
		doc.imported_on = "2020-01-01 00:00:00"
		with self.assertRaises(frappe.PermissionError):
			doc.save()

	def test_units_import_makes_warranty_registrations(self):
		serial = f"_ASHIST-{frappe.generate_hash(length=8).upper()}"
		common = {"customer": CUSTOMER, "company": TEST_COMPANY, "start_basis": "Delivery Date"}
		units_import = run_data_import(
			self,
			"Warranty Registration",
			"installed_base_units.csv",
			[
				{
					**common,
					"item_code": SERIAL_ITEM,
					"installed_serial_no": serial,
					"start_date": "2020-01-01",
					"warranty_days": "730",
				},
				{**common, "item_code": SPARE_PART, "start_date": "2026-06-01", "warranty_days": "365"},
			],
		)
		names = imported("Warranty Registration", units_import)

		def delete():
			frappe.db.rollback()
			frappe.db.delete("Warranty Registration", {"name": ("in", names)})
			frappe.db.delete("Serial No", {"name": serial})
			frappe.db.commit()

		self.addCleanup(delete)
		old, recent = (frappe.get_doc("Warranty Registration", n) for n in names)
		self.assertEqual((old.serial_no, old.qty), (serial, 1))
		self.assertEqual(getdate(old.end_date), getdate("2021-12-31"))
		self.assertEqual(old.status, "Expired")
		self.assertEqual((old.source_doctype, old.source_name), ("Data Import", units_import))
		self.assertEqual(getdate(recent.end_date), getdate("2027-06-01"))
		self.assertEqual(recent.status, "Active")
		unit = frappe.db.get_value(
			"Serial No", serial, ["item_code", "customer", "warranty_expiry_date"], as_dict=True
		)
		self.assertEqual(
			(unit.item_code, unit.customer, getdate(unit.warranty_expiry_date)),
			(SERIAL_ITEM, CUSTOMER, getdate("2021-12-31")),
		)
