# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, flt, nowdate

from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_customer,
	make_delivery_note,
	make_user,
	receive_serial_units,
	receive_stock,
	use_repair_settings,
	warranty_expense_account,
)


class TestProductWarrantyClaim(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		frappe.db.set_single_value("After Sales Settings", "warranty_start_basis", "Delivery Date")
		receive_stock(SPARE_PART, 10)
		cls.serials = receive_serial_units(3)
		make_delivery_note(SERIAL_ITEM, 3, cls.serials)
		cls.user = make_user("as-pwc-user@example.com", ["After Sales User"])
		cls.manager = make_user("as-pwc-manager@example.com", ["After Sales Manager"])
		cls.stock_user = make_user("as-pwc-stock@example.com", ["Stock User"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def claim(self, serial_no, **values):
		doc = frappe.get_doc(
			{
				"doctype": "Product Warranty Claim",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"serial_no": serial_no,
				"symptom": "Does not start",
				"resolution": "Repair",
				**values,
			}
		)
		return doc.insert()

	def test_claim_in_warranty_opens_a_warranty_job_whose_parts_cost_the_company(self):
		frappe.set_user(self.user)
		claim = self.claim(self.serials[0])
		self.assertEqual(claim.coverage, "In Warranty")
		self.assertEqual(
			claim.warranty_registration,
			frappe.db.get_value("Warranty Registration", {"serial_no": self.serials[0], "status": "Active"}),
		)
		claim.submit()
		self.assertEqual(claim.status, "In Repair")
		frappe.set_user("Administrator")

		job = frappe.get_doc("Repair Job", claim.repair_job)
		self.assertEqual(
			(job.service_class, job.serial_no, job.product_warranty_claim),
			("Warranty", self.serials[0], claim.name),
		)

		job.append("parts", {"item_code": SPARE_PART, "qty": 1})
		job.save()
		frappe.set_user(self.stock_user)
		entry = frappe.get_doc("Stock Entry", make_parts_issue(job.name))
		entry.submit()
		frappe.set_user("Administrator")
		sle_value = -flt(
			frappe.db.get_value(
				"Stock Ledger Entry", {"voucher_no": entry.name, "is_cancelled": 0}, "stock_value_difference"
			)
		)
		debit = frappe.db.get_value(
			"GL Entry",
			{"voucher_no": entry.name, "account": warranty_expense_account(), "is_cancelled": 0},
			"debit",
		)
		self.assertGreater(sle_value, 0)
		self.assertAlmostEqual(flt(debit), sle_value, places=2)

	def end_warranty(self, serial_no, days_ago=35):
		"""The unit was delivered long ago: its warranty ended `days_ago` days before today's claim."""
		registration = frappe.db.get_value(
			"Warranty Registration", {"serial_no": serial_no}, ["name", "end_date"]
		)
		frappe.db.set_value(
			"Warranty Registration", registration[0], "end_date", add_days(nowdate(), -days_ago)
		)
		self.addCleanup(
			frappe.db.set_value, "Warranty Registration", registration[0], "end_date", registration[1]
		)

	def test_expired_warranty_needs_goodwill_from_a_manager(self):
		self.end_warranty(self.serials[1])
		frappe.set_user(self.user)
		claim = self.claim(self.serials[1])
		self.assertEqual(claim.coverage, "Out of Warranty")
		with self.assertRaisesRegex(frappe.ValidationError, "out of warranty"):
			claim.submit()
		claim.reload()
		claim.goodwill_approved = 1
		with self.assertRaisesRegex(frappe.ValidationError, "Only an After Sales Manager"):
			claim.save()

		frappe.set_user(self.manager)
		claim.reload()
		claim.goodwill_approved = 1
		claim.save()
		self.assertEqual(claim.goodwill_approved_by, self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "reason for the goodwill"):
			claim.submit()
		claim.reload()
		claim.goodwill_reason = "Key account, first failure"
		claim.save()
		claim.submit()
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Repair Job", claim.repair_job, "service_class"), "Goodwill")

	def test_backdating_a_claim_needs_a_manager_and_is_logged(self):
		"""Coverage cannot be bought by backdating: the claim date decides it."""
		self.end_warranty(self.serials[1], days_ago=10)
		frappe.set_user(self.user)
		with self.assertRaisesRegex(frappe.PermissionError, "Only an After Sales Manager can date a claim"):
			self.claim(self.serials[1], claim_date=add_days(nowdate(), -20))
		with self.assertRaisesRegex(frappe.ValidationError, "is in the future"):
			self.claim(self.serials[1], claim_date=add_days(nowdate(), 1))
		claim = self.claim(self.serials[1])
		self.assertEqual(claim.coverage, "Out of Warranty")
		claim.claim_date = add_days(nowdate(), -20)
		with self.assertRaises(frappe.PermissionError):
			claim.save()

		frappe.set_user(self.manager)
		claim.reload()
		claim.claim_date = add_days(nowdate(), -20)
		claim.save()
		self.assertEqual(claim.coverage, "In Warranty")
		frappe.set_user("Administrator")
		logged = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": claim.doctype,
				"reference_name": claim.name,
				"comment_type": "Info",
			},
			pluck="content",
		)
		self.assertTrue(
			any(self.manager in text and "before the day it was entered" in text for text in logged)
		)

	def test_serial_delivered_to_another_customer_is_rejected(self):
		other = make_customer("_AS Test Customer 2")
		with self.assertRaisesRegex(frappe.ValidationError, "was delivered to"):
			self.claim(self.serials[2], customer=other)

	def test_rejection_needs_a_reason_and_opens_no_job(self):
		self.end_warranty(self.serials[2])
		claim = self.claim(self.serials[2], resolution="Rejected")
		with self.assertRaisesRegex(frappe.ValidationError, "reason for rejecting"):
			claim.submit()
		claim.reload()
		claim.rejection_reason = "Damage by misuse"
		claim.save()
		claim.submit()
		self.assertEqual((claim.status, claim.repair_job), ("Rejected", None))

	def test_credit_note_returns_only_the_claimed_unit(self):
		from erpnext.stock.doctype.delivery_note.delivery_note import make_sales_invoice

		serials = receive_serial_units(2)
		note = make_delivery_note(SERIAL_ITEM, 2, serials)
		invoice = make_sales_invoice(note.name)
		invoice.insert()
		invoice.submit()

		claim = self.claim(serials[0], resolution="Credit Note")
		claim.submit()
		self.assertEqual(claim.status, "Credited")
		credit_note = frappe.get_doc("Sales Invoice", claim.credit_note)
		self.assertEqual((credit_note.is_return, credit_note.return_against), (1, invoice.name))
		self.assertEqual([(d.item_code, d.qty) for d in credit_note.items], [(SERIAL_ITEM, -1)])
		credit_note.submit()
		receivable = frappe.db.get_value(
			"GL Entry",
			{"voucher_no": credit_note.name, "account": invoice.debit_to, "is_cancelled": 0},
			"credit",
		)
		self.assertAlmostEqual(flt(receivable), invoice.grand_total / 2, places=2)

	def test_uninvoiced_unit_cannot_be_credited(self):
		claim = self.claim(self.serials[2], resolution="Credit Note")
		with self.assertRaisesRegex(frappe.ValidationError, "cannot be credited"):
			claim.submit()
