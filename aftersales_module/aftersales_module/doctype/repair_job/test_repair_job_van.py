# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt
"""Issue Parts to the technician's van: transfers out and back, consumption on completion."""

import frappe
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.invoicing import make_sales_invoice
from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue, make_parts_return
from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.tests.utils import (
	SERVICE_ITEM,
	SPARE_PART,
	AfterSalesTestCase,
	gl,
	issue_parts,
	ledger,
	make_repair_job,
	make_user,
	make_warehouse,
	receive_stock,
	set_price,
	use_repair_settings,
	warehouse,
	warranty_expense_account,
)

VAN_FIELDS = ("issue_parts_to_van", "van_warehouse")


def job_entries(job, move=None):
	filters = {"repair_job": job.name, "docstatus": 1}
	if move:
		filters["repair_job_move"] = move
	return frappe.get_all("Stock Entry", filters=filters, pluck="name", order_by="creation")


class TestRepairJobVan(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.saved = {f: frappe.db.get_single_value("After Sales Settings", f) for f in VAN_FIELDS}
		use_repair_settings()
		set_price(SPARE_PART, 130)
		set_price(SERVICE_ITEM, 150)
		receive_stock(SPARE_PART, 50, rate=100)
		cls.van = make_warehouse("_AS Technician Van")
		cls.stock_user = make_user("as-van-stock@example.com", ["Stock User"])
		cls.manager = make_user("as-van-manager@example.com", ["After Sales Manager", "Stock User"])
		cls.technician = make_user("as-van-tech@example.com", ["Service Technician"])

	@classmethod
	def tearDownClass(cls):
		# the site is shared: put the van settings back as they were
		frappe.db.set_single_value("After Sales Settings", cls.saved)
		super().tearDownClass()

	def setUp(self):
		use_repair_settings()
		settings = frappe.get_doc("After Sales Settings")
		settings.update({"issue_parts_to_van": 1, "van_warehouse": self.van})
		settings.save(ignore_permissions=True)

	def tearDown(self):
		frappe.set_user("Administrator")

	def issue(self, job, user=None):
		return issue_parts(job, user or self.stock_user)

	def complete(self, job):
		set_status(job.name, "Dispatched")
		frappe.set_user(self.technician)  # the technician completes; they hold no stock rights
		set_status(job.name, "In Progress")
		set_status(job.name, "Completed")
		frappe.set_user("Administrator")
		job.reload()
		return job

	def transfer(self, job, qty, source, target, row=None):
		row = row or job.parts[0]
		return frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Transfer",
				"purpose": "Material Transfer",
				"company": job.company,
				"repair_job": job.name,
				"items": [
					{
						"item_code": row.item_code,
						"qty": qty,
						"s_warehouse": source,
						"t_warehouse": target,
						"repair_job_part": row.name,
					}
				],
			}
		)

	def consumption(self, job):
		names = job_entries(job, "Parts Consumption")
		self.assertEqual(len(names), 1, names)
		return frappe.get_doc("Stock Entry", names[0])

	# ------------------------------------------------------------------ warranty job through the van
	def test_warranty_parts_go_to_the_van_and_are_expensed_when_the_job_is_completed(self):
		job = make_repair_job(service_class="Warranty", technicians=[{"user": self.technician}])
		entry = self.issue(job)

		self.assertEqual((entry.purpose, entry.repair_job_move), ("Material Transfer", "Parts Issue"))
		moved = {r.warehouse: r.actual_qty for r in ledger(entry.name)}
		self.assertEqual(moved, {warehouse(): -2, self.van: 2})
		in_van = sum(flt(r.stock_value_difference) for r in ledger(entry.name) if r.warehouse == self.van)
		self.assertGreater(in_van, 0)
		expense = [e for e in gl(entry.name) if e.account == warranty_expense_account()]
		self.assertEqual(expense, [], "a transfer to the van books no warranty expense")
		row = job.parts[0]
		self.assertEqual((row.issued_qty, row.returned_qty, row.van_qty, row.consumed_qty), (2, 0, 2, 0))
		self.assertEqual(job.parts_cost, 0, "nothing has been used yet")

		self.complete(job)
		consumed = self.consumption(job)
		self.assertEqual(consumed.purpose, "Material Issue")
		rows = ledger(consumed.name)
		self.assertEqual([(r.warehouse, r.actual_qty) for r in rows], [(self.van, -2)])
		value = -flt(rows[0].stock_value_difference)
		self.assertAlmostEqual(value, in_van, places=2, msg="the van's parts are consumed at their value")
		debit = {e.account: e.debit for e in gl(consumed.name) if e.debit}
		self.assertEqual(set(debit), {warranty_expense_account()})
		self.assertAlmostEqual(debit[warranty_expense_account()], value, places=2)

		# the cost reached the GL exactly once over all the job's entries
		booked = sum(
			flt(e.debit) - flt(e.credit)
			for name in job_entries(job)
			for e in gl(name)
			if e.account == warranty_expense_account()
		)
		self.assertAlmostEqual(booked, value, places=2)
		row = job.parts[0]
		self.assertEqual((row.issued_qty, row.returned_qty, row.van_qty, row.consumed_qty), (2, 0, 0, 2))
		self.assertAlmostEqual(job.parts_cost, value, places=2)
		self.assertAlmostEqual(job.total_cost, value + 150, places=2)
		self.assertEqual(job.total_price, 0)
		with self.assertRaisesRegex(frappe.ValidationError, "no issued, unused parts"):
			make_parts_return(job.name)

	def test_consumption_stands_until_the_job_goes_back_to_work(self):
		job = make_repair_job(service_class="Goodwill", technicians=[{"user": self.technician}])
		issue = self.issue(job)
		self.complete(job)
		consumed = self.consumption(job)
		with self.assertRaisesRegex(frappe.ValidationError, "move it back to In Progress"):
			consumed.cancel()
		with self.assertRaisesRegex(frappe.ValidationError, "returned or consumed"):
			issue.reload()
			issue.cancel()

		set_status(job.name, "In Progress")
		consumed.reload()
		consumed.cancel()
		job.reload()
		self.assertEqual((job.parts[0].van_qty, job.parts[0].consumed_qty, job.parts_cost), (2, 0, 0))
		self.assertEqual(gl(consumed.name), [])

		set_status(job.name, "Completed")
		job.reload()
		self.assertEqual((job.parts[0].van_qty, job.parts[0].consumed_qty), (0, 2))
		self.assertEqual(len(job_entries(job, "Parts Consumption")), 1, "consumed again, once")

	# ------------------------------------------------------------------ returns from the van
	def test_van_returns_are_capped_and_used_parts_stay(self):
		job = make_repair_job(service_class="Warranty")
		self.issue(job)
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "only 2.0 is there"):
			self.transfer(job, 3, self.van, warehouse()).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "Technician Van Warehouse"):
			self.transfer(job, 1, warehouse(), make_warehouse("_AS Other Store")).insert()

		entry = frappe.get_doc("Stock Entry", make_parts_return(job.name))
		self.assertEqual(entry.purpose, "Material Transfer")
		entry.items[0].qty = 1
		entry.save()
		entry.submit()
		frappe.set_user("Administrator")
		self.assertEqual(
			{r.warehouse: r.actual_qty for r in ledger(entry.name)}, {self.van: -1, warehouse(): 1}
		)
		job.reload()
		row = job.parts[0]
		self.assertEqual((row.issued_qty, row.returned_qty, row.van_qty), (2, 1, 1))

		row.is_used = 1
		job.save()
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "used"):
			self.transfer(job, 1, self.van, warehouse()).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "no issued, unused parts"):
			make_parts_return(job.name)

	def test_over_issue_to_the_van_needs_an_after_sales_manager(self):
		job = make_repair_job(parts=[{"item_code": SPARE_PART, "qty": 1}])
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "After Sales Manager"):
			self.transfer(job, 2, warehouse(), self.van).insert()
		frappe.set_user(self.manager)
		entry = self.transfer(job, 2, warehouse(), self.van).insert()
		entry.submit()
		job.reload()
		self.assertEqual((job.parts[0].issued_qty, job.parts[0].van_qty), (2, 2))

	def test_no_transfer_against_a_closed_job(self):
		job = make_repair_job()
		set_status(job.name, "Closed")
		job.reload()
		frappe.set_user(self.stock_user)
		with self.assertRaisesRegex(frappe.ValidationError, "Closed"):
			self.transfer(job, 1, warehouse(), self.van).insert()
		with self.assertRaisesRegex(frappe.ValidationError, "Closed"):
			make_parts_issue(job.name)

	# ------------------------------------------------------------------ paid job: invoice
	def test_paid_van_job_is_invoiced_at_the_selling_price(self):
		job = make_repair_job(technicians=[{"user": self.technician}])
		self.issue(job)
		self.complete(job)
		consumed = self.consumption(job)
		self.assertNotIn(warranty_expense_account(), {e.account for e in gl(consumed.name)})
		value = -sum(flt(r.stock_value_difference) for r in ledger(consumed.name))
		self.assertGreater(value, 0)
		self.assertAlmostEqual(job.parts_cost, value, places=2)

		invoice = frappe.get_doc("Sales Invoice", make_sales_invoice(job.name))
		lines = {d.item_code: (d.qty, d.rate) for d in invoice.items}
		self.assertEqual(lines, {SPARE_PART: (2, 130), SERVICE_ITEM: (1, 150)})
		invoice.submit()
		job.reload()
		self.assertEqual(job.status, "Invoiced")
		with self.assertRaisesRegex(frappe.ValidationError, "can no longer be cancelled"):
			consumed.reload()
			consumed.cancel()

	# ------------------------------------------------------------------ settings
	def test_van_cannot_change_while_it_holds_a_jobs_parts(self):
		job = make_repair_job()
		self.issue(job)
		settings = frappe.get_doc("After Sales Settings")
		settings.van_warehouse = make_warehouse("_AS Technician Van 2")
		with self.assertRaisesRegex(frappe.ValidationError, job.name):
			settings.save()
		self.assertEqual(frappe.db.get_single_value("After Sales Settings", "van_warehouse"), self.van)
