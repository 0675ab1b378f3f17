"""Survey by link (issue 18): the customer answers a return visit on a signed, expiring link that
works once, through the same controller path as staff; coverage counts self-service answers."""

import email
import re
from datetime import timedelta
from unittest.mock import patch
from urllib.parse import unquote

import frappe
from frappe.utils import add_days, add_months, getdate, nowdate, set_request
from frappe.website.serve import get_response

from aftersales_module import survey
from aftersales_module.aftersales_module.report.return_visit_coverage import return_visit_coverage
from aftersales_module.policy import visits as policy
from aftersales_module.tests.test_newcomer import with_outgoing_email, without_outgoing_email
from aftersales_module.tests.utils import (
	CUSTOMER,
	AfterSalesTestCase,
	make_employee,
	make_user,
	use_repair_settings,
)
from aftersales_module.tests.visit_utils import completed_job, forget_work_of, use_visit_settings, visits_of

TECHNICIAN = "as-sl-tech@example.com"
MANAGER = "as-sl-manager@example.com"
CUSTOMER_EMAIL = "as-sl-customer@example.com"
GOOD = {
	"rating_attitude": "Excellent",
	"rating_skill": "Good",
	"rating_punctuality": "Good",
	"rating_result": "Excellent",
}
POOR = {**GOOD, "rating_punctuality": "Poor"}
PAYLOAD = '<img src=x onerror=alert(1)> "late" & <script>alert(2)</script>'


def email_token(visit: str) -> str:
	"""The survey token in the newest email queued for the visit."""
	raw = frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Return Visit", "reference_name": visit},
		pluck="message",
		order_by="creation desc",
		limit=1,
	)[0]
	bodies = [
		part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
		for part in email.message_from_string(raw).walk()
		if part.get_content_type() == "text/html"
	]
	return unquote(re.search(r"/survey\?t=([A-Za-z0-9_.%=-]+)", "".join(bodies)).group(1))


def render(token: str):
	"""The survey page as a guest's browser gets it."""
	frappe.set_user("Guest")
	set_request(method="GET", path="/survey", query_string=f"t={token}")
	frappe.local.form_dict = frappe._dict(t=token)
	try:
		response = get_response()
	finally:
		frappe.set_user("Administrator")
		frappe.local.request = None
	return response.status_code, response.get_data(as_text=True)


