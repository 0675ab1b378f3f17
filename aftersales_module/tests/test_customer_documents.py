"""Documents the customer keeps: the Warranty Certificate (emailed when a unit is registered), the
Service Voucher of a repair and the Exchange Form. Each prints to a PDF with what users typed
escaped; the certificate's email is queued with its PDF, or recorded as not sent and why."""

import json
import os
import threading
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import frappe
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, get_url, nowdate

from aftersales_module.certificates import PRINT_FORMAT, email_certificate
from aftersales_module.tests.test_newcomer import with_outgoing_email, without_outgoing_email
from aftersales_module.tests.utils import (
	SERIAL_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_customer,
	make_delivery_note,
	make_outgoing_email_account,
	make_repair_job,
	make_user,
	make_warehouse,
	receive_serial_units,
	use_repair_settings,
	warehouse,
)

CUSTOMER = "_AS Certificate Customer"
NO_EMAIL_CUSTOMER = "_AS Certificate Customer Without Email"
EMAIL = "as-certificate-customer@example.com"
TYPED = '<script>alert("x")</script> & <b>bold</b>'
ESCAPED = "&lt;script&gt;alert("
# a 1x1 PNG, as the Signature field stores what the customer drew
SIGNATURE = (
	"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"
	"YPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def make_customer_with_email(name: str, email: str, language: str = "zh") -> str:
	"""A customer whose primary contact has an email (ERPNext fetches it onto the customer)."""
	make_customer(name)
	customer = frappe.get_doc("Customer", name)
	if not customer.customer_primary_contact:
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": name,
				"email_ids": [{"email_id": email, "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": name}],
			}
		).insert(ignore_permissions=True)
		customer.customer_primary_contact = contact.name
	customer.language = language
	customer.save(ignore_permissions=True)
	return name


def registration_of(note) -> frappe._dict:
	return frappe.get_all(
		"Warranty Registration",
		filters={"source_doctype": "Delivery Note", "source_name": note.name},
		fields=["name", "certificate_email_status", "certificate_email_error"],
	)[0]


def queued_for(registration: str) -> list[frappe._dict]:
	return frappe.get_all(
		"Email Queue",
		filters={"reference_doctype": "Warranty Registration", "reference_name": registration},
		fields=["name", "attachments", "status"],
	)


class QuietFiles(SimpleHTTPRequestHandler):
	def log_message(self, *args):
		pass


@contextmanager
def reachable_site_url():
	"""wkhtmltopdf loads the print stylesheet from the site's URL, which in production is the site's
	web server. A test has none running (and a bench site named like `test_site` has no DNS entry):
	while printing, the site's URL is a static file server over the bench's sites folder, on
	loopback, which serves /assets as the web server would."""
	server = ThreadingHTTPServer(
		("127.0.0.1", 0), partial(QuietFiles, directory=os.path.abspath(frappe.get_site_path("..")))
	)
	thread = threading.Thread(target=server.serve_forever, daemon=True)
	thread.start()
	previous = frappe.local.conf.get("host_name")
	frappe.local.conf.host_name = f"http://127.0.0.1:{server.server_address[1]}"
	try:
		yield
	finally:
		frappe.local.conf.host_name = previous
		server.shutdown()
		server.server_close()


def pdf_of(doctype: str, name: str, print_format: str) -> bytes:
	with reachable_site_url():
		return frappe.get_print(doctype, name, print_format=print_format, as_pdf=True)


def assert_pdf(case, pdf: bytes) -> None:
	case.assertTrue(pdf.startswith(b"%PDF"), "a PDF")


