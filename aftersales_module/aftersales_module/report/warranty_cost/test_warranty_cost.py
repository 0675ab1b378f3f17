import frappe
from frappe.desk.query_report import run
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue
from aftersales_module.tests.utils import (
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_repair_job,
	make_user,
	receive_stock,
	use_repair_settings,
	warranty_expense_account,
)


class TestWarrantyCost(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		receive_stock(SPARE_PART, 10)
		cls.accounts_user = make_user("as-wc-accounts@example.com", ["Accounts User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_parts_cost_comes_from_the_warranty_expense_ledger(self):
		warranty_job = make_repair_job(service_class="Warranty")
		paid_job = make_repair_job(service_class="Paid")
		for job in (warranty_job, paid_job):
			frappe.get_doc("Stock Entry", make_parts_issue(job.name)).submit()
		entry = frappe.db.get_value("Stock Entry", {"repair_job": warranty_job.name, "docstatus": 1})
		booked = frappe.db.get_value(
			"GL Entry",
			{"voucher_no": entry, "account": warranty_expense_account(), "is_cancelled": 0},
			"debit",
		)

		frappe.set_user(self.accounts_user)
		rows = run("Warranty Cost", filters={"company": TEST_COMPANY})["result"]
		by_job = {row["repair_job"]: row for row in rows if isinstance(row, dict)}
		self.assertNotIn(paid_job.name, by_job, "paid work is the customer's cost")
		row = by_job[warranty_job.name]
		self.assertGreater(flt(booked), 0)
		self.assertAlmostEqual(flt(row["parts_cost"]), flt(booked), places=2)
		self.assertAlmostEqual(flt(row["total_cost"]), flt(booked) + flt(warranty_job.labour_total), places=2)

	def test_grouped_by_cause_item_and_month_add_up_the_jobs(self):
		jobs = [
			make_repair_job(service_class="Warranty", fault_cause="Product Defect"),
			make_repair_job(service_class="Goodwill", fault_cause="Product Defect"),
			make_repair_job(service_class="Warranty", fault_cause="Wear and Tear"),
		]
		for job in jobs:
			frappe.get_doc("Stock Entry", make_parts_issue(job.name)).submit()
		detail = {
			row["repair_job"]: row
			for row in run("Warranty Cost", filters={"company": TEST_COMPANY})["result"]
			if isinstance(row, dict)
		}

		def expected(names):
			return sum(flt(detail[name]["total_cost"]) for name in names)

		by_cause = {
			row["value"]: row
			for row in run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "Fault Cause"})[
				"result"
			]
			if isinstance(row, dict)
		}
		defect = [j.name for j in jobs[:2]]
		self.assertGreaterEqual(by_cause["Product Defect"]["jobs"], 2)
		self.assertGreaterEqual(flt(by_cause["Product Defect"]["total_cost"]), expected(defect) - 0.01)
		all_defect = [
			n
			for n, r in detail.items()
			if frappe.db.get_value("Repair Job", n, "fault_cause") == "Product Defect"
		]
		self.assertAlmostEqual(flt(by_cause["Product Defect"]["total_cost"]), expected(all_defect), places=2)

		by_month = run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "Month"})["result"]
		month_total = sum(flt(row["total_cost"]) for row in by_month if isinstance(row, dict))
		self.assertAlmostEqual(month_total, expected(detail), places=2)

		by_item = run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "Item"})["result"]
		self.assertEqual(
			sum(row["jobs"] for row in by_item if isinstance(row, dict)),
			len(detail),
			"every job in one item row",
		)
		with self.assertRaises(frappe.ValidationError):
			run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "name; drop table x"})
