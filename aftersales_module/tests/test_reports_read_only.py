"""Reports and number cards never write: each runs inside a READ ONLY transaction, where MariaDB
refuses any INSERT, UPDATE or DELETE, so a site with a read replica (`read_from_replica`) can serve
them all from it (Frappe's query_report.run and our card methods are `@frappe.read_only()`)."""

import frappe
from frappe.desk.doctype.number_card.number_card import get_result
from frappe.desk.query_report import run

from aftersales_module.tests.utils import AfterSalesTestCase

MODULE = "Aftersales Module"


class TestReportsReadOnly(AfterSalesTestCase):
	def test_the_read_only_transaction_refuses_a_write(self):
		"""The harness itself: a write in it fails, so a report that wrote would fail too."""
		frappe.db.rollback()
		frappe.db.begin(read_only=True)
		try:
			with self.assertRaises(frappe.InReadOnlyMode):
				frappe.db.sql("update `tabReminder Log` set channel = channel")
		finally:
			frappe.db.rollback()

	def test_every_report_and_number_card_runs_without_writing(self):
		reports = frappe.get_all("Report", filters={"module": MODULE}, pluck="name")
		cards = frappe.get_all("Number Card", filters={"module": MODULE}, pluck="name")
		self.assertGreaterEqual(len(reports), 10)
		self.assertGreaterEqual(len(cards), 6)
		cards = [frappe.get_doc("Number Card", name) for name in cards]
		frappe.db.rollback()
		frappe.db.begin(read_only=True)
		try:
			for name in reports:
				with self.subTest(report=name):
					result = run(name, filters={})
					self.assertIn("columns", result)
			for card in cards:
				with self.subTest(card=card.name):
					value = get_result(card, card.filters_json or "[]")
					self.assertIsNotNone(value)
		finally:
			frappe.db.rollback()
