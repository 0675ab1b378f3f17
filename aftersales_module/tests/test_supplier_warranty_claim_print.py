"""The Supplier Warranty Claim print format shows the claim as the supplier reads it, with what users
typed escaped; the "Supplier Claims Awaiting Answer" card counts the sent claims not yet answered."""

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim import (
	approve,
)
from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.test_supplier_warranty_claim import (
	completed_warranty_job,
	make_supplier,
)
from aftersales_module.tests.utils import (
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_user,
	receive_stock,
	use_repair_settings,
)

SUPPLIER = "_AS Print Claim Supplier"
PRINT_FORMAT = "Supplier Warranty Claim"
CARD = "Supplier Claims Awaiting Answer"
REASON = '<script>alert("x")</script> seal <b>not</b> ours & worn'


def use_supplier_terms() -> None:
	settings = frappe.get_doc("After Sales Settings")
	settings.supplier_claim_approval_limit = 100000
	settings.supplier_claim_second_role = "General Manager"
	settings.set("supplier_terms", [r for r in settings.supplier_terms if r.supplier != SUPPLIER])
	settings.append("supplier_terms", {"supplier": SUPPLIER, "labour_rate": 50, "booking": "Debit Note"})
	settings.save(ignore_permissions=True)


class TestSupplierWarrantyClaimPrint(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_supplier(SUPPLIER)
		use_supplier_terms()
		cls.manager = make_user("as-swcp-manager@example.com", ["After Sales Manager"])
		cls.stock_user = make_user("as-swcp-stock@example.com", ["Stock User"])
		cls.technician = make_user("as-swcp-tech@example.com", ["Service Technician"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def sent_claim(self):
		"""A claim of one job's part and its labour, signed and sent (submitted)."""
		receive_stock(SPARE_PART, 2)
		job = completed_warranty_job(self.technician, self.stock_user)
		claim = frappe.get_doc(
			{
				"doctype": "Supplier Warranty Claim",
				"supplier": SUPPLIER,
				"company": TEST_COMPANY,
				"remarks": "<img src=x onerror=alert(1)> see photos",
				"items": [
					{
						"repair_job": job.name,
						"part_row": job.parts[0].name,
						"failed_serial_no": "<i>SN-1</i>",
					},
					{"repair_job": job.name},
				],
			}
		).insert()
		frappe.set_user(self.manager)
		approve(claim.name)
		claim.reload()
		claim.submit()
		frappe.set_user("Administrator")
		claim.reload()
		return claim

	def test_the_print_format_shows_the_claim_and_escapes_typed_text(self):
		self.assertEqual(
			frappe.db.get_value("Print Format", PRINT_FORMAT, "doc_type"), "Supplier Warranty Claim"
		)
		claim = self.sent_claim()
		claim.items[0].outcome = "Partly Accepted"
		claim.items[0].accepted_amount = flt(claim.items[0].claimed_amount / 2, 2)
		claim.items[1].outcome = "Rejected"
		claim.items[1].rejection_reason = REASON
		claim.save()
		# as typed, whatever Frappe's save did to it: the print format escapes it itself
		frappe.db.set_value(
			"Supplier Warranty Claim Item",
			claim.items[1].name,
			"rejection_reason",
			REASON,
			update_modified=False,
		)

		html = frappe.get_print("Supplier Warranty Claim", claim.name, print_format=PRINT_FORMAT)
		self.assertNotIn("<script>alert", html)
		self.assertIn("&lt;script&gt;alert(", html, "the reason is printed, escaped")
		self.assertNotIn("<b>not</b>", html)
		self.assertNotIn("<img src=x onerror", html)
		self.assertIn("&lt;img src=", html, "the remarks are printed, escaped")
		self.assertNotIn("None", html.split('class="supplier-claim"')[-1], "no second approval: blank")
		self.assertNotIn("<i>SN-1</i>", html)
		self.assertIn("&lt;i&gt;SN-1&lt;/i&gt;", html)
		for shown in (SUPPLIER, claim.items[0].repair_job, claim.items[0].item_code, "Partly Accepted"):
			self.assertIn(shown, html)
		self.assertIn(claim.get_formatted("total_claimed"), html)
		self.assertIn(claim.get_formatted("total_accepted"), html)
		self.assertIn(claim.items[1].get_formatted("labour_hours"), html, "the labour line's hours")

	def test_the_card_counts_sent_claims_awaiting_the_suppliers_answer(self):
		card = frappe.get_doc("Number Card", CARD)
		self.assertEqual(card.document_type, "Supplier Warranty Claim")

		def count():
			return get_result(card, card.filters_json)

		before = count()
		claim = self.sent_claim()
		self.assertEqual(count(), before + 1)
		for row in claim.items:
			row.outcome = "Rejected"
			row.rejection_reason = "Out of warranty"
		claim.save()
		claim.cancel()
		self.assertEqual(count(), before, "a cancelled claim awaits no answer")
