"""The customer portal over HTTP, through Frappe's own WSGI application (werkzeug's test client, as
Frappe's API tests drive it): each portal user sees only their own customer's units and cases, never
an internal field, and another customer's record is refused by page and by API.

Requests run on their own database connection, so the records are committed, under names unique to
this run, and removed afterwards."""

import base64
import json

import frappe
from frappe.tests.test_api import make_request
from frappe.utils import get_test_client, get_url

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.tests.utils import (
	SERIAL_ITEM,
	AfterSalesTestCase,
	make_customer,
	make_delivery_note,
	make_repair_job,
	make_user,
	receive_serial_units,
	use_repair_settings,
)

PASSWORD = "Portal-Test-Pass-2026!"
# one pixel, a real PNG
PHOTO = (
	"data:image/png;base64,"
	+ base64.b64encode(
		bytes.fromhex(
			"89504e470d0a1a0a0000000d4948445200000001000000010806000000"
			"1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
		)
	).decode()
)
INTERNAL = (
	"company_fault",
	"fault_degree",
	"escalation_log",
	"handler",
	"responsible_employee",
	"total_cost",
)


class PortalClient:
	"""One logged-in browser: its own cookie jar."""

	def __init__(self, user: str | None):
		self.client = get_test_client()
		if user:
			response = self.post("/api/method/login", {"usr": user, "pwd": PASSWORD})
			assert response.status_code == 200, response.text

	def url(self, path: str) -> str:
		return get_url(path)

	def get(self, path: str, **kwargs):
		return fresh(make_request(target=self.client.get, args=(self.url(path),), kwargs=kwargs))

	def post(self, path: str, data: dict):
		return fresh(make_request(target=self.client.post, args=(self.url(path),), kwargs={"json": data}))


def fresh(response):
	"""End the test's own read snapshot, so that it sees what the request committed."""
	frappe.db.rollback()
	return response


def portal_user(email: str, customer: str) -> str:
	user = make_user(email, ["Customer"], user_type="Website User")
	from frappe.utils.password import update_password

	update_password(user, PASSWORD)
	doc = frappe.get_doc("Customer", customer)
	if user not in [row.user for row in doc.get("portal_users")]:
		doc.append("portal_users", {"user": user})
		doc.save(ignore_permissions=True)
	return user


