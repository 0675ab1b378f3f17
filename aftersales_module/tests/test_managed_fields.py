"""Fields the app manages change only through the app's own actions: a plain PUT /api/resource by any
role that may write the document is refused (403) and leaves the stored value as it was.

Requests go through Frappe's REST handlers themselves (frappe.api.v1.create_doc and update_doc, with
the JSON body in form_dict, as a request carries it), as a user holding exactly one role."""

import json

import frappe
from frappe.api.v1 import create_doc, update_doc
from frappe.model.workflow import apply_workflow
from frappe.utils import add_days, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import (
	change_service_class,
	set_status,
)
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_repair_job,
	make_user,
)
from aftersales_module.tests.visit_utils import completed_job, make_staff, visits_of

# A log row as the escalation engine writes it; a plain save may not add one.
ESCALATION_ROW = {
	"escalated_at": "2026-01-01 00:00:00",
	"from_level": 0,
	"to_level": 1,
	"level_label": "Manager",
	"recipients": "Administrator",
	"reason": "Overdue",
	"channels": "Desk",
}


def escalation_policy_of(doctype: str) -> str:
	return frappe.db.get_value("Escalation Policy", {"document_type": doctype}, "name")


def rest(handler, *args, body: dict):
	"""Call a REST handler with `body` as the request's JSON, as the session user."""
	frappe.local.form_dict = frappe._dict(data=json.dumps(body, default=str))
	try:
		return handler(*args)
	finally:
		frappe.local.form_dict = frappe._dict()


