"""Text a user typed never reaches HTML unescaped. The escalation engine writes its rows with bulk SQL
(no Frappe sanitizing): a complaint with markup in every free-text field is escalated, then every
row it wrote (escalation log, ToDo, Notification Log), the digest email, the webhook body and the
Standard print format are read back: no `<` of the user's survives unescaped."""

import email
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import frappe

from aftersales_module.escalation import notify
from aftersales_module.tests.utils import AfterSalesTestCase, make_complaint, make_user

PAYLOAD = '<img src=x onerror=alert(1)>"quoted" & <script>alert(2)</script>'
# The user's markup as a browser would run it: an unescaped tag with its handler, or a script.
MARKUP = ("<img src=x onerror", "<script>alert")


def free_text_fields(doctype: str) -> list[str]:
	"""Every field a user types free text into: Data without options, Small Text, Text."""
	return [
		df.fieldname
		for df in frappe.get_meta(doctype).fields
		if df.fieldtype in ("Data", "Small Text", "Text")
		and not df.options
		and not df.read_only
		and not df.hidden
		and df.fieldname != "naming_series"
	]


def html_parts(raw: str) -> list[str]:
	"""The decoded text/html bodies of a queued email."""
	message = email.message_from_string(raw)
	return [
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in message.walk()
		if part.get_content_type() == "text/html"
	]


class TestEscaping(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.user = make_user("as-esc-user@example.com", ["After Sales User"])
		cls.manager = make_user("as-esc-manager@example.com", ["After Sales Manager"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def assertEscaped(self, where, text):
		for markup in MARKUP:
			at = (text or "").find(markup)
			self.assertEqual(
				at, -1, f"{where} carries the user's markup unescaped: {(text or '')[at - 80 : at + 80]!r}"
			)

	def test_everything_the_escalation_writes_is_escaped(self):
		received = []

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				received.append(self.rfile.read(int(self.headers["Content-Length"])))
				self.send_response(204)
				self.end_headers()

			def log_message(self, *args):
				pass

		server = HTTPServer(("127.0.0.1", 0), Handler)
		threading.Thread(target=server.serve_forever, daemon=True).start()
		settings = frappe.get_doc("After Sales Settings")
		settings.alert_webhook_url = f"http://127.0.0.1:{server.server_port}/hook"
		settings.webhook_allowed_hosts = "127.0.0.1"
		settings.save()
		try:
			fields = free_text_fields("Complaint Record")
			self.assertIn("subject", fields)
			self.assertGreater(len(fields), 8)
			email_queue_before = frappe.get_all("Email Queue", pluck="name")
			frappe.set_user(self.user)
			doc = make_complaint(severity="Major", **{f: PAYLOAD for f in fields})
			# a manual escalation carries the handler's own words too
			doc.reload()
			doc.escalate(reason=PAYLOAD)
			frappe.set_user("Administrator")
			meta = frappe.get_meta("Complaint Record")
			for fieldname in fields:
				stored = frappe.db.get_value("Complaint Record", doc.name, fieldname)
				if meta.get_field(fieldname).ignore_xss_filter:
					self.assertEqual(stored, PAYLOAD, "kept verbatim, as typed")
				else:
					self.assertEscaped(f"{fieldname}, sanitized by Frappe", stored)

			logs = frappe.get_all(
				"Complaint Record Escalation",
				filters={"parent": doc.name},
				fields=["level_label", "recipients", "reason", "channels"],
			)
			self.assertGreaterEqual(len(logs), 2, "escalated at registration and by hand")
			for row in logs:
				for fieldname, value in row.items():
					self.assertEscaped(f"escalation log {fieldname}", value)
			self.assertTrue(any("&lt;img" in row.reason for row in logs), "the reason is kept, escaped")

			todos = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Complaint Record", "reference_name": doc.name},
				pluck="description",
			)
			notifications = frappe.get_all(
				"Notification Log",
				filters={"document_type": "Complaint Record", "document_name": doc.name},
				fields=["subject", "email_content"],
			)
			self.assertTrue(todos and notifications, "the escalation assigned and notified")
			for text in todos:
				self.assertEscaped("ToDo description", text)
				self.assertIn("&lt;img", text)
			for row in notifications:
				self.assertEscaped("Notification Log subject", row.subject)
				self.assertEscaped("Notification Log content", row.email_content)

			digests = frappe.get_all(
				"Email Queue", filters={"name": ("not in", email_queue_before or [""])}, pluck="message"
			)
			bodies = [body for raw in digests for body in html_parts(raw) if doc.name in body]
			self.assertTrue(bodies, "a digest email was queued")
			for body in bodies:
				self.assertEscaped("digest email", body)

			notify.deliver_webhooks(commit=False)
			self.assertTrue(received, "the webhook was delivered")
			for body in received:
				payload = json.loads(body)
				for event in payload["escalations"]:
					for key, value in event.items():
						if isinstance(value, str):
							self.assertEscaped(f"webhook {key}", value)

			html = frappe.get_print(
				"Complaint Record",
				doc.name,
				print_format="Standard",
				doc=frappe.get_doc("Complaint Record", doc.name),
			)
			self.assertIn("&lt;img", html)
			self.assertEscaped("Standard print format", html)
		finally:
			server.shutdown()
			frappe.db.set_single_value("After Sales Settings", "alert_webhook_url", None)
			frappe.db.set_single_value("After Sales Settings", "webhook_allowed_hosts", None)
