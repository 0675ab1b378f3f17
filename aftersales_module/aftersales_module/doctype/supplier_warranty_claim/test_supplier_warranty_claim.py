# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Supplier warranty recovery on real documents: the sweep traces parts and units to their
Purchase Receipts, two people sign large claims, and the supplier's answer is booked in the GL
by a Debit Note or a Journal Entry that cancelling the claim undoes."""

import frappe
from frappe.utils import flt, get_first_day, get_last_day, nowdate

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim import (
	approve,
	book_recovery,
	send_samples,
)
from aftersales_module.tasks.supplier_claims import propose
from aftersales_module.tests.utils import (
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	issue_parts,
	make_item,
	make_repair_job,
	make_user,
	make_warehouse,
	receive_stock,
	use_repair_settings,
	warehouse,
	warranty_expense_account,
)

PART_SUPPLIER = "_AS Parts Supplier"
MAKER = "_AS Unit Maker"
CLAIM_PART = "_AS Claim Part"


def make_supplier(name: str) -> str:
	if not frappe.db.exists("Supplier", name):
		frappe.get_doc(
			{
				"doctype": "Supplier",
				"supplier_name": name,
				"supplier_group": frappe.db.get_value("Supplier Group", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
	return name


def purchase(supplier: str, item_code: str, qty: float, rate: float) -> frappe._dict:
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": TEST_COMPANY,
			"supplier": supplier,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"items": [{"item_code": item_code, "qty": qty, "rate": rate, "warehouse": warehouse()}],
		}
	)
	receipt.insert(ignore_permissions=True)
	receipt.submit()
	return receipt


def completed_warranty_job(technician: str, stock_user: str, **values):
	job = make_repair_job(service_class="Warranty", **values)
	issue_parts(job, stock_user)
	job.append("technicians", {"user": technician})
	job.save()
	for status in ("Dispatched", "In Progress", "Completed"):
		set_status(job.name, status)
	job.reload()
	return job


def claim_lines(supplier: str) -> list[frappe._dict]:
	return frappe.db.sql(
		"""select item.repair_job, item.part_row, item.item_code, item.qty, item.cost, item.claimed_amount,
			item.labour_hours, claim.name as claim
		from `tabSupplier Warranty Claim Item` item
		join `tabSupplier Warranty Claim` claim on claim.name = item.parent
		where claim.supplier = %s and claim.docstatus < 2 order by item.idx""",
		supplier,
		as_dict=True,
	)


def balance(account: str) -> float:
	filters = {"account": account, "is_cancelled": 0, "company": TEST_COMPANY}
	rows = frappe.get_all("GL Entry", filters=filters, fields=["sum(debit - credit) as balance"])
	return flt(rows[0].balance if rows else 0, 2)


class TestSupplierWarrantyClaim(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_supplier(PART_SUPPLIER)
		make_supplier(MAKER)
		make_item(CLAIM_PART, valuation_rate=40)
		frappe.db.set_value("Item", CLAIM_PART, "supplier_warranty_days", 365)
		frappe.db.set_value("Item", SERIAL_ITEM, "supplier_warranty_days", 730)
		frappe.db.set_value("Item", SPARE_PART, "supplier_warranty_days", 0)
		receive_stock(SPARE_PART, 20, rate=100)
		cls.stock_user = make_user("as-swc-stock@example.com", ["Stock User"])
		cls.technician = make_user("as-swc-tech@example.com", ["Service Technician"])
		cls.manager = make_user("as-swc-manager@example.com", ["After Sales Manager", "General Manager"])
		cls.other_manager = make_user("as-swc-manager2@example.com", ["After Sales Manager"])
		cls.director = make_user("as-swc-director@example.com", ["General Manager"])
		cls.accountant = make_user("as-swc-accounts@example.com", ["Accounts User"])
		cls.period = (get_first_day(nowdate()), get_last_day(nowdate()))

	def setUp(self):
		# each test starts from the same claims: the sweep keeps one draft per supplier and period
		frappe.db.savepoint("supplier_claim_test")
		use_repair_settings()
		self.set_limit(100000)

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.db.rollback(save_point="supplier_claim_test")

	def set_limit(self, limit, booking="Debit Note", return_by="Material Transfer"):
		settings = frappe.get_doc("After Sales Settings")
		settings.supplier_claim_approval_limit = limit
		settings.supplier_claim_second_role = "General Manager"
		settings.returns_warehouse = make_warehouse("_AS Returns")
		settings.supplier_returns_warehouse = make_warehouse("_AS Supplier Returns")
		settings.set("supplier_terms", [])
		settings.append(
			"supplier_terms",
			{"supplier": PART_SUPPLIER, "labour_rate": 80, "booking": booking, "return_by": return_by},
		)
		settings.append("supplier_terms", {"supplier": MAKER, "labour_rate": 60, "booking": booking})
		settings.save(ignore_permissions=True)

	def part_job(self):
		purchase(PART_SUPPLIER, CLAIM_PART, 10, 40)
		return completed_warranty_job(
			self.technician, self.stock_user, parts=[{"item_code": CLAIM_PART, "qty": 2}]
		)

	def proposed(self, job):
		propose(*self.period)
		name = frappe.db.get_value("Supplier Warranty Claim Item", {"repair_job": job.name}, "parent")
		self.assertTrue(name, f"no claim proposed for {job.name}")
		return frappe.get_doc("Supplier Warranty Claim", name)

	# ------------------------------------------------------------------ the sweep
	def test_the_sweep_proposes_each_claimable_part_once(self):
		job = self.part_job()
		paid = make_repair_job(service_class="Paid", parts=[{"item_code": CLAIM_PART, "qty": 1}])
		issue_parts(paid, self.stock_user)

		propose(*self.period)
		propose(*self.period)  # run twice: nothing proposed twice
		lines = [line for line in claim_lines(PART_SUPPLIER) if line.repair_job == job.name]
		self.assertEqual(len(lines), 1, lines)
		self.assertEqual((lines[0].item_code, lines[0].qty), (CLAIM_PART, 2))
		issued_value = flt(job.parts[0].valuation_amount, 2)
		self.assertGreater(issued_value, 0)
		self.assertAlmostEqual(lines[0].cost, issued_value, places=2)
		self.assertFalse([line for line in claim_lines(PART_SUPPLIER) if line.repair_job == paid.name])
		drafts = frappe.get_all(
			"Supplier Warranty Claim",
			filters={"supplier": PART_SUPPLIER, "docstatus": 0, "period_start": self.period[0]},
		)
		self.assertEqual(len(drafts), 1, "one draft per supplier and period")
		claim = frappe.get_doc("Supplier Warranty Claim", lines[0].claim)
		self.assertAlmostEqual(claim.total_claimed, sum(flt(r.claimed_amount) for r in claim.items), places=2)

	def test_a_unit_under_its_makers_warranty_claims_parts_and_labour_from_the_maker(self):
		receipt = purchase(MAKER, SERIAL_ITEM, 1, 1000)
		serial = frappe.db.get_value("Serial No", {"purchase_document_no": receipt.name})
		self.assertTrue(serial)
		job = completed_warranty_job(
			self.technician, self.stock_user, item_code=SERIAL_ITEM, serial_no=serial
		)
		propose(*self.period)
		lines = [line for line in claim_lines(MAKER) if line.repair_job == job.name]
		self.assertEqual(sorted(bool(line.part_row) for line in lines), [False, True], lines)
		labour = next(line for line in lines if not line.part_row)
		self.assertEqual(labour.labour_hours, 1)
		self.assertEqual(labour.claimed_amount, 60, "one hour at the maker's rate")

	def test_a_part_is_claimed_once_ever(self):
		job = self.part_job()
		claim = self.proposed(job)
		copy = frappe.new_doc("Supplier Warranty Claim")
		copy.update({"supplier": PART_SUPPLIER, "company": TEST_COMPANY})
		copy.append("items", {"repair_job": job.name, "part_row": job.parts[0].name})
		with self.assertRaises(frappe.DuplicateEntryError):
			copy.insert()
		# a cancelled claim frees its parts for the amendment
		frappe.set_user(self.manager)
		approve(claim.name)
		claim.reload()
		claim.submit()
		claim.cancel()
		amended = frappe.copy_doc(claim, ignore_no_copy=False)
		amended.amended_from = claim.name
		amended.docstatus = 0
		amended.insert()
		self.assertEqual(amended.status, "Draft")
		self.assertEqual(len(amended.items), len(claim.items))

	# ------------------------------------------------------------------ approval by amount
	def test_large_claims_need_two_different_people(self):
		self.set_limit(1)
		claim = self.proposed(self.part_job())
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.PermissionError):
			claim.reload()
			claim.submit()  # not approved
		self.assertEqual(approve(claim.name), "Awaiting Second Approval")
		with self.assertRaises(frappe.PermissionError):
			approve(claim.name)  # holds General Manager too, but signed already
		frappe.set_user(self.other_manager)
		with self.assertRaises(frappe.PermissionError):
			approve(claim.name)  # not the second role
		frappe.set_user(self.director)
		self.assertEqual(approve(claim.name), "Approved")
		claim.reload()
		self.assertEqual((claim.first_approver, claim.second_approver), (self.manager, self.director))
		frappe.set_user(self.manager)
		claim.submit()
		self.assertEqual(claim.status, "Claimed")

	def test_small_claims_need_one_signature(self):
		claim = self.proposed(self.part_job())
		frappe.set_user(self.manager)
		self.assertEqual(approve(claim.name), "Approved")

	def test_status_and_approvers_do_not_move_by_a_plain_save(self):
		claim = self.proposed(self.part_job())
		frappe.set_user(self.manager)
		claim.reload()
		claim.status = "Approved"
		with self.assertRaises(frappe.PermissionError):
			claim.save()

	# ------------------------------------------------------------------ booking in the GL
	def answered_claim(self, booking="Debit Note"):
		self.set_limit(100000, booking)
		claim = self.proposed(self.part_job())
		frappe.set_user(self.manager)
		approve(claim.name)
		claim.reload()
		claim.submit()
		claimed = flt(claim.items[0].claimed_amount)
		claim.items[0].outcome = "Partly Accepted"
		claim.items[0].accepted_amount = flt(claimed / 2, 2)
		for row in claim.items[1:]:
			row.outcome = "Rejected"
			row.rejection_reason = "Not our part"
		claim.save()
		return claim, flt(claimed / 2, 2)

	def check_booking(self, booking, voucher_type, field):
		expense = warranty_expense_account()
		claim, recovered = self.answered_claim(booking)
		expense_before, supplier_before = balance(expense), balance_party(PART_SUPPLIER)
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.PermissionError):
			book_recovery(claim.name)  # books in the ledger: an accountant's work
		frappe.set_user(self.accountant)
		voucher = book_recovery(claim.name)
		claim.reload()
		self.assertEqual(claim.status, "Settled")
		self.assertEqual(claim.get(field), voucher)
		self.assertAlmostEqual(balance(expense), expense_before - recovered, places=2)
		self.assertAlmostEqual(balance_party(PART_SUPPLIER), supplier_before + recovered, places=2)
		rows = frappe.get_all(
			"GL Entry",
			filters={"voucher_type": voucher_type, "voucher_no": voucher, "is_cancelled": 0},
			fields=["account", "party", "debit", "credit"],
		)
		self.assertIn((expense, recovered), [(r.account, flt(r.credit, 2)) for r in rows])
		self.assertIn((PART_SUPPLIER, recovered), [(r.party, flt(r.debit, 2)) for r in rows])

		frappe.set_user(self.manager)
		with self.assertRaises(frappe.PermissionError):
			claim.reload()
			claim.cancel()  # unbooking is the accountant's too
		frappe.set_user(self.accountant)
		claim.reload()
		claim.cancel()
		self.assertEqual(frappe.db.get_value(voucher_type, voucher, "docstatus"), 2)
		self.assertAlmostEqual(balance(expense), expense_before, places=2)
		self.assertAlmostEqual(balance_party(PART_SUPPLIER), supplier_before, places=2)

	def test_a_debit_note_books_the_recovery_and_cancel_restores_it(self):
		self.check_booking("Debit Note", "Purchase Invoice", "debit_note")

	def test_a_journal_entry_books_the_recovery_and_cancel_restores_it(self):
		self.check_booking("Journal Entry", "Journal Entry", "journal_entry")

	def test_an_accepted_line_may_not_be_cut_and_a_booked_answer_is_frozen(self):
		claim, _recovered = self.answered_claim()
		claim.items[0].outcome = "Partly Accepted"
		claim.items[0].accepted_amount = claim.items[0].claimed_amount + 1
		with self.assertRaises(frappe.ValidationError):
			claim.save()
		claim.reload()
		frappe.set_user(self.accountant)
		book_recovery(claim.name)
		frappe.set_user(self.manager)
		claim.reload()
		claim.items[0].outcome = "Accepted"
		with self.assertRaises(frappe.ValidationError):
			claim.save()

	def test_samples_go_to_the_supplier_returns_warehouse(self):
		claim = self.proposed(self.part_job())
		claim.items[0].returned_sample = 1
		claim.save()
		receive_stock(CLAIM_PART, 2, rate=0.01, to_warehouse=make_warehouse("_AS Returns"))
		frappe.set_user(self.manager)
		approve(claim.name)
		claim.reload()
		claim.submit()
		frappe.set_user("Administrator")
		entry = send_samples(claim.name)
		moved = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_no": entry, "is_cancelled": 0, "actual_qty": (">", 0)},
			fields=["warehouse", "actual_qty", "item_code"],
		)
		self.assertEqual(
			[(m.warehouse, m.actual_qty, m.item_code) for m in moved],
			[(make_warehouse("_AS Supplier Returns"), 2, CLAIM_PART)],
		)
		claim.reload()
		claim.cancel()
		self.assertEqual(frappe.db.get_value("Stock Entry", entry, "docstatus"), 2)

	def test_a_purchase_return_hands_the_samples_back_on_their_receipt(self):
		self.set_limit(100000, return_by="Purchase Return")
		claim = self.proposed(self.part_job())
		receipt = frappe.db.get_value(
			"Purchase Receipt Item",
			{"item_code": CLAIM_PART, "docstatus": 1},
			"parent",
			order_by="creation desc",
		)
		claim.items[0].returned_sample = 1
		claim.save()
		returns = make_warehouse("_AS Returns")
		receive_stock(CLAIM_PART, 2, rate=40, to_warehouse=returns)  # the failed seals, back from site
		frappe.set_user(self.manager)
		approve(claim.name)
		claim.reload()
		claim.submit()
		frappe.set_user("Administrator")
		name = send_samples(claim.name)
		back = frappe.get_doc("Purchase Receipt", name)
		self.assertEqual((back.is_return, back.return_against, back.supplier), (1, receipt, PART_SUPPLIER))
		moved = frappe.get_all(
			"Stock Ledger Entry",
			filters={"voucher_no": name, "is_cancelled": 0},
			fields=["warehouse", "actual_qty", "item_code"],
		)
		self.assertEqual(
			[(m.warehouse, m.actual_qty, m.item_code) for m in moved], [(returns, -2, CLAIM_PART)]
		)
		claim.reload()
		self.assertEqual(claim.return_purchase_receipt, name)
		claim.cancel()
		self.assertEqual(frappe.db.get_value("Purchase Receipt", name, "docstatus"), 2)


def balance_party(supplier: str) -> float:
	rows = frappe.get_all(
		"GL Entry",
		filters={"party_type": "Supplier", "party": supplier, "is_cancelled": 0, "company": TEST_COMPANY},
		fields=["sum(debit - credit) as balance"],
	)
	return flt(rows[0].balance if rows else 0, 2)