class TestCustomerDocuments(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_outgoing_email_account()
		make_customer_with_email(CUSTOMER, EMAIL)
		make_customer(NO_EMAIL_CUSTOMER)
		cls.user = make_user("as-cd-user@example.com", ["After Sales User"])
		cls.technician = make_user("as-cd-tech@example.com", ["Service Technician"])

	def setUp(self):
		self.turned_off = []

	def tearDown(self):
		frappe.set_user("Administrator")
		frappe.flags.in_import = False
		with_outgoing_email(self.turned_off)

	def deliver(self, customer: str = CUSTOMER):
		serial = receive_serial_units(1)
		return make_delivery_note(SERIAL_ITEM, 1, serial, customer=customer)

	# ------------------------------------------------------------ Warranty Certificate

	def test_the_certificate_prints_with_typed_text_escaped(self):
		registration = registration_of(self.deliver()).name
		frappe.db.set_value("Warranty Registration", registration, "customer_name", TYPED)
		html = frappe.get_print("Warranty Registration", registration, print_format=PRINT_FORMAT)
		self.assertNotIn("<script>alert", html)
		self.assertIn(ESCAPED, html, "the customer's name is printed, escaped")
		self.assertIn(registration, html, "the certificate number is the registration's")
		self.assertIn(TEST_COMPANY, html)
		assert_pdf(self, pdf_of("Warranty Registration", registration, PRINT_FORMAT))

	def test_a_new_registration_queues_the_certificate_with_its_pdf_in_the_customers_language(self):
		row = registration_of(self.deliver())
		self.assertEqual((row.certificate_email_status, row.certificate_email_error), ("Queued", None))
		queued = queued_for(row.name)
		self.assertEqual(len(queued), 1)
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": queued[0].name}, pluck="recipient"
		)
		self.assertEqual(recipients, [EMAIL])
		[attachment] = json.loads(queued[0].attachments)
		self.assertEqual(
			(attachment["print_format"], attachment["name"], attachment["lang"]),
			(PRINT_FORMAT, row.name, "zh"),
			"the certificate, printed in the customer's language when the queue sends",
		)
		attachment.pop("print_format_attachment")
		with reachable_site_url():
			pdf = frappe.attach_print(**attachment)
		self.assertTrue(pdf["fname"].endswith(".pdf"))
		assert_pdf(self, pdf["fcontent"])

	def test_without_an_outgoing_account_the_registration_records_why_nothing_was_sent(self):
		self.turned_off = without_outgoing_email()
		row = registration_of(self.deliver())
		self.assertEqual(row.certificate_email_status, "Not Sent")
		self.assertIn("Email Account", row.certificate_email_error)
		self.assertEqual(queued_for(row.name), [])

	def test_a_customer_without_email_gets_nothing_and_the_registration_says_so(self):
		row = registration_of(self.deliver(NO_EMAIL_CUSTOMER))
		self.assertEqual(row.certificate_email_status, "Not Sent")
		self.assertIn("email address", row.certificate_email_error)
		self.assertEqual(queued_for(row.name), [])

	def test_registrations_made_by_data_import_are_not_emailed(self):
		frappe.flags.in_import = True
		registration = frappe.get_doc(
			{
				"doctype": "Warranty Registration",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"start_date": add_days(nowdate(), -30),
				"warranty_days": 365,
				"status": "Active",  # Data Import sets no defaults
			}
		).insert()
		frappe.flags.in_import = False
		self.assertEqual(queued_for(registration.name), [])
		self.assertEqual(
			frappe.db.get_value("Warranty Registration", registration.name, "certificate_email_status"),
			"Not Sent",
		)

	def test_email_certificate_sends_it_again_for_a_user_not_for_a_technician(self):
		registration = registration_of(self.deliver()).name
		frappe.set_user(self.technician)
		with self.assertRaises(frappe.PermissionError):
			email_certificate(registration)
		frappe.set_user(self.user)
		self.assertEqual(email_certificate(registration), {"status": "Queued", "error": ""})
		frappe.set_user("Administrator")
		self.assertEqual(len(queued_for(registration)), 2)

		self.turned_off = without_outgoing_email()
		frappe.set_user(self.user)
		result = email_certificate(registration)
		self.assertEqual(result["status"], "Not Sent")
		self.assertEqual(
			frappe.db.get_value("Warranty Registration", registration, "certificate_email_error"),
			result["error"],
		)

	def test_a_plain_save_cannot_set_the_email_status(self):
		registration = frappe.get_doc("Warranty Registration", registration_of(self.deliver()).name)
		registration.certificate_email_status = "Not Sent"
		with self.assertRaises(frappe.PermissionError):
			registration.save()

	# ------------------------------------------------------------ Service Voucher

	def test_the_service_voucher_prints_parts_labour_price_and_the_signature(self):
		job = make_repair_job(
			reported_symptom=TYPED, site_finding="Seal worn", labour=[{"activity": TYPED, "hours": 1.5}]
		)
		frappe.db.set_value("Repair Job", job.name, "reported_symptom", TYPED)
		frappe.db.set_value("Repair Job Labour", job.labour[0].name, "activity", TYPED)
		frappe.db.set_value("Repair Job", job.name, "customer_signature", SIGNATURE)
		html = frappe.get_print("Repair Job", job.name, print_format="Service Voucher")
		self.assertNotIn("<script>alert", html)
		self.assertEqual(html.count(ESCAPED), 2, "the symptom and the work done, escaped")
		self.assertIn(f'<img src="{SIGNATURE}"', html, "the customer's signature")
		self.assertIn("Seal worn", html)
		self.assertIn(job.parts[0].item_code, html)
		job.reload()
		self.assertIn(job.get_formatted("total_price"), html)
		assert_pdf(self, pdf_of("Repair Job", job.name, "Service Voucher"))

		frappe.db.set_value("Repair Job", job.name, "customer_signature", 'javascript:alert(1)" onerror="x')
		html = frappe.get_print("Repair Job", job.name, print_format="Service Voucher")
		self.assertNotIn("<img", html.split('class="signature"')[-1], "only an image is drawn")

	# ------------------------------------------------------------ Exchange Form

	def test_the_exchange_form_prints_each_signature_and_when(self):
		frappe.db.set_single_value("After Sales Settings", "returns_warehouse", make_warehouse("_AS Returns"))
		handler = make_user("as-cd-handler@example.com", ["After Sales User"])
		regional = make_user("as-cd-regional@example.com", ["Regional Manager"])
		faulty, new = receive_serial_units(2)
		make_delivery_note(SERIAL_ITEM, 1, [faulty], customer=CUSTOMER)
		frappe.set_user(handler)
		exchange = frappe.get_doc(
			{
				"doctype": "Product Exchange",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"faulty_serial_no": faulty,
				"replacement_serial_no": new,
				"warehouse": warehouse(),
				"reason": "Motor burnt out",
			}
		).insert()
		apply_workflow(exchange.as_dict(), "Send for Approval")
		frappe.set_user(regional)
		apply_workflow(frappe.get_doc("Product Exchange", exchange.name).as_dict(), "Approve")
		frappe.set_user("Administrator")
		frappe.db.set_value("Product Exchange", exchange.name, "reason", TYPED)

		html = frappe.get_print("Product Exchange", exchange.name, print_format="Exchange Form")
		self.assertNotIn("<script>alert", html)
		self.assertIn(ESCAPED, html, "the reason is printed, escaped")
		for user in (handler, regional):
			self.assertIn(frappe.utils.get_fullname(user), html)
		signed_on = frappe.get_all(
			"Comment",
			filters={"reference_name": exchange.name, "comment_type": "Workflow", "owner": regional},
			pluck="creation",
		)
		self.assertEqual(len(signed_on), 1)
		self.assertIn(
			frappe.format(signed_on[0], {"fieldtype": "Datetime"}), html, "when the regional manager signed"
		)
		assert_pdf(self, pdf_of("Product Exchange", exchange.name, "Exchange Form"))
