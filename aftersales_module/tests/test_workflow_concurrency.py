"""Two clerks classify neighbouring complaints at the same moment, each from a connection of their own.

Frappe writes a Workflow Action after each such save (`process_workflow_actions`). Its delete and
update just before that insert lock index gaps, and two saves of neighbouring complaints used to
deadlock there (MariaDB error 1213, an HTTP 500 for one of the clerks). `workflow_lock` makes the
second wait for the first instead.

The interleaving that deadlocked is forced, not hoped for: a wrapper around Frappe's own
`create_workflow_actions_for_roles` holds each save at a barrier just before its insert, until the
other save has arrived there too (or 3 s have passed). Without the lock, both saves then hold their
gap locks and both insert; with it, the second save never reaches the barrier while the first is
still open. The wrapper calls Frappe's function unchanged.

The clock matters too. Frappe names a Workflow Action by the time first (`_get_timestamp_prefix`, in
deciseconds, wrapping every 32**3 of them), so under a real clock each new row goes after every
other, into the gap at the end of the index that both saves' update has locked. The class's frozen
clock would scatter the names instead; the saves run at an instant whose prefix sorts last."""

import threading
import time
from datetime import datetime, timezone
from unittest.mock import patch

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import convert_utc_to_system_timezone
from frappe.workflow.doctype.workflow_action import workflow_action

from aftersales_module.tests.utils import AfterSalesTestCase, make_complaint, make_department, make_user

CLASSIFICATION = {"complaint_type": "Service", "severity": "General", "validity": "Valid"}


class TestWorkflowActionConcurrency(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.clerk = make_user("as-wf-clerk@example.com", ["After Sales User"])
		cls.department = make_department()

	def setUp(self):
		self.names = []
		for _ in range(2):
			doc = apply_workflow(make_complaint(), "Classify")
			doc.responsible_department = self.department
			doc.save()
			self.names.append(doc.name)
		# The two connections below must see both cases, and this one must hold no lock.
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")
		actions = frappe.get_all(
			"Workflow Action",
			filters={"reference_doctype": "Complaint Record", "reference_name": ("in", self.names)},
			pluck="name",
		)
		if actions:
			frappe.db.delete("Workflow Action Permitted Role", {"parent": ("in", actions)})
			frappe.db.delete("Workflow Action", {"name": ("in", actions)})
		for table in ("Complaint Record Escalation", "Complaint Record Fulfilment"):
			frappe.db.delete(table, {"parenttype": "Complaint Record", "parent": ("in", self.names)})
		for doctype in ("Version", "Comment", "ToDo"):
			field = "docname" if doctype == "Version" else "reference_name"
			frappe.db.delete(doctype, {field: ("in", self.names)})
		frappe.db.delete("Complaint Record", {"name": ("in", self.names)})
		frappe.db.commit()

	def test_two_connections_classify_neighbouring_cases_at_once(self):
		self.assertEqual(
			frappe.db.count(
				"Workflow Action",
				{"reference_doctype": "Complaint Record", "reference_name": ("in", self.names)},
			),
			2,
			"each case has its completed Classify action, and no action yet for Classified",
		)
		start, barrier = threading.Barrier(2), threading.Barrier(2)
		arrived = []
		create = workflow_action.create_workflow_actions_for_roles

		def meet_then_create(roles, doc):
			if doc.get("name") in self.names:
				arrived.append(doc.name)
				try:
					barrier.wait(timeout=3)
				except threading.BrokenBarrierError:
					pass  # the other save is waiting for this one's commit: go on alone
			return create(roles, doc)

		outcome = {}
		site, sites_path = frappe.local.site, frappe.local.sites_path
		with (
			self.freeze_time(latest_name_instant(), tick=True),
			patch.object(workflow_action, "create_workflow_actions_for_roles", meet_then_create),
		):
			threads = [
				threading.Thread(target=classify, args=(site, sites_path, self.clerk, name, start, outcome))
				for name in self.names
			]
			for thread in threads:
				thread.start()
			for thread in threads:
				thread.join(timeout=60)
		frappe.db.rollback()  # a snapshot taken after both commits

		self.assertEqual(sorted(arrived), sorted(self.names), "both saves reached Frappe's insert")
		self.assertEqual(outcome, {name: "saved" for name in self.names})
		for name in self.names:
			self.assertEqual(
				frappe.db.get_value("Complaint Record", name, ["validity", "status"]), ("Valid", "Classified")
			)
			self.assertTrue(
				frappe.db.exists(
					"Workflow Action",
					{
						"reference_doctype": "Complaint Record",
						"reference_name": name,
						"workflow_state": "Classified",
						"status": "Open",
					},
				),
				f"{name} offers Assign to the next person",
			)


def latest_name_instant() -> datetime:
	"""The next site-local instant at which Frappe's time prefix for a hash name sorts last (the last
	few seconds before it wraps)."""
	period = 32**3  # deciseconds
	now = int(time.time() * 10)
	target = now - now % period + period - 150
	if target <= now:
		target += period
	moment = datetime.fromtimestamp(target / 10, tz=timezone.utc)
	return convert_utc_to_system_timezone(moment).replace(tzinfo=None)


def classify(
	site: str, sites_path: str, user: str, name: str, start: threading.Barrier, outcome: dict
) -> None:
	"""What `PUT /api/resource/Complaint Record/<name>` does, on a connection of its own. Both
	connections load their case first and then save together."""
	frappe.init(site=site, sites_path=sites_path)
	frappe.connect()
	frappe.flags.in_test = True
	try:
		frappe.set_user(user)
		doc = frappe.get_doc("Complaint Record", name)
		start.wait(timeout=30)
		doc.update(CLASSIFICATION)
		doc.save()
		frappe.db.commit()
		outcome[name] = "saved"
	except Exception as error:
		frappe.db.rollback()
		outcome[name] = f"{type(error).__name__}: {error}"
	finally:
		frappe.destroy()
