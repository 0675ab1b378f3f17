# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, add_to_date, get_datetime, now_datetime

from aftersales_module.escalation import engine, notify
from aftersales_module.tasks import escalation
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_customer,
	make_department,
	make_employee,
	make_user,
)

STANDARD = "Complaint - Standard Chain"


class TestComplaintRecord(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user = make_user("as-cr-user@example.com", ["After Sales User"])
		cls.manager = make_user("as-cr-manager@example.com", ["After Sales Manager"])
		cls.director = make_user("as-cr-director@example.com", ["After Sales User"])
		cls.technician = make_user("as-cr-tech@example.com", ["Service Technician"])
		make_employee(cls.director)
		make_employee(cls.manager, reports_to=cls.director)
		make_employee(cls.user, reports_to=cls.manager)
		cls.department = make_department()
		frappe.db.set_single_value("After Sales Settings", "alert_webhook_url", None)

	def tearDown(self):
		frappe.set_user("Administrator")

	def escalation_rows(self, name):
		return frappe.get_all(
			"Complaint Record Escalation",
			filters={"parent": name, "parenttype": "Complaint Record"},
			fields=[
				"name",
				"to_level",
				"level_label",
				"recipients",
				"is_manual",
				"escalated_by",
				"webhook_status",
			],
			order_by="idx",
		)

	def backdate(self, doc, days):
		"""Register `doc` `days` ago and let it plan its escalation from then."""
		registered_on = add_days(now_datetime(), -days)
		doc.db_set(
			{"registered_on": registered_on, "escalation_clock_start": registered_on, "deadline": None}
		)
		doc.reload()
		doc.save()
		return doc

	# -------------------------------------------------------------- lifecycle and roles

	def test_full_lifecycle_through_the_workflow(self):
		frappe.set_user(self.user)
		doc = make_complaint(subject="Compressor noise after installation")
		self.assertEqual(doc.status, "Registered")
		self.assertEqual(doc.handler, self.user, "the first receiver owns the case")
		self.assertEqual(doc.escalation_policy, STANDARD)
		self.assertEqual(get_datetime(doc.deadline), add_days(get_datetime(doc.registered_on), 15))
		self.assertTrue(doc.name.startswith(f"CR-{now_datetime():%Y-%m}-"), doc.name)

		doc = apply_workflow(doc, "Classify")
		doc.update({"complaint_type": "Service", "severity": "General", "validity": "Valid"})
		doc.responsible_department = self.department
		doc.save()
		for action in ("Assign", "Start Investigation"):
			doc = apply_workflow(doc, action)
		doc.proposed_solution = "Replace the compressor mount"
		doc.save()
		doc = apply_workflow(doc, "Propose Solution")
		doc = apply_workflow(doc, "Approve")
		self.assertEqual(doc.approver, self.user)
		doc.customer_agreed_by = "Mr Wang"
		doc.save()
		for action in ("Customer Agrees", "Execute", "Resolve"):
			doc = apply_workflow(doc, action)
		self.assertTrue(doc.resolved_on)
		self.assertIsNone(doc.next_escalation_at, "resolved cases stop escalating")
		doc.customer_feedback = "Quiet now, thank you"
		doc.save()
		doc = apply_workflow(doc, "Record Return Visit")

		with self.assertRaises(frappe.ValidationError):
			apply_workflow(doc, "Close")  # closing is the department head's (manager's) call
		frappe.set_user(self.manager)
		doc = apply_workflow(frappe.get_doc("Complaint Record", doc.name), "Close")
		self.assertEqual(doc.status, "Closed")
		self.assertTrue(doc.closed_on)

		doc = apply_workflow(doc, "Reopen")
		self.assertEqual(doc.status, "Reopened")
		self.assertIsNone(doc.closed_on)
		self.assertIsNotNone(doc.next_escalation_at, "a reopened case escalates again")
		self.assertGreater(get_datetime(doc.next_escalation_at), now_datetime())

	def test_leaving_classified_needs_type_severity_and_validity(self):
		doc = make_complaint()
		doc = apply_workflow(doc, "Classify")
		doc.responsible_department = self.department
		doc.save()
		with self.assertRaises(frappe.ValidationError):
			apply_workflow(doc, "Assign")
		doc.reload()
		doc.status = "Assigned"
		with self.assertRaises(frappe.ValidationError):
			doc.save()
		self.assertEqual(frappe.db.get_value("Complaint Record", doc.name, "status"), "Classified")

	def test_invalid_needs_the_reply(self):
		doc = apply_workflow(make_complaint(), "Classify")
		doc.validity = "Invalid"
		with self.assertRaises(frappe.ValidationError):
			doc.save()  # Validity Reason is mandatory for an invalid complaint
		doc.reload()
		doc.update({"validity": "Invalid", "validity_reason": "The unit was damaged by a flood"})
		doc.save()
		doc = apply_workflow(doc, "Mark Invalid")
		self.assertEqual(doc.status, "Invalid")
		self.assertIsNone(doc.next_escalation_at)

	def to_solution_proposed(self, **values):
		doc = apply_workflow(make_complaint(**values), "Classify")
		doc.update(
			{
				"complaint_type": "Product Quality",
				"quality_sub_type": "Product Fault",
				"validity": "Valid",
				"responsible_department": self.department,
				"proposed_solution": "Replace the seal",
			}
		)
		doc.save()
		for action in ("Assign", "Start Investigation", "Propose Solution"):
			doc = apply_workflow(doc, action)
		return doc

	def test_only_a_manager_approves_a_major_case(self):
		frappe.set_user(self.user)
		doc = self.to_solution_proposed(severity="Major")
		with self.assertRaises(frappe.ValidationError):
			apply_workflow(doc, "Approve")
		doc.reload()
		doc.status = "Approved"
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		self.assertEqual(frappe.db.get_value("Complaint Record", doc.name, "status"), "Solution Proposed")
		frappe.set_user(self.manager)
		doc = apply_workflow(frappe.get_doc("Complaint Record", doc.name), "Approve")
		self.assertEqual((doc.status, doc.approver), ("Approved", self.manager))

	def test_technician_cannot_approve(self):
		doc = self.to_solution_proposed()
		frappe.set_user(self.technician)
		doc = frappe.get_doc("Complaint Record", doc.name)
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			apply_workflow(doc, "Approve")
		self.assertEqual(frappe.db.get_value("Complaint Record", doc.name, "status"), "Solution Proposed")

	def test_portal_customer_reads_only_their_own_complaints(self):
		other = make_customer("_AS Other Customer")
		portal = make_user("as-cr-portal@example.com", ["Customer"], user_type="Website User")
		customer = frappe.get_doc("Customer", CUSTOMER)
		if portal not in [row.user for row in customer.get("portal_users")]:
			customer.append("portal_users", {"user": portal})
			customer.save(ignore_permissions=True)
		mine = make_complaint(subject="Mine")
		theirs = make_complaint(subject="Theirs", customer=other)

		frappe.set_user(portal)
		visible = frappe.get_list("Complaint Record", pluck="name")
		self.assertIn(mine.name, visible)
		self.assertNotIn(theirs.name, visible)
		self.assertTrue(frappe.has_permission("Complaint Record", "read", doc=mine.name))
		self.assertFalse(frappe.has_permission("Complaint Record", "read", doc=theirs.name))
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Complaint Record", theirs.name).check_permission("read")

	def test_repair_job_links_back_to_its_complaint(self):
		from frappe.desk.notifications import get_open_count

		from aftersales_module.tests.utils import make_repair_job

		doc = make_complaint(subject="Pump stopped")
		job = make_repair_job(complaint=doc.name, service_class="Paid")
		# get_open_count limits every later statement of this connection to 1 s (in a request, the
		# next request's connection has none): lift it, or a lock wait in a later test is cut off
		self.addCleanup(frappe.db.set_execution_timeout, 0)
		counts = {
			row["doctype"]: row["count"]
			for row in get_open_count("Complaint Record", doc.name)["count"]["external_links_found"]
		}
		self.assertEqual(counts["Repair Job"], 1)
		self.assertEqual(counts["Product Warranty Claim"], 0)
		with self.assertRaises(frappe.LinkValidationError):
			make_repair_job(complaint="CR-1999-01-00001")
		self.assertEqual(job.complaint, doc.name)

	# -------------------------------------------------------------- escalation

	def test_sweep_escalates_exactly_the_due_cases_once(self):
		frappe.set_user(self.user)
		fresh = make_complaint(subject="Fresh")
		day6 = self.backdate(make_complaint(subject="Six days old"), 6)
		day13 = self.backdate(make_complaint(subject="Thirteen days old"), 13)
		frappe.set_user("Administrator")
		self.assertLessEqual(get_datetime(day13.next_escalation_at), now_datetime())

		now = now_datetime()
		escalation.sweep(now)
		self.assertEqual(self.escalation_rows(fresh.name), [])
		six = self.escalation_rows(day6.name)
		self.assertEqual([(r.to_level, r.level_label) for r in six], [(1, "Market Department")])
		self.assertIn(self.manager, six[0].recipients)
		thirteen = self.escalation_rows(day13.name)
		self.assertEqual([r.to_level for r in thirteen], [1, 2], "two levels were due: both fire, in order")
		self.assertIn(self.director, thirteen[1].recipients, "level 2 goes two steps up the reporting line")

		day13.reload()
		self.assertEqual(day13.escalation_level, 2)
		self.assertEqual(
			get_datetime(day13.next_escalation_at), add_days(get_datetime(day13.registered_on), 15)
		)
		todos = frappe.get_all(
			"ToDo",
			filters={"reference_type": "Complaint Record", "reference_name": day13.name},
			pluck="allocated_to",
		)
		recipients = {user for row in thirteen for user in row.recipients.split(", ")}
		self.assertLessEqual({self.manager, self.director}, recipients)
		self.assertEqual(sorted(todos), sorted(recipients), "one ToDo per recipient, none twice")
		self.assertIn(self.director, json.loads(day13._assign))
		notified = frappe.db.count(
			"Notification Log", {"document_name": day13.name, "for_user": self.director}
		)
		self.assertEqual(notified, 1)
		queued = frappe.get_all("Email Queue Recipient", filters={"recipient": self.director}, pluck="parent")
		self.assertTrue(queued, "an email digest is queued for the director")

		counts = (
			frappe.db.count("Complaint Record Escalation"),
			frappe.db.count("ToDo"),
			frappe.db.count("Notification Log"),
			frappe.db.count("Email Queue"),
		)
		self.assertEqual(escalation.sweep(now), {"Complaint Record": 0, "Repair Job": 0, "Return Visit": 0})
		self.assertEqual(
			counts,
			(
				frappe.db.count("Complaint Record Escalation"),
				frappe.db.count("ToDo"),
				frappe.db.count("Notification Log"),
				frappe.db.count("Email Queue"),
			),
			"a second sweep at the same instant writes and sends nothing",
		)

	def test_major_case_tells_the_manager_at_once(self):
		frappe.set_user(self.user)
		doc = make_complaint(subject="Group complaint from a residential block", households_affected=4)
		self.assertEqual(doc.severity, "Major", "3+ households make a group complaint, which is Major")
		self.assertEqual(doc.escalation_policy, "Complaint - Major")
		rows = self.escalation_rows(doc.name)
		self.assertEqual([r.to_level for r in rows], [1])
		self.assertIn(self.manager, rows[0].recipients)
		self.assertEqual(doc.escalation_level, 1)

	def test_handler_escalates_by_hand(self):
		frappe.set_user(self.user)
		doc = make_complaint()
		self.assertEqual(doc.escalate("Customer threatens to go to the press"), 1)
		rows = self.escalation_rows(doc.name)
		self.assertEqual((rows[0].is_manual, rows[0].escalated_by), (1, self.user))
		frappe.set_user(self.technician)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc("Complaint Record", doc.name).escalate("not mine to escalate")

	def test_policy_changed_mid_case(self):
		doc = self.backdate(make_complaint(), 2)
		before = get_datetime(doc.next_escalation_at)
		policy = frappe.get_doc("Escalation Policy", STANDARD)
		policy.levels[0].after_value = 10
		policy.save()
		try:
			doc.reload()
			self.assertEqual(get_datetime(doc.next_escalation_at), add_days(before, 5))
		finally:
			policy.reload()
			policy.levels[0].after_value = 5
			policy.save()
		doc.reload()
		self.assertEqual(get_datetime(doc.next_escalation_at), before)

	def test_overdue_cases_are_flagged(self):
		doc = self.backdate(make_complaint(), 16)
		self.assertEqual(doc.is_overdue, 1)
		fresh = make_complaint()
		frappe.db.set_value("Complaint Record", fresh.name, "deadline", add_to_date(now_datetime(), hours=-1))
		engine.mark_overdue("Complaint Record")
		self.assertEqual(frappe.db.get_value("Complaint Record", fresh.name, "is_overdue"), 1)

	# -------------------------------------------------------------- webhooks

	def test_webhook_is_signed_and_a_dead_endpoint_is_retried(self):
		received = []

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				body = self.rfile.read(int(self.headers["Content-Length"]))
				received.append((dict(self.headers), body))
				self.send_response(204)
				self.end_headers()

			def log_message(self, *args):
				pass

		server = HTTPServer(("127.0.0.1", 0), Handler)
		thread = threading.Thread(target=server.serve_forever, daemon=True)
		thread.start()
		dead = socket.socket()
		dead.bind(("127.0.0.1", 0))
		dead_port = dead.getsockname()[1]
		dead.close()
		try:
			settings = frappe.get_doc("After Sales Settings")
			settings.alert_webhook_url = f"http://127.0.0.1:{dead_port}/hook"
			settings.alert_webhook_secret = "s3cret"
			# a loopback address is refused unless a System Manager allows the host
			self.assertRaises(frappe.ValidationError, settings.save)
			settings = frappe.get_doc("After Sales Settings")
			settings.alert_webhook_url = f"http://127.0.0.1:{dead_port}/hook"
			settings.alert_webhook_secret = "s3cret"
			settings.webhook_allowed_hosts = "127.0.0.1"
			settings.save()
			doc = self.backdate(make_complaint(subject="Webhook case"), 6)
			errors_before = frappe.db.count("Error Log")
			escalation.sweep()
			self.assertEqual(self.escalation_rows(doc.name)[0].webhook_status, "Pending")
			# the sweep only queues the delivery: the queued job POSTs, after commit
			notify.deliver_webhooks(commit=False)
			rows = self.escalation_rows(doc.name)
			self.assertEqual(rows[0].webhook_status, "Failed")
			self.assertEqual(frappe.db.count("Error Log"), errors_before + 1)

			frappe.db.set_single_value(
				"After Sales Settings", "alert_webhook_url", f"http://127.0.0.1:{server.server_port}/hook"
			)
			escalation.sweep()
			self.assertFalse(received, "nothing is POSTed inside the sweep")
			notify.deliver_webhooks(commit=False)
			self.assertEqual(self.escalation_rows(doc.name)[0].webhook_status, "Sent")
			headers, body = received[-1]
			expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
			self.assertEqual(headers["X-Aftersales-Signature"], expected)
			payload = json.loads(body)
			self.assertTrue(payload["delivery_id"] and payload["sent_at"])
			event = next(e for e in payload["escalations"] if e["name"] == doc.name)
			self.assertEqual((event["to_level"], event["subject"]), (1, "Webhook case"))
			self.assertEqual(event["event_id"], self.escalation_rows(doc.name)[0].name)

			escalation.sweep()
			notify.deliver_webhooks(commit=False)
			self.assertEqual(len([b for _h, b in received if doc.name.encode() in b]), 1, "sent once")
		finally:
			server.shutdown()
			frappe.db.set_single_value("After Sales Settings", "alert_webhook_url", None)
			frappe.db.set_single_value("After Sales Settings", "webhook_allowed_hosts", None)

	# -------------------------------------------------------------- repeats and bad input

	def test_repeat_complaint_is_linked_and_raised(self):
		serial = frappe.get_doc(
			{"doctype": "Serial No", "serial_no": frappe.generate_hash(length=10), "item_code": SERIAL_ITEM}
		).insert()
		first = make_complaint(serial_no=serial.name)
		second = make_complaint(serial_no=serial.name)
		self.assertEqual((first.is_repeat, second.is_repeat), (0, 1))
		self.assertEqual(second.repeat_of, first.name)
		self.assertEqual(second.severity, "Written", "a repeat goes one step up from General")
		self.assertEqual(second.item_code, SERIAL_ITEM, "the item comes from the serial no")
		other_customer = make_complaint(item_code=SERIAL_ITEM, customer=make_customer("_AS Other Customer"))
		self.assertEqual(other_customer.is_repeat, 0)
		same_item = make_complaint(item_code=SERIAL_ITEM)
		self.assertEqual(
			(same_item.is_repeat, same_item.repeat_of), (1, second.name), "no serial: the item decides"
		)

	def assertStoresNothing(self, exception, **values):
		before = frappe.db.count("Complaint Record")
		with self.assertRaises(exception) as caught:
			make_complaint(**values)
		self.assertEqual(frappe.db.count("Complaint Record"), before)
		status = getattr(caught.exception, "http_status_code", 500)
		self.assertTrue(400 <= status < 500, f"{values} gave HTTP {status}, not a 4xx")
		return str(caught.exception)

	def test_bad_input_is_refused_with_a_message(self):
		message = self.assertStoresNothing(
			frappe.ValidationError,
			registered_on=add_days(now_datetime(), -1),
			deadline=add_days(now_datetime(), -2),
		)
		self.assertIn("Reply Deadline", message)

		serial = frappe.get_doc(
			{"doctype": "Serial No", "serial_no": frappe.generate_hash(length=10), "item_code": SERIAL_ITEM}
		).insert()
		frappe.db.set_value("Serial No", serial.name, "customer", make_customer("_AS Other Customer"))
		message = self.assertStoresNothing(frappe.ValidationError, serial_no=serial.name)
		self.assertIn("_AS Other Customer", message)

		for field, value in (
			("registered_on", "2026-02-30 10:00:00"),
			("households_affected", "three"),
			("amount", [1, 2]),
			("subject", "x" * 241),
			("complaint_category", "No Such Category"),
			("severity", "Catastrophic"),
		):
			self.assertStoresNothing(frappe.ValidationError, **{field: value})

	def test_text_is_stored_verbatim_and_rendered_escaped(self):
		text = "O'Brien said \"it's broken\" <script>alert('x')</script> '; DROP TABLE `tabUser`; --"
		doc = make_complaint(subject=text[:140], description=text, customer_demand=text)
		stored = frappe.db.get_value(
			"Complaint Record", doc.name, ["subject", "description", "customer_demand"]
		)
		self.assertEqual(stored, (text[:140], text, text))
		html = frappe.get_print("Complaint Record", doc.name)
		self.assertNotIn("<script>alert('x')</script>", html)
		self.assertIn("&lt;script&gt;", html)
