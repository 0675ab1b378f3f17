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

from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue
from aftersales_module.integrations.erpnext.stock_entry import lock_stock
from aftersales_module.tests.test_sweep_concurrency import on_own_connection
from aftersales_module.tests.utils import (
	SPARE_PART,
	AfterSalesTestCase,
	make_item,
	make_repair_job,
	make_user,
	receive_stock,
	use_repair_settings,
	warehouse,
)

RACE_PART = "_AS Race Part"


class TestPartsConcurrency(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		get_or_make_bin(SPARE_PART, warehouse())
		cls.stock_user = make_user("as-race-stock@example.com", ["Stock User"])
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

	def test_two_storekeepers_issuing_a_jobs_part_at_once_issue_it_once(self):
		"""Each counter drafted the job's whole request (2) before the other submitted. Both entries
		passed `validate` in their own snapshot; before_submit checks again against what is committed
		once it holds the job, so the second is refused and the part leaves the store once."""
		use_repair_settings()
		make_item(RACE_PART, valuation_rate=50)
		receipt = receive_stock(RACE_PART, 10, rate=50)
		job = make_repair_job(service_class="Warranty", parts=[{"item_code": RACE_PART, "qty": 2}])
		entries = [make_parts_issue(job.name) for _ in range(2)]
		frappe.db.commit()
		self.addCleanup(self.remove, job.name, [*entries, receipt])

		start = threading.Barrier(2)

		def submit(name):
			def work():
				frappe.set_user(self.stock_user)
				entry = frappe.get_doc("Stock Entry", name)
				start.wait(timeout=30)
				entry.submit()
				return "submitted"

			return work

		outcome = {}
		site, sites_path = frappe.local.site, frappe.local.sites_path
		threads = [
			threading.Thread(target=on_own_connection, args=(site, sites_path, submit(name), outcome, name))
			for name in entries
		]
		for thread in threads:
			thread.start()
		for thread in threads:
			thread.join(timeout=60)
		frappe.db.rollback()  # a snapshot taken after both commits

		results = sorted(
			str(value) if value == "submitted" else type(value).__name__ for value in outcome.values()
		)
		self.assertEqual(results, ["ValidationError", "submitted"])
		issued = frappe.db.sql(
			"""select -sum(actual_qty) from `tabStock Ledger Entry`
			where voucher_no in %s and is_cancelled = 0""",
			[entries],
		)[0][0]
		self.assertEqual(issued, 2)
		self.assertEqual(frappe.db.get_value("Repair Job Part", {"parent": job.name}, "issued_qty"), 2)

	def remove(self, job: str, entries: list[str]) -> None:
		"""Undo what the race committed: cancel the submitted entries (the issue, then the receipt),
		then delete them and the job."""
		frappe.set_user("Administrator")
		frappe.db.rollback()
		for name in entries:
			if frappe.db.get_value("Stock Entry", name, "docstatus") == 1:
				frappe.get_doc("Stock Entry", name).cancel()
		for name in entries:
			frappe.delete_doc("Stock Entry", name, force=1, ignore_permissions=True)
		frappe.delete_doc("Repair Job", job, force=1, ignore_permissions=True)
		frappe.db.commit()
