# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.invoicing import make_sales_invoice
from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue, make_parts_return
from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status, supervisor_check
from aftersales_module.tests.utils import (
	SERVICE_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	gl,
	issue_parts,
	ledger,
	make_item,
	make_repair_job,
	make_user,
	receive_stock,
	set_price,
	use_repair_settings,
	warehouse,
	warranty_expense_account,
)


def move(job, *statuses):
	for status in statuses:
		set_status(job.name, status)
	job.reload()
	return job


class TestRepairJob(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		set_price(SPARE_PART, 130)
		set_price(SERVICE_ITEM, 150)
		receive_stock(SPARE_PART, 50, rate=100)
		cls.stock_user = make_user("as-rj-stock@example.com", ["Stock User"])
		cls.accounts_user = make_user("as-rj-accounts@example.com", ["Accounts User"])
		cls.accounts_manager = make_user("as-rj-accounts-mgr@example.com", ["Accounts Manager"])
		cls.other_part = make_item("_AS Test Other Part", valuation_rate=10)
		receive_stock(cls.other_part, 5, rate=10)
		cls.as_user = make_user("as-rj-user@example.com", ["After Sales User"])
		cls.manager = make_user("as-rj-manager@example.com", ["After Sales Manager", "Stock User"])
		cls.technician = make_user("as-rj-tech@example.com", ["Service Technician"])
		cls.other_technician = make_user("as-rj-tech2@example.com", ["Service Technician"])

	def setUp(self):
		use_repair_settings()

	def tearDown(self):
		frappe.set_user("Administrator")

	def issue(self, job, user=None):
		return issue_parts(job, user or self.stock_user)

	def manual_entry(self, job, purpose, qty, row=None):
		row = row or job.parts[0]
		warehouse_field = "s_warehouse" if purpose == "Material Issue" else "t_warehouse"
		return frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": purpose,
				"purpose": purpose,
				"company": job.company,
				"repair_job": job.name,
				"items": [
					{
						"item_code": row.item_code,
						"qty": qty,
						warehouse_field: warehouse(),
						"basic_rate": 100,
						"repair_job_part": row.name,
					}
				],
			}
		)

	# ------------------------------------------------------------------ the job itself
	def test_new_job_is_named_by_year_and_priced(self):
		job = make_repair_job()
		self.assertRegex(job.name, r"^RJ-\d{4}-\d{5}$")
		self.assertEqual(job.status, "Open")
		self.assertEqual(job.parts[0].rate, 130, "part rate comes from the selling price list")
		self.assertEqual(job.labour[0].service_item, SERVICE_ITEM)
		self.assertEqual(job.labour[0].rate, 150)
		self.assertEqual(job.total_price, 150, "nothing issued yet: only labour is charged")
		self.assertEqual(job.total_cost, 150)

	def test_status_moves_follow_the_life_cycle(self):
		job = make_repair_job()
		with self.assertRaises(frappe.ValidationError):
			set_status(job.name, "Dispatched")  # no technician yet
		with self.assertRaises(frappe.ValidationError):
			set_status(job.name, "Completed")
		job.append("technicians", {"user": self.technician})
		job.save()
		move(job, "Dispatched", "In Progress", "Completed")
		self.assertEqual(job.status, "Completed")
		self.assertTrue(job.completed_on)
		with self.assertRaises(frappe.ValidationError):
			set_status(job.name, "Invoiced")

	# ------------------------------------------------------------------ warranty flow: parts cost in the GL
	def test_warranty_parts_issue_books_the_warranty_expense_account(self):
		job = make_repair_job(service_class="Warranty")
		entry = self.issue(job)

		rows = ledger(entry.name)
		self.assertEqual(len(rows), 1)
		self.assertEqual(rows[0].item_code, SPARE_PART)
		self.assertEqual(rows[0].warehouse, warehouse())
		self.assertEqual(rows[0].actual_qty, -2)
		value = -flt(rows[0].stock_value_difference)
		self.assertGreater(value, 0)

		entries = gl(entry.name)
		debit = {e.account: e.debit for e in entries if e.debit}
		self.assertEqual(set(debit), {warranty_expense_account()})
		self.assertAlmostEqual(debit[warranty_expense_account()], value, places=2)

		self.assertEqual(job.parts[0].issued_qty, 2)
		self.assertAlmostEqual(job.parts_cost, value, places=2)
		self.assertAlmostEqual(job.total_cost, value + 150, places=2)
		self.assertEqual(job.total_price, 0, "the customer pays nothing for warranty work")

	def test_paid_job_parts_do_not_touch_the_warranty_account(self):
		job = make_repair_job()
		entry = self.issue(job)
		accounts = {e.account for e in gl(entry.name)}
		self.assertNotIn(warranty_expense_account(), accounts)
		self.assertEqual(job.total_price, 2 * 130 + 150)

	def test_cancelling_the_issue_restores_the_job(self):
		job = make_repair_job(service_class="Goodwill")
		entry = self.issue(job)
		self.assertEqual(job.parts[0].issued_qty, 2)
		frappe.set_user(self.stock_user)
		entry.reload()
		entry.cancel()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual(job.parts[0].issued_qty, 0)
		self.assertEqual(job.parts_cost, 0)
		self.assertEqual(ledger(entry.name), [])
		self.assertEqual(gl(entry.name), [])

	# ------------------------------------------------------------------ rejected moves
	def test_over_issue_needs_an_after_sales_manager(self):
		job = make_repair_job(parts=[{"item_code": SPARE_PART, "qty": 1}])
		frappe.set_user(self.stock_user)
		entry = self.manual_entry(job, "Material Issue", 2)
		with self.assertRaisesRegex(frappe.ValidationError, "After Sales Manager"):
			entry.insert()

		frappe.set_user(self.manager)
		entry = self.manual_entry(job, "Material Issue", 2).insert()
		entry.submit()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual(job.parts[0].issued_qty, 2)
		self.assertEqual(ledger(entry.name)[0].actual_qty, -2)

	def test_return_is_capped_at_the_issued_quantity(self):
		job = make_repair_job(service_class="Warranty")
		self.issue(job)
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "only 2"):
			self.manual_entry(job, "Material Receipt", 3).insert()

		entry = self.manual_entry(job, "Material Receipt", 1).insert()
		self.assertEqual(entry.items[0].expense_account, warranty_expense_account())
		entry.submit()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual((job.parts[0].issued_qty, job.parts[0].returned_qty), (2, 1))
		self.assertEqual(ledger(entry.name)[0].actual_qty, 1)
		credit = {e.account: e.credit for e in gl(entry.name) if e.credit}
		self.assertIn(warranty_expense_account(), credit, "a return gives the warranty cost back")

	def test_issue_whose_parts_came_back_cannot_be_cancelled(self):
		job = make_repair_job(service_class="Warranty")
		issue = self.issue(job)
		frappe.set_user(self.stock_user)
		self.manual_entry(job, "Material Receipt", 1).insert().submit()
		issue.reload()
		with self.assertRaisesRegex(frappe.ValidationError, "returned or consumed"):
			issue.cancel()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual((job.parts[0].issued_qty, job.parts[0].returned_qty), (2, 1))

	def test_used_parts_cannot_go_back_to_stock(self):
		job = make_repair_job()
		self.issue(job)
		job.parts[0].is_used = 1
		job.save()
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "used"):
			self.manual_entry(job, "Material Receipt", 1).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "no issued, unused parts"):
			make_parts_return(job.name)

	def test_parts_return_action_brings_back_unused_parts_at_issue_cost(self):
		job = make_repair_job(service_class="Contract")
		self.issue(job)
		cost = job.parts_cost
		frappe.set_user(self.stock_user)
		entry = frappe.get_doc("Stock Entry", make_parts_return(job.name))
		entry.submit()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual(job.parts[0].returned_qty, 2)
		self.assertAlmostEqual(flt(ledger(entry.name)[0].stock_value_difference), cost, places=2)
		self.assertAlmostEqual(job.parts_cost, 0, places=2)

	def test_no_stock_entry_against_a_closed_job(self):
		job = make_repair_job()
		set_status(job.name, "Closed")
		job.reload()
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "Closed"):
			self.manual_entry(job, "Material Issue", 1).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "Closed"):
			make_parts_issue(job.name)

	def test_stock_entry_for_a_part_not_on_the_job_is_rejected(self):
		job = make_repair_job()
		entry = self.manual_entry(job, "Material Issue", 1)
		entry.items[0].item_code = self.other_part
		with self.assertRaisesRegex(frappe.ValidationError, "not a part requested"):
			entry.insert()

	# ------------------------------------------------------------------ paid flow: invoice
	def complete_paid_job(self, **overrides):
		job = make_repair_job(technicians=[{"user": self.technician}], **overrides)
		self.issue(job)
		return move(job, "Dispatched", "In Progress", "Completed")

	def test_paid_job_is_invoiced_by_an_accounts_user(self):
		job = self.complete_paid_job(labour=[{"activity": "Replace seal", "hours": 2}])
		frappe.set_user(self.accounts_user)
		invoice = frappe.get_doc("Sales Invoice", make_sales_invoice(job.name))
		self.assertEqual(invoice.repair_job, job.name)
		lines = {d.item_code: (d.qty, d.rate) for d in invoice.items}
		self.assertEqual(lines, {SPARE_PART: (2, 130), SERVICE_ITEM: (2, 150)})
		invoice.submit()
		frappe.set_user("Administrator")

		self.assertEqual(invoice.grand_total, 2 * 130 + 2 * 150)
		entries = gl(invoice.name, "Sales Invoice")
		debit = {e.account: e.debit for e in entries if e.debit}
		credit = {e.account: e.credit for e in entries if e.credit}
		self.assertEqual(debit, {invoice.debit_to: invoice.grand_total})
		self.assertEqual(frappe.db.get_value("Account", invoice.debit_to, "account_type"), "Receivable")
		income = {d.income_account for d in invoice.items}
		self.assertAlmostEqual(sum(credit[a] for a in income), invoice.net_total, places=2)
		for account in income:
			self.assertEqual(frappe.db.get_value("Account", account, "root_type"), "Income")

		job.reload()
		self.assertEqual((job.status, job.sales_invoice), ("Invoiced", invoice.name))

		frappe.set_user(self.accounts_manager)  # ERPNext lets Accounts Managers cancel invoices
		invoice.reload()
		invoice.cancel()
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual((job.status, job.sales_invoice), ("Completed", None))
		self.assertEqual(gl(invoice.name, "Sales Invoice"), [])

	def test_parts_entry_of_an_invoiced_job_cannot_be_cancelled(self):
		job = make_repair_job(technicians=[{"user": self.technician}])
		entry = self.issue(job)
		move(job, "Dispatched", "In Progress", "Completed")
		frappe.get_doc("Sales Invoice", make_sales_invoice(job.name)).submit()
		entry.reload()
		with self.assertRaisesRegex(frappe.ValidationError, "can no longer be cancelled"):
			entry.cancel()
		self.assertEqual(len(ledger(entry.name)), 1, "the issue stays in the stock ledger")

	def test_warranty_and_contract_jobs_are_never_invoiced(self):
		for service_class in ("Warranty", "Contract"):
			job = self.complete_paid_job(service_class=service_class)
			with self.assertRaisesRegex(frappe.ValidationError, "only completed Paid jobs"):
				make_sales_invoice(job.name)

	def test_unfinished_job_is_not_invoiced(self):
		job = make_repair_job()
		with self.assertRaisesRegex(frappe.ValidationError, "only completed Paid jobs"):
			make_sales_invoice(job.name)

	def test_discount_above_the_threshold_needs_a_manager(self):
		job = self.complete_paid_job()
		invoice = frappe.get_doc("Sales Invoice", make_sales_invoice(job.name))
		invoice.additional_discount_percentage = 15
		invoice.save()
		frappe.set_user(self.accounts_user)
		with self.assertRaisesRegex(frappe.ValidationError, "After Sales Manager"):
			invoice.submit()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Repair Job", job.name, "status"), "Completed")

		invoice.reload()
		invoice.additional_discount_percentage = 10
		invoice.save()
		frappe.set_user(self.accounts_user)
		invoice.submit()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Repair Job", job.name, "status"), "Invoiced")

	# ------------------------------------------------------------------ roles
	def test_technician_sees_only_the_jobs_dispatched_to_them(self):
		mine = make_repair_job(technicians=[{"user": self.technician}])
		theirs = make_repair_job(technicians=[{"user": self.other_technician}])
		frappe.set_user(self.technician)
		visible = set(frappe.get_list("Repair Job", pluck="name"))
		self.assertIn(mine.name, visible)
		self.assertNotIn(theirs.name, visible)
		self.assertTrue(frappe.has_permission("Repair Job", "read", doc=mine.name))
		self.assertFalse(frappe.has_permission("Repair Job", "read", doc=theirs.name))
		with self.assertRaises(frappe.PermissionError):
			make_parts_issue(theirs.name)

		frappe.set_user(self.as_user)
		visible = set(frappe.get_list("Repair Job", pluck="name"))
		self.assertTrue({mine.name, theirs.name} <= visible, "service desk staff see every job")

	def test_dispatched_technician_works_the_job_and_a_manager_checks_it(self):
		job = make_repair_job(technicians=[{"user": self.technician}])
		set_status(job.name, "Dispatched")
		frappe.set_user(self.technician)
		set_status(job.name, "In Progress")
		set_status(job.name, "Completed")
		with self.assertRaisesRegex(frappe.PermissionError, "Only an After Sales Manager"):
			supervisor_check(job.name)
		frappe.set_user(self.other_technician)
		with self.assertRaises(frappe.PermissionError):
			set_status(job.name, "In Progress")
		frappe.set_user(self.manager)
		supervisor_check(job.name)
		frappe.set_user("Administrator")
		job.reload()
		self.assertEqual((job.status, job.supervisor), ("Completed", self.manager))
		self.assertTrue(job.supervisor_checked_on)

	def test_users_without_stock_rights_cannot_issue_parts(self):
		job = make_repair_job()
		frappe.set_user(self.as_user)
		with self.assertRaises(frappe.PermissionError):
			make_parts_issue(job.name)
		frappe.set_user(self.accounts_user)
		with self.assertRaises(frappe.PermissionError):
			make_parts_issue(job.name)