class TestSurveyLink(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_user(TECHNICIAN, ["Service Technician"])
		make_employee(TECHNICIAN)
		make_user(MANAGER, ["After Sales Manager"])
		make_user("as-sl-stranger@example.com", ["Service Technician"])

	def setUp(self):
		use_repair_settings()
		use_visit_settings()
		forget_work_of([TECHNICIAN])
		frappe.db.set_value("Customer", CUSTOMER, {"email_id": CUSTOMER_EMAIL, "language": "en"})
		self.job = completed_job(TECHNICIAN)
		self.visit = visits_of("Repair Job", self.job.name)[0].name  # the satisfaction call

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.local.lang = "en"

	def send(self, via="Email", user=MANAGER) -> dict:
		frappe.set_user(user)
		try:
			return survey.send_survey_link(self.visit, via)
		finally:
			frappe.set_user("Administrator")

	def link(self) -> str:
		self.assertEqual(self.send(), {"status": "Queued", "error": None})
		return email_token(self.visit)

	def answer(self, token, ratings=GOOD, suggestions=None):
		frappe.set_user("Guest")
		try:
			return survey.submit_survey(t=token, suggestions=suggestions, **ratings)
		finally:
			frappe.set_user("Administrator")

	def answer_over_http(self, token, ratings=GOOD, suggestions=None, ip=None):
		"""As Frappe's /api/method handler runs it for a guest's POST (its form sanitizing included)."""
		from frappe.handler import execute_cmd

		frappe.set_user("Guest")
		set_request(method="POST", path="/api/method/aftersales_module.survey.submit_survey")
		frappe.local.request_ip = ip or f"10.{frappe.utils.random_string(6)}"
		frappe.local.form_dict = frappe._dict(t=token, suggestions=suggestions, **ratings)
		try:
			return execute_cmd("aftersales_module.survey.submit_survey")
		finally:
			frappe.set_user("Administrator")
			frappe.local.request = None
			frappe.local.form_dict = frappe._dict()

	def complaints(self) -> list[str]:
		return frappe.get_all("Complaint Record", filters={"return_visit": self.visit}, pluck="name")

	# ------------------------------------------------------------ answering
	def test_a_link_answers_the_visit_once_as_self_service(self):
		token = self.link()
		row = frappe.db.get_value(
			"Return Visit",
			self.visit,
			["survey_send_status", "survey_sent_on", "survey_token_hash"],
			as_dict=True,
		)
		self.assertEqual(row.survey_send_status, "Queued")
		self.assertTrue(row.survey_sent_on and row.survey_token_hash)
		self.assertNotIn(row.survey_token_hash, token)  # only a hash of the nonce is stored
		recipients = frappe.get_all(
			"Email Queue Recipient",
			filters={
				"parent": ("in", frappe.get_all("Email Queue", {"reference_name": self.visit}, pluck="name"))
			},
			pluck="recipient",
		)
		self.assertEqual(recipients, [CUSTOMER_EMAIL])

		status, html = render(token)
		self.assertEqual(status, 200)
		for fieldname in policy.RATING_FIELDS:
			self.assertIn(f'name="{fieldname}"', html)

		result = self.answer(token, suggestions="Call before coming")
		self.assertFalse(result["complaint"])
		visit = frappe.get_doc("Return Visit", self.visit)
		self.assertEqual(visit.status, "Done")
		self.assertEqual(visit.answer_channel, "Self-Service")
		self.assertEqual(visit.contact_method, "Email")
		self.assertTrue(visit.reached and visit.satisfied and visit.survey_answered_on)
		self.assertEqual(visit.average_rating, 3.5)
		self.assertEqual(visit.suggestions, "Call before coming")
		self.assertFalse(visit.survey_token_hash)

		# the same link again: refused with a 4xx, and the page says it was already answered
		with self.assertRaises(survey.SurveyLinkRefused):
			self.answer(token, POOR)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "rating_punctuality"), "Good")
		self.assertEqual(survey.SurveyLinkRefused.http_status_code, 410)
		status, html = render(token)
		self.assertEqual(status, 410)
		self.assertIn("already answered", html)
		self.assertNotIn('name="rating_attitude"', html)
		self.assertEqual(self.complaints(), [])

	def test_a_link_handed_over_on_site_answers_once(self):
		frappe.set_user(MANAGER)
		handed = survey.survey_link(self.visit)
		frappe.set_user("Administrator")
		self.assertTrue(handed["qr_svg"], "staff show it as a QR code")
		token = unquote(handed["url"].split("t=", 1)[1])
		self.answer(token)
		row = frappe.db.get_value(
			"Return Visit", self.visit, ["status", "answer_channel", "contact_method"], as_dict=True
		)
		self.assertEqual(
			(row.status, row.answer_channel, row.contact_method), ("Done", "Self-Service", "On-site Visit")
		)
		with self.assertRaises(frappe.ValidationError):
			self.answer(token)  # once
		frappe.set_user("as-sl-stranger@example.com")
		with self.assertRaises(frappe.PermissionError):
			survey.survey_link(self.visit)

	def test_a_staff_answer_is_recorded_as_staff(self):
		token = self.link()
		visit = frappe.get_doc("Return Visit", self.visit)
		visit.update({**GOOD, "reached": 1})
		visit.save()
		self.assertEqual(visit.answer_channel, "Staff")
		with self.assertRaises(survey.SurveyLinkRefused):
			self.answer(token)

	def test_a_poor_answer_opens_one_service_complaint(self):
		token = self.link()
		result = self.answer_over_http(token, POOR, suggestions=PAYLOAD)
		self.assertTrue(result["complaint"])
		with self.assertRaises(survey.SurveyLinkRefused):
			self.answer(token, POOR)
		complaints = self.complaints()
		self.assertEqual(len(complaints), 1)
		complaint = frappe.get_doc("Complaint Record", complaints[0])
		self.assertEqual(
			(complaint.complaint_type, complaint.repair_job, complaint.customer, complaint.channel),
			("Service", self.job.name, CUSTOMER, "Email"),
		)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "complaint"), complaint.name)
		# the customer's text is kept as typed, and shown escaped
		visit = frappe.get_doc("Return Visit", self.visit)
		self.assertEqual(visit.suggestions, PAYLOAD)
		self.assertIn(PAYLOAD, complaint.description)
		self.assertNotIn("<script", visit.get_formatted("suggestions"))

	def test_an_incomplete_answer_is_refused_and_the_link_still_works(self):
		token = self.link()
		with self.assertRaises(frappe.ValidationError):
			self.answer(token, {**GOOD, "rating_result": ""})
		with self.assertRaises(frappe.ValidationError):
			self.answer(token, {**GOOD, "rating_result": "Superb"})
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "status"), "Open")
		self.answer(token)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "status"), "Done")

	def test_answers_are_rate_limited_per_address(self):
		ip = f"10.{frappe.utils.random_string(6)}"
		for _attempt in range(survey.ANSWERS_PER_HOUR):
			with self.assertRaises(survey.SurveyLinkInvalid):
				self.answer_over_http("garbage", ip=ip)
		with self.assertRaises(frappe.RateLimitExceededError):
			self.answer_over_http("garbage", ip=ip)

	# ------------------------------------------------------------ refused links
	def test_a_tampered_link_is_refused(self):
		token = self.link()
		encoded, signature = token.rsplit(".", 1)
		other = visits_of("Repair Job", self.job.name)[1].name
		forged_payload = survey.base64.urlsafe_b64encode(
			survey.base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).replace(
				self.visit.encode(), other.encode()
			)
		).decode()
		flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
		for bad in (f"{forged_payload}.{signature}", f"{encoded}.{flipped}", "garbage", "", "a" * 5000):
			with self.assertRaises(survey.SurveyLinkInvalid, msg=bad[:40]):
				self.answer(bad)
			status, html = render(bad)
			self.assertEqual(status, 403)
			self.assertIn("not valid", html)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "status"), "Open")
		self.assertEqual(frappe.db.get_value("Return Visit", other, "status"), "Open")

	def test_an_expired_link_is_refused(self):
		token = self.link()
		with self.freeze_time(self.now + timedelta(days=policy.SURVEY_LINK_DAYS, minutes=5)):
			with self.assertRaises(survey.SurveyLinkRefused):
				self.answer(token)
			status, html = render(token)
		self.assertEqual(status, 410)
		self.assertIn("expired", html)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "status"), "Open")
		# the day before it expires, it works
		with self.freeze_time(self.now + timedelta(days=policy.SURVEY_LINK_DAYS - 1)):
			self.answer(token)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "status"), "Done")

	def test_a_newer_link_replaces_the_older(self):
		old = self.link()
		new = self.link()
		self.assertNotEqual(old, new)
		with self.assertRaises(survey.SurveyLinkRefused):
			self.answer(old)
		self.answer(new)

	# ------------------------------------------------------------ sending
	def test_without_outgoing_email_the_send_records_not_sent(self):
		accounts = without_outgoing_email()
		try:
			result = self.send()
		finally:
			with_outgoing_email(accounts)
		self.assertEqual(result["status"], "Not Sent")
		self.assertIn("No outgoing Email Account", result["error"])
		row = frappe.db.get_value(
			"Return Visit",
			self.visit,
			["survey_send_status", "survey_send_error", "survey_token_hash"],
			as_dict=True,
		)
		self.assertEqual(row.survey_send_status, "Not Sent")
		self.assertIn("No outgoing Email Account", row.survey_send_error)
		self.assertFalse(row.survey_token_hash)  # no link went out, none works

	def test_a_customer_without_email_is_not_sent_to(self):
		frappe.db.set_value("Customer", CUSTOMER, "email_id", None)
		result = self.send()
		self.assertEqual(result["status"], "Not Sent")
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "survey_send_status"), "Not Sent")

	def test_sms_is_queued_after_commit_only_where_sms_is_set_up(self):
		frappe.db.set_single_value("SMS Settings", "sms_gateway_url", "")
		frappe.db.set_value("Return Visit", self.visit, "contact_phone", "+8613800000000")
		result = self.send("SMS")
		self.assertEqual(result["status"], "Not Sent")
		self.assertIn("SMS Settings", result["error"])

		frappe.db.set_single_value("SMS Settings", "sms_gateway_url", "https://sms.invalid/send")
		with patch.object(frappe, "enqueue") as enqueue:
			result = self.send("SMS")
		self.assertEqual(result, {"status": "Queued", "error": None})
		enqueue.assert_called_once()
		args, kwargs = enqueue.call_args
		self.assertEqual(args[0], "frappe.core.doctype.sms_settings.sms_settings.send_sms")
		self.assertTrue(kwargs["enqueue_after_commit"])
		self.assertEqual(kwargs["receiver_list"], ["+8613800000000"])
		token = unquote(re.search(r"/survey\?t=(\S+)", kwargs["msg"]).group(1))
		self.answer(token)
		self.assertEqual(frappe.db.get_value("Return Visit", self.visit, "contact_method"), "SMS")

	def test_only_staff_send_links(self):
		frappe.set_user("Guest")
		with self.assertRaises(frappe.PermissionError):
			survey.send_survey_link(self.visit)
		frappe.set_user("Administrator")
		self.link()
		visit = frappe.get_doc("Return Visit", self.visit)
		visit.update({**GOOD, "reached": 1})
		visit.save()
		with self.assertRaises(frappe.ValidationError):
			self.send()

	# ------------------------------------------------------------ language, coverage
	def test_the_page_speaks_the_customers_language(self):
		frappe.db.set_value("Customer", CUSTOMER, "language", "zh")
		status, html = render(self.link())
		self.assertEqual(status, 200)
		self.assertIn('lang="zh"', html)
		self.assertIn("服务态度", html)  # Service Attitude, from zh.po

	def test_coverage_counts_self_service_answers(self):
		calls = [self.visit]
		second_job = completed_job(TECHNICIAN)
		calls.append(visits_of("Repair Job", second_job.name)[0].name)
		self.answer(self.link())  # the customer answers the first call
		staff = frappe.get_doc("Return Visit", calls[1])
		staff.update({**GOOD, "reached": 1})
		staff.save()
		month_day = add_months(getdate(nowdate()), -1).replace(day=10)
		for name in calls:
			frappe.db.set_value("Return Visit", name, "due_date", month_day)
		_columns, rows, *_ = return_visit_coverage.execute(
			{
				"technician": TECHNICIAN,
				"visit_kind": "Satisfaction Call",
				"from_date": add_months(nowdate(), -12),
				"to_date": add_days(nowdate(), 30),
			}
		)
		self.assertEqual(len(rows), 1, rows)
		self.assertEqual((rows[0]["due"], rows[0]["visited"], rows[0]["self_service"]), (2, 2, 1))
		self.assertIn("self_service", [c["fieldname"] for c in _columns])
