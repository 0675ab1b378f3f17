"""Charts speak the table's language: the values a Chinese desk shows translated in the table are
translated under the chart too."""

import frappe
from frappe import _
from frappe.utils import add_days, nowdate

from aftersales_module.aftersales_module.report.complaint_statistics import complaint_statistics
from aftersales_module.aftersales_module.report.warranty_cost import warranty_cost
from aftersales_module.reports import translates
from aftersales_module.tests.utils import (
	OTHER_COMPANY,
	TEST_COMPANY,
	AfterSalesTestCase,
	compile_translations,
	make_complaint,
	make_repair_job,
	use_repair_settings,
)


class TestReportLabels(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		compile_translations()
		use_repair_settings()

	def setUp(self):
		self.lang = frappe.local.lang

	def tearDown(self):
		frappe.local.lang = self.lang

	def assert_chart_translates(self, execute, filters, value):
		frappe.local.lang = "zh"
		columns, data, _message, chart = execute(frappe._dict(filters))
		self.assertNotEqual(_(value), value, "zh.po translates the value: the check means something")
		self.assertIn(
			value, [row["value"] for row in data], "the table keeps the value; the desk shows it translated"
		)
		self.assertTrue(translates(columns[0]))
		self.assertIn(_(value), chart["data"]["labels"])
		self.assertNotIn(value, chart["data"]["labels"])

	def test_complaint_statistics_chart_labels(self):
		complaint = make_complaint(company=OTHER_COMPANY, complaint_category="Repair")
		complaint.db_set("severity", "Major")
		dates = {"company": OTHER_COMPANY, "from_date": add_days(nowdate(), -1), "to_date": nowdate()}
		for group_by, value in (("Category", "Repair"), ("Severity", "Major")):
			with self.subTest(group_by=group_by):
				self.assert_chart_translates(
					complaint_statistics.execute, dict(dates, group_by=group_by), value
				)

	def test_warranty_cost_chart_labels(self):
		make_repair_job(service_class="Warranty", fault_cause="Product Defect")
		filters = {"company": TEST_COMPANY, "group_by": "Fault Cause"}
		self.assert_chart_translates(warranty_cost.execute, filters, "Product Defect")
