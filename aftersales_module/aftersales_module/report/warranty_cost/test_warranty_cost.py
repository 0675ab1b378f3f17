import frappe
from frappe.desk.query_report import run
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue
from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim import (
	approve,
	book_recovery,
)
from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.test_supplier_warranty_claim import (
	completed_warranty_job,
	make_supplier,
)
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

RECOVERY_SUPPLIER = "_AS Warranty Cost Supplier"


def use_supplier_terms(supplier: str) -> None:
	"""One signature for any claim, and the supplier's recovery booked by a Debit Note."""
	settings = frappe.get_doc("After Sales Settings")
	settings.supplier_claim_approval_limit = 100000
	settings.supplier_claim_second_role = "General Manager"
	settings.set("supplier_terms", [r for r in settings.supplier_terms if r.supplier != supplier])
	settings.append("supplier_terms", {"supplier": supplier, "labour_rate": 50, "booking": "Debit Note"})
	settings.save(ignore_permissions=True)


class TestWarrantyCost(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		receive_stock(SPARE_PART, 10)
		cls.accounts_user = make_user("as-wc-accounts@example.com", ["Accounts User"])
		cls.manager = make_user("as-wc-manager@example.com", ["After Sales Manager"])
		cls.stock_user = make_user("as-wc-stock@example.com", ["Stock User"])
		cls.technician = make_user("as-wc-tech@example.com", ["Service Technician"])

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

	def test_claimed_recovered_and_net_per_job_and_by_supplier(self):
		make_supplier(RECOVERY_SUPPLIER)
		use_supplier_terms(RECOVERY_SUPPLIER)
		receive_stock(SPARE_PART, 2)
		job = completed_warranty_job(self.technician, self.stock_user)
		unclaimed = make_repair_job(service_class="Warranty")
		claim = frappe.get_doc(
			{
				"doctype": "Supplier Warranty Claim",
				"supplier": RECOVERY_SUPPLIER,
				"company": TEST_COMPANY,
				"items": [{"repair_job": job.name, "part_row": job.parts[0].name}],
			}
		).insert()
		claimed = flt(claim.total_claimed, 2)
		self.assertGreater(claimed, 0, "the controller prices the part")
		recovered = flt(claimed / 2, 2)

		def job_row():
			frappe.set_user(self.accounts_user)
			rows = run("Warranty Cost", filters={"company": TEST_COMPANY})["result"]
			frappe.set_user("Administrator")
			return next(row for row in rows if isinstance(row, dict) and row["repair_job"] == job.name)

		def supplier_rows():
			frappe.set_user(self.accounts_user)
			rows = run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "Supplier"})["result"]
			frappe.set_user("Administrator")
			return {row["value"]: row for row in rows if isinstance(row, dict)}

		row = job_row()
		gross = flt(row["total_cost"], 2)
		self.assertGreater(gross, 0)
		self.assertEqual((flt(row["claimed"]), flt(row["recovered"])), (0, 0), "a draft claims nothing yet")
		self.assertNotIn(RECOVERY_SUPPLIER, supplier_rows())

		frappe.set_user(self.manager)
		self.assertEqual(approve(claim.name), "Approved")
		claim.reload()
		claim.submit()
		row = job_row()
		self.assertAlmostEqual(flt(row["claimed"]), claimed, places=2)
		self.assertEqual(flt(row["recovered"]), 0, "sent, not answered: nothing recovered yet")
		self.assertAlmostEqual(flt(row["net_cost"]), gross, places=2)

		frappe.set_user(self.manager)
		claim.reload()
		claim.items[0].outcome = "Partly Accepted"
		claim.items[0].accepted_amount = recovered
		claim.save()
		self.assertEqual(flt(job_row()["recovered"]), 0, "answered but not booked: not recovered yet")
		frappe.set_user(self.accounts_user)
		self.assertTrue(book_recovery(claim.name))
		self.assertEqual(frappe.db.get_value("Supplier Warranty Claim", claim.name, "status"), "Settled")

		row = job_row()
		self.assertAlmostEqual(flt(row["total_cost"]), gross, places=2, msg="the debit note is no parts cost")
		self.assertAlmostEqual(flt(row["claimed"]), claimed, places=2)
		self.assertAlmostEqual(flt(row["recovered"]), recovered, places=2)
		self.assertAlmostEqual(flt(row["net_cost"]), gross - recovered, places=2)

		by_supplier = supplier_rows()
		supplier = by_supplier[RECOVERY_SUPPLIER]
		self.assertEqual(supplier["jobs"], 1)
		self.assertAlmostEqual(flt(supplier["total_cost"]), gross, places=2)
		self.assertAlmostEqual(flt(supplier["claimed"]), claimed, places=2)
		self.assertAlmostEqual(flt(supplier["recovered"]), recovered, places=2)
		self.assertAlmostEqual(flt(supplier["net_cost"]), gross - recovered, places=2)
		self.assertGreaterEqual(by_supplier["Not Set"]["jobs"], 1, f"{unclaimed.name} is claimed from no one")
		self.assertEqual(flt(by_supplier["Not Set"]["claimed"]), 0)

		by_month = run("Warranty Cost", filters={"company": TEST_COMPANY, "group_by": "Month"})["result"]
		detail = [
			r
			for r in run("Warranty Cost", filters={"company": TEST_COMPANY})["result"]
			if isinstance(r, dict)
		]
		for field in ("claimed", "recovered", "net_cost"):
			self.assertAlmostEqual(
				sum(flt(r[field]) for r in by_month if isinstance(r, dict)),
				sum(flt(r[field]) for r in detail),
				places=2,
				msg=field,
			)
