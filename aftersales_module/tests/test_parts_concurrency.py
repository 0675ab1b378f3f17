"""Two storekeepers post parts entries for the same part and store at once, each on a connection of
its own (threads).

ERPNext inserts an entry's Stock Ledger Entries and then reads the earlier ones of the item in that
warehouse FOR UPDATE; two entries posted at once waited for each other's new rows and one failed
with a deadlock (1213; seen in the load run of benchmarks/load). `stock_entry.lock_stock` (the
Stock Entry's before_submit and before_cancel) locks the Bin first, so the second entry waits for
the first to commit instead."""

import threading

import frappe
from erpnext.stock.utils import get_or_make_bin

from aftersales_module.integrations.erpnext.stock_entry import lock_stock
from aftersales_module.tests.test_sweep_concurrency import on_own_connection
from aftersales_module.tests.utils import SPARE_PART, AfterSalesTestCase, warehouse


class TestPartsConcurrency(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		get_or_make_bin(SPARE_PART, warehouse())
		frappe.db.commit()  # the other connections lock this Bin: it must be there for them

	def entry(self, purpose_field: str = "s_warehouse"):
		return frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"purpose": "Material Issue",
				"repair_job": "RJ-any",
				"items": [{"item_code": SPARE_PART, "qty": 1, purpose_field: warehouse()}],
			}
		)

	def hold_then_post(self, first_entry, second_entry) -> tuple[bool, dict]:
		"""The first connection runs lock_stock for `first_entry` and stays open; the second runs it
		for `second_entry`. Whether the second was still waiting 1.5 s later, and what both did."""
		holding, release = threading.Event(), threading.Event()
		site, sites_path = frappe.local.site, frappe.local.sites_path

		def first():
			lock_stock(first_entry)
			holding.set()
			release.wait(timeout=30)  # still posting while the second arrives
			return "posted"

		def second():
			lock_stock(second_entry)
			return "posted"

		outcome = {}
		first_thread = threading.Thread(
			target=on_own_connection, args=(site, sites_path, first, outcome, "first")
		)
		first_thread.start()
		self.assertTrue(holding.wait(timeout=30))
		second_thread = threading.Thread(
			target=on_own_connection, args=(site, sites_path, second, outcome, "second")
		)
		second_thread.start()
		second_thread.join(timeout=1.5)
		waited = second_thread.is_alive()
		release.set()
		first_thread.join(timeout=30)
		second_thread.join(timeout=30)
		return waited, outcome

	def test_the_second_entry_for_a_part_and_store_waits_for_the_first(self):
		waited, outcome = self.hold_then_post(self.entry(), self.entry("t_warehouse"))
		self.assertTrue(waited, "the second entry waits at the Bin")
		self.assertEqual(outcome, {"first": "posted", "second": "posted"})

	def test_entries_that_are_not_a_repair_jobs_are_left_to_erpnext(self):
		other = self.entry()
		other.repair_job = None
		waited, outcome = self.hold_then_post(other, self.entry())
		self.assertFalse(waited, "nothing locked for an entry of no repair job")
		self.assertEqual(outcome, {"first": "posted", "second": "posted"})