class TestManagedFields(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		cls.manager = make_user("as-mf-manager@example.com", ["After Sales Manager"])
		cls.manager2 = make_user("as-mf-manager2@example.com", ["After Sales Manager"])
		cls.user = make_user("as-mf-user@example.com", ["After Sales User"])
		cls.technician = make_user("as-mf-tech@example.com", ["Service Technician"])
		cls.regional = make_user("as-mf-regional@example.com", ["Regional Manager"])
		cls.gm = make_user("as-mf-gm@example.com", ["General Manager"])
		cls.staff = make_staff("as-mf-visits@example.com")

	def tearDown(self):
		frappe.set_user("Administrator")

	def stored(self, doctype, name, fieldnames):
		"""What the database holds for `fieldnames`, child tables as their rows."""
		meta = frappe.get_meta(doctype)
		tables = [f for f in fieldnames if meta.get_field(f).fieldtype == "Table"]
		plain = [f for f in fieldnames if f not in tables]
		values = frappe.db.get_value(doctype, name, plain, as_dict=True) if plain else {}
		for fieldname in tables:
			values[fieldname] = frappe.get_all(
				meta.get_field(fieldname).options,
				filters={"parent": name, "parenttype": doctype, "parentfield": fieldname},
				fields=["*"],
				order_by="idx",
			)
		return values

	def assertRefused(self, user, doctype, name, values):
		"""`user` PUTs `values`: refused with a 403, and nothing stored changes."""
		before = self.stored(doctype, name, list(values))
		frappe.set_user(user)
		try:
			with self.assertRaises(frappe.PermissionError, msg=f"{user} set {values} on {doctype}") as caught:
				rest(update_doc, doctype, name, body=values)
			self.assertEqual(caught.exception.http_status_code, 403)
		finally:
			frappe.set_user("Administrator")
		frappe.db.rollback()  # as the request would: nothing of it is committed
		self.assertEqual(self.stored(doctype, name, list(values)), before)

	# -------------------------------------------------------------- Repair Job

	def test_repair_job_fields_only_the_app_sets(self):
		job = make_repair_job(technicians=[{"user": self.technician}])
		frappe.db.commit()
		self.addCleanup(frappe.delete_doc, "Repair Job", job.name, force=True)
		self.addCleanup(frappe.db.commit)
		set_status(job.name, "Dispatched")
		frappe.db.commit()
		managed = {
			"sales_invoice": "ACC-SINV-2026-99999",
			"supervisor": self.manager,
			"supervisor_checked_on": str(now_datetime()),
			"completed_on": str(now_datetime()),
			# the SLA deadline and the escalation the engine keeps
			"sla_deadline": str(add_days(now_datetime(), 30)),
			"sla_overdue": 1,
			"escalation_policy": escalation_policy_of("Repair Job"),
			"escalation_level": 99,
			"next_escalation_at": str(add_days(now_datetime(), 30)),
			"escalation_log": [ESCALATION_ROW],
		}
		for user in (self.manager, self.user, self.technician):
			for fieldname, value in managed.items():
				self.assertRefused(user, "Repair Job", job.name, {fieldname: value})
			# who pays is settled once the job is dispatched: a plain save does not move it
			self.assertRefused(user, "Repair Job", job.name, {"service_class": "Warranty"})
		# a technician works the job but does not close or reopen it; the desk does
		self.assertRefused(self.technician, "Repair Job", job.name, {"status": "Closed"})
		self.assertRefused(self.technician, "Repair Job", job.name, {"status": "Open"})

		# the same move rules as the status buttons: a plain save may start the work
		frappe.set_user(self.technician)
		rest(update_doc, "Repair Job", job.name, body={"status": "In Progress"})
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Repair Job", job.name, "status"), "In Progress")

		# only a manager's Change Service Class moves who pays, and it is logged
		for user in (self.user, self.technician):
			frappe.set_user(user)
			with self.assertRaises(frappe.PermissionError):
				change_service_class(job.name, "Warranty", "Unit still under warranty")
		frappe.set_user(self.manager)
		change_service_class(job.name, "Warranty", "Unit still under <b>warranty</b>")
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Repair Job", job.name, "service_class"), "Warranty")
		comment = frappe.get_all(
			"Comment",
			filters={"reference_doctype": "Repair Job", "reference_name": job.name, "comment_type": "Info"},
			pluck="content",
		)
		self.assertTrue(any("Paid" in c and "Warranty" in c and self.manager in c for c in comment), comment)

	# -------------------------------------------------------------- Return Visit

	def test_return_visit_missed_and_escalation_fields_only_the_app_sets(self):
		job = completed_job(self.technician)
		frappe.db.commit()
		visit = visits_of("Repair Job", job.name)[0].name
		self.addCleanup(frappe.db.commit)
		self.addCleanup(frappe.delete_doc, "Repair Job", job.name, force=True)
		self.addCleanup(frappe.db.delete, "Return Visit", {"repair_job": job.name})
		managed = {
			"missed_on": str(now_datetime()),
			"escalation_policy": escalation_policy_of("Return Visit"),
			"escalation_level": 99,
			"next_escalation_at": str(add_days(now_datetime(), 30)),
			"escalation_log": [ESCALATION_ROW],
		}
		for user in (self.manager, self.staff):
			for fieldname, value in managed.items():
				self.assertRefused(user, "Return Visit", visit, {fieldname: value})
		# refused for the field, not the user: the same staff member writes a plain field
		frappe.set_user(self.staff)
		rest(update_doc, "Return Visit", visit, body={"suggestions": "call after 6 pm"})
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Return Visit", visit, "suggestions"), "call after 6 pm")

	def test_a_new_repair_job_starts_open(self):
		frappe.set_user(self.user)
		with self.assertRaises(frappe.PermissionError):
			rest(
				create_doc,
				"Repair Job",
				body={
					"company": TEST_COMPANY,
					"customer": CUSTOMER,
					"service_class": "Paid",
					"status": "Closed",
				},
			)
		with self.assertRaises(frappe.PermissionError):
			rest(
				create_doc,
				"Repair Job",
				body={
					"company": TEST_COMPANY,
					"customer": CUSTOMER,
					"service_class": "Paid",
					"sales_invoice": "ACC-SINV-2026-99999",
				},
			)

	# -------------------------------------------------------------- Complaint Record

	def test_complaint_escalation_fields_and_severity(self):
		frappe.set_user(self.user)
		doc = make_complaint(subject="Major case under guard", severity="Major")
		frappe.set_user("Administrator")
		frappe.db.commit()
		self.addCleanup(frappe.delete_doc, "Complaint Record", doc.name, force=True)
		self.addCleanup(frappe.db.commit)
		doc.reload()
		self.assertTrue(doc.escalation_log, "a Major case escalates at registration")
		managed = {
			"escalation_level": 99,
			"next_escalation_at": None,
			"escalation_policy": None,
			"is_overdue": 1,
			"approver": self.manager,
			"resolved_on": str(now_datetime()),
			"is_repeat": 1,
		}
		for user in (self.manager, self.user):
			for fieldname, value in managed.items():
				self.assertRefused(user, "Complaint Record", doc.name, {fieldname: value})
			# the log the Concealment Audit trusts: neither emptied nor rewritten
			self.assertRefused(user, "Complaint Record", doc.name, {"escalation_log": []})
			rows = [r.as_dict(no_default_fields=False) for r in doc.escalation_log]
			rows[0]["to_level"] = 0
			rows[0]["reason"] = "nothing happened"
			self.assertRefused(user, "Complaint Record", doc.name, {"escalation_log": rows})
		self.assertEqual(
			len(frappe.get_doc("Complaint Record", doc.name).escalation_log), len(doc.escalation_log)
		)

		# lowering the severity needs a manager, and is logged
		self.assertRefused(self.user, "Complaint Record", doc.name, {"severity": "General"})
		frappe.set_user(self.manager)
		rest(update_doc, "Complaint Record", doc.name, body={"severity": "General"})
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Complaint Record", doc.name, "severity"), "General")
		logged = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "Complaint Record",
				"reference_name": doc.name,
				"comment_type": "Info",
			},
			pluck="content",
		)
		self.assertTrue(any("Major" in c and "General" in c and self.manager in c for c in logged), logged)

	def test_a_major_solution_is_approved_by_a_second_person(self):
		frappe.set_user(self.manager)
		doc = make_complaint(subject="Second person approves", severity="Major")
		frappe.set_user("Administrator")
		doc.db_set({"status": "Solution Proposed", "proposed_solution": "Replace the pump"})
		doc.reload()
		# the manager who registered and handles it cannot approve, by the workflow or a plain save
		frappe.set_user(self.manager)
		with self.assertRaises(frappe.ValidationError):
			apply_workflow(doc, "Approve")
		doc.reload()
		doc.status = "Approved"
		with self.assertRaises((frappe.PermissionError, frappe.ValidationError)):
			doc.save()
		# another manager can
		frappe.set_user(self.manager2)
		doc = frappe.get_doc("Complaint Record", doc.name)
		apply_workflow(doc, "Approve")
		frappe.set_user("Administrator")
		self.assertEqual(
			frappe.db.get_value("Complaint Record", doc.name, ["status", "approver"]),
			("Approved", self.manager2),
		)

	# -------------------------------------------------------------- claims, exchanges, registrations

	def test_claim_exchange_and_registration_links_only_the_app_sets(self):
		frappe.set_user(self.user)
		claim = frappe.get_doc(
			{
				"doctype": "Product Warranty Claim",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"symptom": "Does not start",
				"resolution": "Repair",
			}
		).insert()
		frappe.set_user("Administrator")
		frappe.db.commit()
		self.addCleanup(frappe.delete_doc, "Product Warranty Claim", claim.name, force=True)
		self.addCleanup(frappe.db.commit)
		# a coverage other than the one the claim has (the site may hold registrations for the item)
		other_coverage = "Out of Warranty" if claim.coverage == "In Warranty" else "In Warranty"
		for user in (self.manager, self.user):
			for values in (
				{"status": "Credited"},
				{"coverage": other_coverage},
				{"warranty_end_date": add_days(nowdate(), 300)},
				{"goodwill_approved_by": self.manager},
				{"repair_job": "RJ-2026-99999"},
				{"credit_note": "ACC-SINV-2026-99999"},
			):
				self.assertRefused(user, "Product Warranty Claim", claim.name, values)

		registration = frappe.get_doc(
			{
				"doctype": "Warranty Registration",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"start_date": add_days(nowdate(), -30),
				"qty": 1,
			}
		)
		frappe.set_user(self.manager)
		registration.insert()  # by hand: units sold before the app; days from the item
		frappe.set_user("Administrator")
		self.assertEqual(registration.warranty_days, 365)
		frappe.db.commit()
		self.addCleanup(frappe.delete_doc, "Warranty Registration", registration.name, force=True)
		for values in (
			{"end_date": add_days(nowdate(), 900)},
			{"warranty_days": 900},
			{"start_date": nowdate()},
			{"status": "Void"},
			{"source_doctype": "Delivery Note"},
		):
			self.assertRefused(self.manager, "Warranty Registration", registration.name, values)

	def test_recovery_accountability_survey_and_history_fields_only_the_app_sets(self):
		"""The fields issues 17 and 18 added: who approved and booked a supplier claim, what a
		reward or penalty was drafted from, a visit's survey link and channel, a registration's
		certificate email, and a record's being historical."""
		from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.test_supplier_warranty_claim import (
			make_supplier,
		)
		from aftersales_module.tests.utils import make_employee

		accountant = make_user("as-mf-accounts@example.com", ["Accounts User"])
		job = make_repair_job(service_class="Warranty", parts=[], labour=[{"activity": "Check", "hours": 1}])
		claim = frappe.get_doc(
			{
				"doctype": "Supplier Warranty Claim",
				"supplier": make_supplier("_AS Managed Fields Supplier"),
				"company": TEST_COMPANY,
				"items": [{"repair_job": job.name}],
			}
		).insert()
		entry = frappe.get_doc(
			{
				"doctype": "Reward and Penalty Entry",
				"employee": make_employee(make_user("as-mf-fined@example.com", ["Employee"])),
				"rule": "Other",
				"amount": 10,
				"reason": "Late",
			}
		).insert()
		visited = completed_job(self.technician)
		visit = visits_of("Repair Job", visited.name)[0].name
		complaint = make_complaint()
		registration = frappe.get_doc(
			{
				"doctype": "Warranty Registration",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"start_date": add_days(nowdate(), -30),
				"qty": 1,
			}
		).insert()
		frappe.db.commit()
		self.addCleanup(frappe.db.commit)
		for doctype, name in (
			("Supplier Warranty Claim", claim.name),
			("Reward and Penalty Entry", entry.name),
			("Repair Job", visited.name),
			("Complaint Record", complaint.name),
			("Warranty Registration", registration.name),
			("Repair Job", job.name),
		):
			self.addCleanup(frappe.delete_doc, doctype, name, force=True)
		self.addCleanup(frappe.db.delete, "Return Visit", {"repair_job": visited.name})

		cases = (
			(
				"Supplier Warranty Claim",
				claim.name,
				(self.manager, self.user, self.gm, accountant),
				(
					{"status": "Approved"},
					{"first_approver": self.manager},
					{"second_approver": self.gm},
					{"debit_note": "ACC-PINV-2026-99999"},
					{"journal_entry": "ACC-JV-2026-99999"},
					{"total_accepted": 99},
					{"proposal_key": "x"},
				),
			),
			(
				"Reward and Penalty Entry",
				entry.name,
				(self.manager, self.user),
				({"source_key": "x"}, {"approved_by": self.manager}, {"additional_salary": "HR-ADS-1"}),
			),
			(
				"Return Visit",
				visit,
				(self.manager, self.staff),
				(
					{"survey_token_hash": "x"},
					{"survey_sent_on": str(now_datetime())},
					{"answer_channel": "Self-Service"},
				),
			),
			(
				"Complaint Record",
				complaint.name,
				(self.manager, self.user),
				({"is_historical": 1}, {"imported_on": str(now_datetime())}),
			),
			(
				"Warranty Registration",
				registration.name,
				(self.manager,),
				({"certificate_email_status": "Queued"}, {"certificate_email_error": "x"}),
			),
		)
		for doctype, name, users, changes in cases:
			for user in users:
				for values in changes:
					self.assertRefused(user, doctype, name, values)

	def test_an_exchange_is_submitted_only_through_its_approval_chain(self):
		from frappe.client import submit

		from aftersales_module.tests.utils import receive_serial_units

		faulty = receive_serial_units(1)[0]
		exchange = frappe.get_doc(
			{
				"doctype": "Product Exchange",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"faulty_serial_no": faulty,
				"reason": "Dead on arrival",
			}
		).insert()
		frappe.set_user(self.gm)
		with self.assertRaisesRegex(frappe.PermissionError, "approval chain"):
			submit(exchange.as_dict())
		frappe.set_user("Administrator")
		self.assertEqual(frappe.db.get_value("Product Exchange", exchange.name, "docstatus"), 0)

	def test_only_a_system_manager_sets_where_webhooks_go(self):
		frappe.db.set_single_value("After Sales Settings", "alert_webhook_url", "https://hooks.example.com/x")
		frappe.db.set_single_value("After Sales Settings", "webhook_allowed_hosts", "hooks.example.com")
		self.addCleanup(frappe.db.set_single_value, "After Sales Settings", "alert_webhook_url", None)
		self.addCleanup(frappe.db.set_single_value, "After Sales Settings", "webhook_allowed_hosts", None)
		frappe.set_user(self.manager)
		rest(
			update_doc,
			"After Sales Settings",
			"After Sales Settings",
			body={"alert_webhook_url": "http://10.0.0.5/steal", "webhook_allowed_hosts": "10.0.0.5"},
		)
		from frappe.client import get

		self.assertFalse(get("After Sales Settings").get("alert_webhook_url"), "nor reads it")
		frappe.set_user("Administrator")
		after = frappe.db.get_singles_dict("After Sales Settings")
		self.assertEqual(after.alert_webhook_url, "https://hooks.example.com/x")
		self.assertEqual(after.webhook_allowed_hosts, "hooks.example.com")
