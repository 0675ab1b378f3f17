"""The escalation engine on its own: row locks between workers, one failing document isolated from
the rest, webhook claims that never overlap, the digest template, and the registry.

Locks need two database connections, so these tests commit the cases they make and delete them
afterwards."""

import frappe
from frappe.database import get_db
from frappe.utils import add_days, now_datetime

from aftersales_module.bulk import insert_rows, update_rows
from aftersales_module.escalation import engine, notify
from aftersales_module.escalation.registry import config_of, escalatables
from aftersales_module.tests.test_escaping import html_parts
from aftersales_module.tests.utils import AfterSalesTestCase, make_complaint, make_user


def second_connection():
	"""Another session on the same database, as a second worker would hold."""
	conf = frappe.conf
	db = get_db(
		host=conf.db_host,
		port=conf.db_port,
		user=conf.db_name,
		password=conf.db_password,
		cur_db_name=conf.db_name,
	)
	db.connect()
	return db


class TestEscalationEngine(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		make_user("as-eng-manager@example.com", ["After Sales Manager"])
		frappe.db.commit()

	def tearDown(self):
		frappe.set_user("Administrator")

	def due_case(self, subject, days=6):
		"""A committed open case registered `days` ago, its first level due."""
		doc = make_complaint(subject=subject)
		registered_on = add_days(now_datetime(), -days)
		doc.db_set(
			{"registered_on": registered_on, "escalation_clock_start": registered_on, "deadline": None}
		)
		doc.reload()
		doc.save()
		frappe.db.commit()
		self.addCleanup(self.delete, doc.name)
		return doc

	def delete(self, name):
		frappe.db.delete("Complaint Record Escalation", {"parent": name})
		frappe.db.delete("ToDo", {"reference_type": "Complaint Record", "reference_name": name})
		frappe.db.delete("Notification Log", {"document_type": "Complaint Record", "document_name": name})
		frappe.db.delete("Complaint Record", {"name": name})
		frappe.db.commit()

	def level(self, name):
		return frappe.db.get_value("Complaint Record", name, "escalation_level") or 0

	def test_a_row_another_worker_holds_is_skipped_then_escalated_once(self):
		held, free = self.due_case("Held by worker 2"), self.due_case("Free case")
		other = second_connection()
		try:
			other.sql("select name from `tabComplaint Record` where name = %s for update", held.name)
			engine.escalate_due("Complaint Record", now_datetime(), [held.name, free.name])
			frappe.db.commit()
			self.assertEqual(self.level(held.name), 0, "the locked case is left to the worker holding it")
			self.assertEqual(self.level(free.name), 1)
		finally:
			other.rollback()
			other.close()
		engine.escalate_due("Complaint Record", now_datetime(), [held.name, free.name])
		frappe.db.commit()
		self.assertEqual((self.level(held.name), self.level(free.name)), (1, 1), "each level fired once")
		logs = frappe.get_all(
			"Complaint Record Escalation", filters={"parent": ("in", [held.name, free.name])}
		)
		self.assertEqual(len(logs), 2)

	def test_one_failing_document_does_not_stop_the_others(self):
		broken, good = self.due_case("Policy deleted under it"), self.due_case("Healthy case")
		frappe.db.set_value(
			"Complaint Record", broken.name, "escalation_policy", "No Such Policy", update_modified=False
		)
		errors_before = frappe.db.count("Error Log")
		fired = engine.escalate_due("Complaint Record", now_datetime(), [broken.name, good.name])
		self.assertEqual(fired, 1)
		self.assertEqual((self.level(broken.name), self.level(good.name)), (0, 1))
		self.assertEqual(frappe.db.count("Error Log"), errors_before + 1)
		self.assertTrue(
			frappe.db.exists(
				"Error Log", {"reference_doctype": "Complaint Record", "reference_name": broken.name}
			)
		)

	def test_webhook_claims_never_overlap(self):
		doc = self.due_case("Claimed once")
		frappe.db.set_single_value("After Sales Settings", "alert_webhook_url", None)
		engine.escalate_due("Complaint Record", now_datetime(), [doc.name])
		rows = frappe.get_all("Complaint Record Escalation", filters={"parent": doc.name}, pluck="name")
		frappe.db.sql(
			"update `tabComplaint Record Escalation` set webhook_status = 'Pending' where name in %(names)s",
			{"names": rows},
		)
		log = frappe.qb.DocType("Complaint Record Escalation")
		now = now_datetime()
		notify._claim(log, "Complaint Record", "first-worker", now)
		notify._claim(log, "Complaint Record", "second-worker", now)
		claims = frappe.get_all(
			"Complaint Record Escalation", filters={"name": ("in", rows)}, pluck="webhook_claim"
		)
		self.assertEqual(set(claims), {"first-worker"}, "the second worker claims nothing already claimed")
		# a claim left by a worker that died is taken over later
		stale = add_days(now, -1)
		frappe.db.sql(
			"update `tabComplaint Record Escalation` set webhook_claimed_at = %(at)s where name in %(names)s",
			{"at": stale, "names": rows},
		)
		notify._claim(log, "Complaint Record", "third-worker", now)
		claims = frappe.get_all(
			"Complaint Record Escalation", filters={"name": ("in", rows)}, pluck="webhook_claim"
		)
		self.assertEqual(set(claims), {"third-worker"})

	def test_digest_template_escapes_and_counts_the_rest(self):
		queued_before = set(frappe.get_all("Email Queue", pluck="name"))
		entries = [
			(f"CR-{i}", "<b>bold</b> title", "Level 1", "a < b") for i in range(notify.DIGEST_LINES + 3)
		]
		notify.send_digests("Complaint Record", {"as-eng-manager@example.com": entries})
		# the new row, not the last by creation: mail kept from a run on a later (real or test) day
		# sorts after it
		queued = [name for name in frappe.get_all("Email Queue", pluck="name") if name not in queued_before]
		self.assertEqual(len(queued), 1)
		html = "".join(html_parts(frappe.get_doc("Email Queue", queued[0]).message))
		self.assertIn("&lt;b&gt;bold&lt;/b&gt; title", html)
		self.assertNotIn("<b>bold</b>", html)
		self.assertIn("CR-0", html)
		self.assertNotIn(f"CR-{notify.DIGEST_LINES}<", html, "the digest lists DIGEST_LINES cases")

	def test_registry_and_batched_writers(self):
		self.assertEqual(set(escalatables()), {"Complaint Record", "Repair Job", "Return Visit"})
		self.assertEqual(
			{config_of(d).log_doctype for d in ("Repair Job", "Return Visit")},
			{"After Sales Escalation Entry"},
		)
		self.assertEqual(config_of("Complaint Record").log_field, "escalation_log")
		with self.assertRaises(frappe.ValidationError):
			config_of("Sales Invoice")
		names = [frappe.generate_hash(length=10) for _ in range(3)]
		insert_rows(
			"ToDo",
			["name", "description"],
			[(name, f"row {i}") for i, name in enumerate(names)],
			{"status": "Open", "allocated_to": "Administrator", "owner": "Administrator"},
		)
		update_rows(
			"ToDo", ["description"], {names[0]: ("changed",), names[2]: ("also",)}, {"priority": "High"}
		)
		stored = dict(
			frappe.get_all(
				"ToDo", filters={"name": ("in", names)}, fields=["name", "description"], as_list=True
			)
		)
		self.assertEqual(stored, {names[0]: "changed", names[1]: "row 1", names[2]: "also"})
		self.assertEqual(
			set(frappe.get_all("ToDo", filters={"name": ("in", names), "priority": "High"}, pluck="name")),
			{names[0], names[2]},
		)