class TestCustomerPortal(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		run = frappe.generate_hash(length=6)
		cls.mine, cls.theirs = (
			make_customer(f"_AS Portal Mine {run}"),
			make_customer(f"_AS Portal Theirs {run}"),
		)
		cls.me = portal_user(f"as-portal-me-{run}@example.com", cls.mine)
		cls.them = portal_user(f"as-portal-them-{run}@example.com", cls.theirs)
		my_serial, their_serial = receive_serial_units(2)
		make_delivery_note(SERIAL_ITEM, 1, [my_serial], customer=cls.mine)
		make_delivery_note(SERIAL_ITEM, 1, [their_serial], customer=cls.theirs)
		cls.my_serial, cls.their_serial = my_serial, their_serial
		cls.my_unit = frappe.db.get_value("Warranty Registration", {"serial_no": my_serial})
		cls.their_unit = frappe.db.get_value("Warranty Registration", {"serial_no": their_serial})
		cls.their_complaint = frappe.get_doc(
			{
				"doctype": "Complaint Record",
				"company": frappe.db.get_value("Warranty Registration", cls.their_unit, "company"),
				"customer": cls.theirs,
				"subject": f"Their secret {run}",
				"channel": "Phone",
			}
		).insert(ignore_permissions=True)
		technician = make_user("as-portal-tech@example.com", ["Service Technician"])
		cls.my_job = make_repair_job(
			customer=cls.mine, parts=[], labour=[], technicians=[{"user": technician}]
		)
		cls.their_job = make_repair_job(
			customer=cls.theirs, parts=[], labour=[], technicians=[{"user": technician}]
		)
		for job in (cls.my_job, cls.their_job):
			for status in ("Dispatched", "In Progress", "Completed"):
				set_status(job.name, status)
		frappe.db.commit()  # the requests read on their own connection

	@classmethod
	def tearDownClass(cls):
		frappe.db.rollback()
		for doctype, filters in (
			("File", {"attached_to_doctype": ("in", ("Complaint Record", "Product Warranty Claim"))}),
		):
			for name in frappe.get_all(
				doctype, filters={**filters, "owner": ("in", (cls.me, cls.them))}, pluck="name"
			):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		for doctype in ("Complaint Record", "Product Warranty Claim"):
			for name in frappe.get_all(
				doctype, filters={"customer": ("in", (cls.mine, cls.theirs))}, pluck="name"
			):
				frappe.delete_doc(doctype, name, force=True, ignore_permissions=True)
		frappe.db.commit()
		super().tearDownClass()

	def setUp(self):
		# Frappe's rate limit counts per IP, and every test request comes from the same one
		frappe.cache.delete_keys("rl:aftersales_module.portal")
		self.browser = PortalClient(self.me)

	def test_a_flood_of_complaints_is_cut_off(self):
		statuses = [
			self.browser.post(
				"/api/method/aftersales_module.portal.register_complaint",
				{"subject": f"Flood {i}", "description": "Again"},
			).status_code
			for i in range(11)
		]
		self.assertEqual(statuses, [200] * 10 + [429])

	def test_a_guest_is_sent_to_log_in(self):
		response = PortalClient(None).get("/after-sales")
		self.assertIn(response.status_code, (301, 302, 303, 307))
		self.assertIn("/login", response.headers["Location"])

	def test_the_page_shows_my_units_and_cases_only(self):
		response = self.browser.get("/after-sales")
		self.assertEqual(response.status_code, 200)
		page = response.get_data(as_text=True)
		self.assertIn(self.my_serial, page)
		self.assertIn(self.my_job.name, page)
		self.assertNotIn(self.their_serial, page)
		self.assertNotIn(self.their_complaint.subject, page)
		self.assertNotIn(self.their_job.name, page)

	def test_the_json_holds_no_internal_field(self):
		response = self.browser.get("/api/method/aftersales_module.portal.get_my_after_sales")
		self.assertEqual(response.status_code, 200)
		data = response.json["message"]
		self.assertEqual([u["serial_no"] for u in data["units"]], [self.my_serial])
		self.assertEqual([j["name"] for j in data["jobs"]], [self.my_job.name])
		text = json.dumps(data)
		for field in INTERNAL:
			self.assertNotIn(f'"{field}"', text)
		self.assertTrue(all(j["next_step"] for j in data["jobs"]))

	def test_a_complaint_with_a_photo_is_registered_and_listed(self):
		response = self.browser.post(
			"/api/method/aftersales_module.portal.register_complaint",
			{
				"subject": "Noise <script>alert(1)</script>",
				"description": "It rattles",
				"serial_no": self.my_serial,
				"photos": [{"filename": "noise.png", "data": PHOTO}],
			},
		)
		self.assertEqual(response.status_code, 200, response.text)
		name = response.json["message"]
		complaint = frappe.db.get_value(
			"Complaint Record", name, ["customer", "serial_no", "channel"], as_dict=True
		)
		self.assertEqual(
			(complaint.customer, complaint.serial_no, complaint.channel),
			(self.mine, self.my_serial, "Portal"),
		)
		self.assertEqual(
			frappe.db.get_value("File", {"attached_to_name": name}, ["is_private", "file_name"]),
			(1, "noise.png"),
		)
		page = self.browser.get("/after-sales").get_data(as_text=True)
		self.assertIn(name, page)
		self.assertNotIn("<script>alert(1)</script>", page, "what the customer typed is escaped")

	def test_another_customers_unit_or_record_is_refused(self):
		claim = self.browser.post(
			"/api/method/aftersales_module.portal.register_warranty_claim",
			{"serial_no": self.their_serial, "symptom": "Broken"},
		)
		self.assertEqual(claim.status_code, 404)
		certificate = self.browser.get(
			f"/api/method/aftersales_module.portal.warranty_certificate?name={self.their_unit}"
		)
		self.assertEqual(certificate.status_code, 404)
		sign = self.browser.post(
			"/api/method/aftersales_module.portal.sign_repair_job",
			{"name": self.their_job.name, "signature": PHOTO},
		)
		self.assertEqual(sign.status_code, 404)
		rest = self.browser.get(f"/api/resource/Complaint Record/{self.their_complaint.name}")
		self.assertIn(rest.status_code, (403, 404))
		self.assertNotIn(self.their_complaint.subject, rest.get_data(as_text=True))
		listed = self.browser.get("/api/resource/Repair Job", query_string={"fields": '["name"]'})
		self.assertNotIn(self.their_job.name, listed.get_data(as_text=True))

	def test_my_warranty_claim_and_certificate(self):
		response = self.browser.post(
			"/api/method/aftersales_module.portal.register_warranty_claim",
			{"serial_no": self.my_serial, "symptom": "Does not start"},
		)
		self.assertEqual(response.status_code, 200, response.text)
		claim = frappe.db.get_value(
			"Product Warranty Claim", response.json["message"], ["customer", "docstatus"]
		)
		self.assertEqual(claim, (self.mine, 0))
		pdf = self.browser.get(
			f"/api/method/aftersales_module.portal.warranty_certificate?name={self.my_unit}"
		)
		self.assertEqual(pdf.status_code, 200)
		self.assertTrue(pdf.data.startswith(b"%PDF"))

	def test_i_sign_my_completed_job_once(self):
		page = self.browser.get("/after-sales").get_data(as_text=True)
		self.assertIn(f'data-job="{self.my_job.name}"', page, "a completed job asks for the signature")
		response = self.browser.post(
			"/api/method/aftersales_module.portal.sign_repair_job",
			{"name": self.my_job.name, "signature": PHOTO},
		)
		self.assertEqual(response.status_code, 200, response.text)
		self.assertEqual(frappe.db.get_value("Repair Job", self.my_job.name, "customer_signature"), PHOTO)
		again = self.browser.post(
			"/api/method/aftersales_module.portal.sign_repair_job",
			{"name": self.my_job.name, "signature": PHOTO},
		)
		self.assertEqual(again.status_code, 417)
		page = self.browser.get("/after-sales").get_data(as_text=True)
		self.assertNotIn(f'data-job="{self.my_job.name}"', page)
