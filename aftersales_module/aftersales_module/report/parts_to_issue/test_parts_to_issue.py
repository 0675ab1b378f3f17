import frappe
from frappe.desk.query_report import run

from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue
from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.tests.utils import (
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_repair_job,
	make_user,
	receive_stock,
	use_repair_settings,
	warehouse,
)


class TestPartsToIssue(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		receive_stock(SPARE_PART, 10)
		cls.stock_user = make_user("as-pti-stock@example.com", ["Stock User"])
		cls.technician = make_user("as-pti-tech@example.com", ["Service Technician"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def rows(self, job):
		frappe.set_user(self.stock_user)
		result = run("Parts to Issue", filters={"company": TEST_COMPANY, "repair_job": job.name})
		frappe.set_user("Administrator")
		return result["result"]

	def test_lists_unissued_parts_of_open_jobs_only(self):
		job = make_repair_job(
			parts=[{"item_code": SPARE_PART, "qty": 2}, {"item_code": SPARE_PART, "qty": 1}]
		)
		rows = self.rows(job)
		self.assertEqual(len(rows), 1, "two rows of one item in one warehouse are grouped")
		self.assertEqual((rows[0]["item_code"], rows[0]["warehouse"]), (SPARE_PART, warehouse()))
		self.assertEqual((rows[0]["requested_qty"], rows[0]["to_issue"]), (3, 3))

		frappe.get_doc("Stock Entry", make_parts_issue(job.name)).submit()
		self.assertEqual(self.rows(job), [], "issued parts leave the list")

		closed = make_repair_job()
		set_status(closed.name, "Closed")
		self.assertEqual(self.rows(closed), [], "closed jobs need no parts")

	def test_technicians_cannot_run_it(self):
		frappe.set_user(self.technician)
		with self.assertRaises(frappe.PermissionError):
			run("Parts to Issue", filters={"company": TEST_COMPANY})
