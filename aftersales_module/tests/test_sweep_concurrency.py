"""The scheduled sweeps next to users and to each other, each on a connection of its own (threads):
they run at READ COMMITTED, two sweeps flag overdue cases without waiting for or deadlocking with
each other, and a sweep that a deadlock rolled back runs again."""

import threading

import frappe
from frappe.utils import add_to_date, now_datetime

from aftersales_module import jobs
from aftersales_module.escalation.engine import mark_overdue
from aftersales_module.tests.utils import AfterSalesTestCase, make_complaint


def on_own_connection(site: str, sites_path: str, work, outcome: dict, key: str) -> None:
	"""Run `work()` on a new connection, as a background job does; commit, or roll back and keep the
	error."""
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.flags.in_test = True
	try:
		outcome[key] = work()
		frappe.db.commit()
	except Exception as error:
		frappe.db.rollback()
		outcome[key] = error
	finally:
		frappe.destroy()


class TestSweepConcurrency(AfterSalesTestCase):
	def start(self, work, outcome: dict, key: str) -> threading.Thread:
		thread = threading.Thread(
			target=on_own_connection,
			args=(frappe.local.site, frappe.local.sites_path, work, outcome, key),
		)
		thread.start()
		return thread

	def test_sweeps_run_at_read_committed_and_other_jobs_do_not(self):
		def isolation_after(method, kwargs):
			def work():
				jobs.before_job(method=method, kwargs=kwargs, transaction_type="job")
				return frappe.db.sql("select @@tx_isolation")[0][0]

			return work

		outcome = {}
		cases = {
			"scheduled sweep": (
				jobs.RUN_SCHEDULED_JOB,
				{"job_type": "aftersales_module.tasks.escalation.sweep"},
			),
			"enqueued sweep": ("aftersales_module.tasks.contracts.daily", {}),
			"other scheduled job": (jobs.RUN_SCHEDULED_JOB, {"job_type": "frappe.email.queue.flush"}),
			"other job": ("frappe.email.queue.flush", {}),
		}
		for key, (method, kwargs) in cases.items():
			self.start(isolation_after(method, kwargs), outcome, key).join(timeout=30)
		self.assertEqual(
			outcome,
			{
				"scheduled sweep": "READ-COMMITTED",
				"enqueued sweep": "READ-COMMITTED",
				"other scheduled job": "REPEATABLE-READ",
				"other job": "REPEATABLE-READ",
			},
		)
		self.assertIn("aftersales_module.tasks.escalation.sweep", jobs.sweep_methods())

	def test_a_sweep_that_a_deadlock_rolled_back_runs_again(self):
		"""Two sweeps lock the same two rows in opposite orders, meeting in the middle: InnoDB rolls
		one back. Its `step` lets the deadlock through (a rollback to the step's savepoint would fail:
		the savepoint went with the transaction), and `retried` runs it again."""
		rows = ("After Sales User", "After Sales Manager")  # any two rows nobody else locks
		met = threading.Barrier(2)
		attempts = []

		def sweep_locking(first, second):
			def once():
				attempts.append(first)
				with jobs.step(f"lock_{frappe.scrub(first)}", "test step"):
					frappe.db.sql("select name from tabRole where name = %s for update", first)
					if len(attempts) <= 2:
						met.wait(timeout=10)  # only the first attempts meet
					frappe.db.sql("select name from tabRole where name = %s for update", second)
				return "swept"

			return lambda: jobs.retried(once)

		outcome = {}
		threads = [
			self.start(sweep_locking(rows[0], rows[1]), outcome, "a"),
			self.start(sweep_locking(rows[1], rows[0]), outcome, "b"),
		]
		for thread in threads:
			thread.join(timeout=60)
		self.assertEqual(outcome, {"a": "swept", "b": "swept"})
		self.assertEqual(len(attempts), 3, "one sweep was rolled back by the deadlock and ran again")

	def test_two_sweeps_flag_overdue_cases_without_waiting_for_each_other(self):
		names = []
		for _ in range(4):
			names.append(make_complaint().name)
		frappe.db.sql(
			"update `tabComplaint Record` set deadline = %s, is_overdue = 0 where name in %s",
			(add_to_date(now_datetime(), hours=-1), names),
		)
		frappe.db.commit()  # the sweeps' connections must see them
		self.addCleanup(self.delete_complaints, names)
		now = now_datetime()
		holding, release = threading.Event(), threading.Event()

		def first_sweep():
			mark_overdue("Complaint Record", now)
			holding.set()
			release.wait(timeout=30)  # still open while the second sweep runs
			return "done"

		outcome = {}
		first = self.start(first_sweep, outcome, "first")
		self.assertTrue(holding.wait(timeout=30))
		second = self.start(lambda: mark_overdue("Complaint Record", now) or "done", outcome, "second")
		second.join(timeout=10)
		finished_while_first_open = not second.is_alive()
		release.set()
		first.join(timeout=30)
		second.join(timeout=30)
		self.assertTrue(finished_while_first_open, "the second sweep skipped the rows the first holds")
		self.assertEqual(outcome, {"first": "done", "second": "done"})
		frappe.db.rollback()  # a snapshot taken after both commits
		self.assertEqual(
			frappe.get_all("Complaint Record", filters={"name": ("in", names)}, pluck="is_overdue"), [1] * 4
		)

	def delete_complaints(self, names):
		for table in ("Complaint Record Escalation", "Complaint Record Fulfilment"):
			frappe.db.delete(table, {"parenttype": "Complaint Record", "parent": ("in", names)})
		for doctype, field in (
			("Version", "docname"),
			("Comment", "reference_name"),
			("ToDo", "reference_name"),
		):
			frappe.db.delete(doctype, {field: ("in", names)})
		frappe.db.delete(
			"Workflow Action Permitted Role",
			{
				"parent": (
					"in",
					frappe.get_all("Workflow Action", {"reference_name": ("in", names)}, pluck="name")
					or [""],
				)
			},
		)
		frappe.db.delete("Workflow Action", {"reference_name": ("in", names)})
		frappe.db.delete("Complaint Record", {"name": ("in", names)})
		frappe.db.commit()
