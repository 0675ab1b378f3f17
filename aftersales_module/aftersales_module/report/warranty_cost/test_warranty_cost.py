import frappe
from frappe.desk.query_report import run
from frappe.tests.utils import FrappeTestCase
from frappe.utils import flt

from aftersales_module.integrations.erpnext.stock_entry import make_parts_issue
from aftersales_module.tests.utils import (
	SPARE_PART,
	TEST_COMPANY,
	make_repair_job,
	make_user,
	receive_stock,
	use_repair_settings,
	warranty_expense_account,
)


class TestWarrantyCost(FrappeTestCase):
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
