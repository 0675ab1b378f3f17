# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from datetime import timedelta

import frappe
from frappe.utils import add_days, add_months, flt, get_datetime, getdate

from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
	move_visit,
	renew,
)
from aftersales_module.contract_coverage import make_contract_invoice
from aftersales_module.escalation import engine
from aftersales_module.tasks import contracts as sweeps
from aftersales_module.tests.contract_utils import (
	ACCOUNTANT,
	CONTRACT_ITEM,
	DESK_USER,
	MANAGER,
	OTHER_CUSTOMER,
	OTHER_TECHNICIAN,
	TECHNICIAN,
	contract_values,
	delivered_serials,
	make_contract,
	setup_contracts,
)
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SERVICE_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	gl,
	make_repair_job,
	today,
)


def sla_policy() -> str:
	return frappe.db.get_value("Escalation Policy", {"document_type": "Repair Job"}, "name")


def escalate_jobs(now) -> dict[str, int]:
	"""Run the escalation engine's sweep for repair jobs at `now`; each job's escalation level."""
	engine.escalate_due("Repair Job", now)
	engine.mark_overdue("Repair Job", now)
	return {
		row.name: row.escalation_level
		for row in frappe.get_all(
			"Repair Job", filters={"escalation_level": (">", 0)}, fields=["name", "escalation_level"]
		)
	}


def email_count(reference_name: str) -> int:
	return frappe.db.count("Email Queue", {"reference_name": reference_name})


def reminder_rows(reference_name: str) -> list:
	return frappe.get_all(
		"Reminder Log",
		filters={"reference_name": reference_name},
		fields=["kind", "lead_days", "sent_to"],
		order_by="lead_days desc",
	)


class TestMaintenanceContract(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_contracts()

	def tearDown(self):
		frappe.set_user("Administrator")

	# --- validation -------------------------------------------------------------------------------

	def assert_refused(self, message_part: str, **overrides):
		serials = overrides.pop("serials", None)
		with self.assertRaises(frappe.ValidationError) as caught:
			frappe.get_doc(contract_values(serials, **overrides)).insert(ignore_permissions=True)
		self.assertNotIsInstance(caught.exception, frappe.db.InternalError)
		self.assertEqual(caught.exception.http_status_code, 417)
		self.assertIn(message_part, str(caught.exception))

	def test_bad_inputs_are_refused_with_a_message(self):
		start = today()
		self.assert_refused("before the Start Date", start_date=start, end_date=add_days(start, -1))
		self.assert_refused("cannot be negative", billing_amount=-5)
		self.assert_refused("Inspection Only", contract_type="Inspection Only", visits_per_year=0)
		self.assert_refused(
			"exactly one lead", team=[{"user": MANAGER, "is_lead": 1}, {"user": DESK_USER, "is_lead": 1}]
		)
		self.assert_refused("exactly one lead", team=[{"user": MANAGER}])
		self.assert_refused("ten years at most", start_date=start, end_date=add_days(start, 4000))
		self.assert_refused("cannot be more than", visits_per_year=1000)
		stranger = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Stranger",
				"links": [{"link_doctype": "Customer", "link_name": OTHER_CUSTOMER}],
			}
		).insert(ignore_permissions=True)
		self.assert_refused("is not a contact of", customer_contact=stranger.name)
		foreign = delivered_serials(1, customer=OTHER_CUSTOMER)
		self.assert_refused("was not delivered to", serials=foreign)

	def test_a_serial_is_covered_by_one_running_contract_at_a_time(self):
		serials = delivered_serials(1)
		first = make_contract(serials)
		with self.assertRaises(frappe.ValidationError) as caught:
			make_contract(serials, start_date=add_days(today(), 100))
		self.assertIn(first.name, str(caught.exception))
		# after the first one ends, a new contract is fine
		later = make_contract(serials, start_date=add_days(first.end_date, 1), submit=False)
		self.assertEqual(later.status, "Draft")

	# --- roles ------------------------------------------------------------------------------------

	def test_user_drafts_manager_submits_accounts_reads_technician_sees_only_own_jobs(self):
		serials = delivered_serials(1)
		frappe.set_user(DESK_USER)
		doc = frappe.get_doc(contract_values(serials, billing_amount=100)).insert()
		self.assertEqual(doc.status, "Draft")
		self.assertEqual(
			[getdate(v.planned_date) for v in doc.visits], [add_days(today(), 91), add_days(today(), 273)]
		)
		with self.assertRaises(frappe.PermissionError):
			doc.submit()
		frappe.set_user(MANAGER)
		doc = frappe.get_doc("Maintenance Contract", doc.name)
		doc.submit()
		self.assertEqual(frappe.db.get_value("Maintenance Contract", doc.name, "status"), "Active")

		frappe.set_user("Administrator")
		sweeps.bill_contracts(today(), contracts=[doc.name])
		frappe.set_user(ACCOUNTANT)
		self.assertTrue(frappe.has_permission("Maintenance Contract", "read", doc.name))
		self.assertFalse(frappe.has_permission("Maintenance Contract", "write", doc.name))
		billed = frappe.get_list(
			"Maintenance Contract Billing",
			filters={"maintenance_contract": doc.name},
			fields=["amount", "status", "sales_invoice"],
		)
		self.assertEqual([(flt(b.amount), b.status) for b in billed], [(100, "Invoiced")])
		self.assertEqual(frappe.get_value("Sales Invoice", billed[0].sales_invoice, "grand_total"), 100)
		with self.assertRaises(frappe.PermissionError):
			move_visit(doc.name, doc.visits[0].name, str(add_days(today(), 95)), "not theirs to move")
		frappe.set_user(DESK_USER)
		move_visit(doc.name, doc.visits[0].name, str(add_days(today(), 95)), "customer asked")
		frappe.set_user("Administrator")

		# two inspection jobs, one dispatched to each technician
		sweeps.open_inspection_jobs(add_days(today(), 300))
		jobs = frappe.get_all(
			"Repair Job", filters={"maintenance_contract": doc.name}, pluck="name", order_by="name"
		)
		self.assertEqual(len(jobs), 2)
		for job_name, user in zip(jobs, (TECHNICIAN, OTHER_TECHNICIAN), strict=True):
			job = frappe.get_doc("Repair Job", job_name)
			job.append("technicians", {"user": user})
			job.save()
		frappe.set_user(TECHNICIAN)
		self.assertFalse(frappe.has_permission("Maintenance Contract", "read", doc.name))
		seen = frappe.get_list("Repair Job", filters={"maintenance_contract": doc.name}, pluck="name")
		self.assertEqual(seen, [jobs[0]])

	def test_a_plain_save_cannot_set_app_managed_fields(self):
		doc = make_contract(delivered_serials(1), submit=False)
		doc.status = "Active"
		with self.assertRaises(frappe.PermissionError):
			doc.save()
		doc.reload()
		doc.visits[0].status = "Done"
		with self.assertRaises(frappe.PermissionError):
			doc.save()

	# --- status sweep -------------------------------------------------------------------------------

	def test_status_follows_the_dates(self):
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -200))
		end = getdate(doc.end_date)

		def status_on(day):
			sweeps.update_statuses(day)
			return frappe.db.get_value("Maintenance Contract", doc.name, "status")

		self.assertEqual(status_on(add_days(end, -91)), "Active")
		self.assertEqual(status_on(add_days(end, -90)), "Expiring")
		self.assertEqual(status_on(end), "Expiring")
		self.assertEqual(status_on(add_days(end, 1)), "Expired")
		self.assertEqual(status_on(add_days(end, 2)), "Expired", "an expired contract stays expired")

	# --- reminders ----------------------------------------------------------------------------------

	def test_renewal_reminders_fire_once_per_lead_time_across_days_and_double_runs(self):
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -300))
		end = getdate(doc.end_date)
		fired = []
		for offset in range(-100, 3):
			day = add_days(end, offset)
			for _run in range(2):  # two workers, or a retried job, on the same day
				if doc.name in sweeps.send_renewal_reminders(day):
					fired.append((offset, _run))
		self.assertEqual(fired, [(-90, 0), (-30, 0)])
		rows = reminder_rows(doc.name)
		self.assertEqual(
			[(r.kind, r.lead_days) for r in rows], [("Contract Renewal", 90), ("Contract Renewal", 30)]
		)
		self.assertIn(MANAGER, rows[0].sent_to)
		self.assertEqual(email_count(doc.name), 2, "one email (team, same language) per lead time")
		todos = frappe.get_all(
			"ToDo", filters={"reference_name": doc.name, "allocated_to": MANAGER}, pluck="description"
		)
		self.assertEqual(len(todos), 2)

	def test_the_customer_contact_is_mailed_in_their_language(self):
		contact = frappe.get_doc(
			{
				"doctype": "Contact",
				"first_name": "Wang",
				"email_ids": [{"email_id": "_as.mc.wang@example.com", "is_primary": 1}],
				"links": [{"link_doctype": "Customer", "link_name": CUSTOMER}],
			}
		).insert(ignore_permissions=True)
		frappe.db.set_value("Customer", CUSTOMER, "language", "zh")
		doc = make_contract(
			delivered_serials(1), start_date=add_days(today(), -300), customer_contact=contact.name
		)
		sweeps.send_renewal_reminders(add_days(doc.end_date, -30))
		queued = frappe.get_all("Email Queue", filters={"reference_name": doc.name}, pluck="name")
		self.assertEqual(len(queued), 2, "one email in Chinese to the customer, one in English to the team")
		recipients = frappe.get_all(
			"Email Queue Recipient", filters={"parent": ("in", queued)}, pluck="recipient"
		)
		self.assertIn("_as.mc.wang@example.com", recipients)
		self.assertIn(MANAGER, recipients)

	def test_warranty_ending_alert_once_and_offer_a_contract(self):
		serial = delivered_serials(1)[0]
		registration = frappe.get_doc("Warranty Registration", {"serial_no": serial})
		end = getdate(registration.end_date)
		sent = [
			registration.name in sweeps.send_warranty_ending_alerts(add_days(end, offset))
			for offset in (-91, -90, -90, -10)
		]
		self.assertEqual(sent, [False, True, False, False])
		self.assertEqual(
			[(r.kind, r.lead_days) for r in reminder_rows(registration.name)], [("Warranty Ending", 90)]
		)
		self.assertEqual(
			email_count(registration.name),
			len({m.language for m in sweeps.after_sales_managers() if m.email}),
			"one per language",
		)
		quotation = frappe.get_doc("Quotation", sweeps.offer_contract(registration.name))
		self.assertEqual(quotation.party_name, CUSTOMER)
		self.assertEqual(quotation.items[0].item_code, CONTRACT_ITEM)
		self.assertIn(serial, quotation.items[0].description)

	# --- visits -------------------------------------------------------------------------------------

	def test_a_due_visit_opens_exactly_one_job_that_moves_and_completes_with_it(self):
		doc = make_contract(delivered_serials(1))
		first = doc.visits[0]
		planned = getdate(first.planned_date)

		def jobs_of_contract():
			return frappe.get_all("Repair Job", filters={"maintenance_contract": doc.name}, pluck="name")

		sweeps.open_inspection_jobs(add_days(planned, -8))
		self.assertEqual(jobs_of_contract(), [])
		sweeps.open_inspection_jobs(add_days(planned, -7))
		jobs = jobs_of_contract()
		self.assertEqual(len(jobs), 1)
		sweeps.open_inspection_jobs(add_days(planned, -7))
		self.assertEqual(frappe.db.count("Repair Job", {"maintenance_contract": doc.name}), 1)
		job = frappe.get_doc("Repair Job", jobs[0])
		self.assertEqual(
			(job.service_class, job.job_kind, job.contract_visit, job.total_price),
			("Contract", "Inspection", first.name, 0),
		)
		self.assertEqual(get_datetime(job.appointment), get_datetime(f"{planned} 09:00:00"))
		self.assertEqual(frappe.db.get_value("Maintenance Contract Visit", first.name, "status"), "Due")

		new_date = add_days(planned, 5)
		move_visit(doc.name, first.name, str(new_date), "Customer's plant shut down that week")
		visit = frappe.db.get_value(
			"Maintenance Contract Visit",
			first.name,
			["planned_date", "original_date", "moved_reason"],
			as_dict=True,
		)
		self.assertEqual((getdate(visit.planned_date), getdate(visit.original_date)), (new_date, planned))
		self.assertEqual(getdate(frappe.db.get_value("Repair Job", job.name, "appointment")), new_date)
		with self.assertRaises(frappe.ValidationError):
			move_visit(doc.name, first.name, str(new_date), " ")

		job.reload()
		end_of_visit_day = get_datetime(f"{add_days(new_date, 1)} 00:00:00")
		self.assertEqual(
			(get_datetime(job.sla_deadline), get_datetime(job.next_escalation_at)),
			(end_of_visit_day, end_of_visit_day),
			"the inspection is due by the end of its (moved) visit day, and escalates then",
		)
		sweeps.mark_overdue_visits(add_days(new_date, 1))
		self.assertEqual(frappe.db.get_value("Maintenance Contract Visit", first.name, "status"), "Overdue")
		self.assertEqual(escalate_jobs(end_of_visit_day - timedelta(minutes=1)).get(job.name), None)
		self.assertEqual(escalate_jobs(end_of_visit_day + timedelta(minutes=1)).get(job.name), 1)
		self.assertEqual(escalate_jobs(end_of_visit_day + timedelta(minutes=2)).get(job.name), 1)
		self.assertEqual(len(frappe.get_doc("Repair Job", job.name).escalation_log), 1, "escalated once")
		job.reload()
		job.append("technicians", {"user": TECHNICIAN})
		job.save()
		for status in ("Dispatched", "In Progress", "Completed"):
			job.reload()
			job.status = status
			job.save()
		self.assertEqual(frappe.db.get_value("Maintenance Contract Visit", first.name, "status"), "Done")
		self.assertEqual(
			frappe.db.get_value("Maintenance Contract Visit", doc.visits[1].name, "status"), "Planned"
		)

	# --- billing ------------------------------------------------------------------------------------

	def test_billing_never_bills_a_period_twice_and_a_cancelled_invoice_can_be_billed_again(self):
		start = add_days(today(), -100)
		doc = make_contract(
			delivered_serials(1), start_date=start, billing_amount=250, billing_interval="Quarterly"
		)
		self.assertEqual(flt(doc.planned_amount), 1000)

		def billed_here(invoices):
			return [
				i
				for i in invoices
				if frappe.db.get_value("Sales Invoice", i, "maintenance_contract") == doc.name
			]

		invoices = billed_here(sweeps.bill_contracts(today()))
		self.assertEqual(len(invoices), 2, "the first two quarters have started")
		self.assertEqual(billed_here(sweeps.bill_contracts(today())), [])
		self.assertEqual(billed_here(sweeps.bill_contracts(add_days(today(), 1))), [])
		rows = frappe.get_all(
			"Maintenance Contract Billing",
			filters={"maintenance_contract": doc.name},
			fields=["period_start", "status", "sales_invoice", "amount"],
			order_by="period_start",
		)
		self.assertEqual(
			[getdate(r.period_start) for r in rows], [getdate(start), getdate(add_months(start, 3))]
		)
		for row in rows:
			invoice = frappe.get_doc("Sales Invoice", row.sales_invoice)
			self.assertEqual((invoice.docstatus, invoice.maintenance_contract), (1, doc.name))
			self.assertEqual(invoice.items[0].item_code, CONTRACT_ITEM)
			debit = sum(
				flt(e.debit) for e in gl(invoice.name, "Sales Invoice") if e.account == invoice.debit_to
			)
			self.assertEqual(debit, 250)
		self.assertEqual(flt(frappe.db.get_value("Maintenance Contract", doc.name, "billed_amount")), 500)

		frappe.get_doc("Sales Invoice", rows[0].sales_invoice).cancel()
		self.assertEqual(
			frappe.db.get_value(
				"Maintenance Contract Billing", {"sales_invoice": rows[0].sales_invoice}, "status"
			),
			"Cancelled",
			"cancelling the invoice frees its period at once",
		)
		self.assertEqual(
			billed_here(sweeps.bill_contracts(today())), [], "a cancelled period is not re-billed by itself"
		)
		billing = frappe.get_doc(
			"Maintenance Contract Billing", {"maintenance_contract": doc.name, "period_start": start}
		)
		self.assertEqual(billing.status, "Cancelled")
		self.assertEqual(flt(frappe.db.get_value("Maintenance Contract", doc.name, "billed_amount")), 250)
		again = sweeps.bill_again(billing.name)
		self.assertNotEqual(again, rows[0].sales_invoice)
		self.assertEqual(frappe.db.get_value("Sales Invoice", again, "docstatus"), 1)
		self.assertEqual(flt(frappe.db.get_value("Maintenance Contract", doc.name, "billed_amount")), 500)
		self.assertEqual(
			frappe.db.count("Maintenance Contract Billing", {"maintenance_contract": doc.name}), 2
		)

	# --- renewal ------------------------------------------------------------------------------------

	def test_renew_drafts_the_successor_and_submitting_it_marks_the_old_one(self):
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -300), billing_amount=1200)
		frappe.set_user(MANAGER)
		successor = frappe.get_doc("Maintenance Contract", renew(doc.name, with_quotation=True))
		self.assertEqual(successor.docstatus, 0)
		self.assertEqual(successor.renewed_from, doc.name)
		self.assertEqual(getdate(successor.start_date), add_days(doc.end_date, 1))
		self.assertEqual([u.serial_no for u in successor.units], [u.serial_no for u in doc.units])
		self.assertEqual(
			[(t.user, t.is_lead) for t in successor.team], [(t.user, t.is_lead) for t in doc.team]
		)
		quotation = frappe.get_doc("Quotation", successor.renewal_quotation)
		self.assertEqual((quotation.party_name, flt(quotation.grand_total)), (CUSTOMER, 1200))
		self.assertEqual(renew(doc.name), successor.name, "renewing twice returns the same draft")
		successor.submit()
		old = frappe.db.get_value("Maintenance Contract", doc.name, ["status", "renewed_to"], as_dict=True)
		self.assertEqual((old.status, old.renewed_to), ("Renewed", successor.name))
		# other contracts on the site may fall due that day (which day depends on the test's date)
		self.assertNotIn(
			doc.name, sweeps.send_renewal_reminders(add_days(doc.end_date, -30)), "renewed: no reminder"
		)
		successor.reload()
		successor.cancel()
		old = frappe.db.get_value("Maintenance Contract", doc.name, ["status", "renewed_to"], as_dict=True)
		self.assertEqual(old.renewed_to, None)
		self.assertNotEqual(old.status, "Renewed")

		# the amended successor is still the renewal, and submitting it marks the old one again
		amended = frappe.copy_doc(successor, ignore_no_copy=False)  # as the desk amends
		amended.amended_from = successor.name
		amended.docstatus = 0
		amended.insert()
		self.assertEqual(amended.renewed_from, doc.name)
		amended.submit()
		old = frappe.db.get_value("Maintenance Contract", doc.name, ["status", "renewed_to"], as_dict=True)
		self.assertEqual((old.status, old.renewed_to), ("Renewed", amended.name))

	# --- coverage -----------------------------------------------------------------------------------

	def test_coverage_decides_service_class_price_and_deadlines(self):
		serials = delivered_serials(2)
		parts_only = make_contract(
			[serials[0]], contract_type="Parts Only", response_hours=4, resolution_hours=24, is_24x7=1
		)
		labour_only = make_contract([serials[1]], contract_type="Labour Only")
		job = make_repair_job(
			serial_no=serials[0],
			item_code=SERIAL_ITEM,
			parts=[{"item_code": SPARE_PART, "qty": 2, "rate": 50}],
			labour=[{"activity": "Replace seal", "hours": 2, "rate": 80, "service_item": SERVICE_ITEM}],
		)
		self.assertEqual((job.service_class, job.maintenance_contract), ("Contract", parts_only.name))
		self.assertEqual(flt(job.total_price), 160, "Parts Only: the labour is charged")
		opened = get_datetime(job.creation)
		self.assertEqual(get_datetime(job.response_due), opened + timedelta(hours=4), "7×24: calendar hours")
		self.assertEqual(get_datetime(job.resolution_due), opened + timedelta(hours=24))

		other = make_repair_job(serial_no=serials[1], item_code=SERIAL_ITEM, labour=[])
		self.assertEqual((other.service_class, other.maintenance_contract), ("Contract", labour_only.name))
		self.assertEqual(flt(other.total_price), 0, "Labour Only: no parts issued yet, nothing charged")

		plain = make_repair_job()
		self.assertEqual((plain.service_class, plain.maintenance_contract), ("Paid", None))

		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": "Repair Job",
					"company": TEST_COMPANY,
					"customer": CUSTOMER,
					"maintenance_contract": parts_only.name,
				}
			).insert()

		# a completed Parts Only job invoices the labour only
		job.append("technicians", {"user": TECHNICIAN})
		job.save()
		for status in ("Dispatched", "In Progress", "Completed"):
			job.reload()
			job.status = status
			job.save()
		invoice = frappe.get_doc("Sales Invoice", make_contract_invoice(job.name))
		self.assertEqual(
			[(i.item_code, flt(i.qty), flt(i.rate)) for i in invoice.items], [(SERVICE_ITEM, 2, 80)]
		)
		self.assertEqual(invoice.maintenance_contract, parts_only.name)
		invoice.submit()
		income = sum(flt(e.credit) for e in gl(invoice.name, "Sales Invoice"))
		self.assertEqual(income, 160, "the labour reaches the ledger")
		job.reload()
		self.assertEqual((job.status, job.sales_invoice), ("Invoiced", invoice.name))
		with self.assertRaises(frappe.ValidationError):
			make_contract_invoice(job.name)
		invoice.cancel()
		job.reload()
		self.assertEqual((job.status, job.sales_invoice), ("Completed", None))

	def test_a_job_past_its_response_time_escalates(self):
		serials = delivered_serials(2)
		make_contract(serials, response_hours=1, resolution_hours=8, is_24x7=1)
		late = make_repair_job(serial_no=serials[0], item_code=SERIAL_ITEM)
		opened = get_datetime(late.creation)
		response_due = opened + timedelta(hours=1)
		self.assertEqual(late.escalation_policy, sla_policy())
		self.assertEqual(
			(get_datetime(late.sla_deadline), get_datetime(late.next_escalation_at)),
			(response_due, response_due),
		)
		self.assertEqual(escalate_jobs(response_due - timedelta(minutes=1)).get(late.name), None)
		self.assertEqual(escalate_jobs(response_due + timedelta(minutes=1)).get(late.name), 1)
		self.assertEqual(escalate_jobs(response_due + timedelta(minutes=2)).get(late.name), 1)
		late.reload()
		self.assertEqual((late.escalation_level, late.sla_overdue), (1, 1))
		self.assertEqual(len(late.escalation_log), 1, "a second sweep sends nothing twice")
		self.assertIn(MANAGER, late.escalation_log[0].recipients, "the service chief hears of it")
		self.assertTrue(
			frappe.db.exists(
				"ToDo", {"reference_type": "Repair Job", "reference_name": late.name, "allocated_to": MANAGER}
			)
		)
		# the next level is a day later; completing the job stops it
		self.assertEqual(get_datetime(late.next_escalation_at), response_due + timedelta(days=1))
		late.append("technicians", {"user": TECHNICIAN})
		for status in ("Dispatched", "In Progress", "Completed"):
			late.status = status
			late.save()
			late.reload()
		self.assertIsNone(late.next_escalation_at)
		self.assertEqual(escalate_jobs(response_due + timedelta(days=2)).get(late.name), 1)

		# a job answered in time runs against its resolution time instead
		answered = make_repair_job(serial_no=serials[1], item_code=SERIAL_ITEM)
		answered.append("technicians", {"user": TECHNICIAN})
		answered.status = "Dispatched"
		answered.save()
		resolution_due = get_datetime(answered.creation) + timedelta(hours=8)
		self.assertEqual(get_datetime(answered.sla_deadline), resolution_due)
		self.assertEqual(escalate_jobs(resolution_due - timedelta(minutes=1)).get(answered.name), None)
		self.assertEqual(escalate_jobs(resolution_due + timedelta(minutes=1)).get(answered.name), 1)
		self.assertEqual(frappe.db.get_value("Repair Job", answered.name, "sla_overdue"), 1)

		# a job no contract covers has no SLA and never escalates
		plain = make_repair_job()
		self.assertEqual(
			(plain.sla_deadline, plain.escalation_policy, plain.next_escalation_at), (None, None, None)
		)

	def test_warranty_claim_out_of_warranty_is_under_contract(self):
		serial = delivered_serials(1)[0]
		registration = frappe.get_doc("Warranty Registration", {"serial_no": serial})
		frappe.db.set_value("Warranty Registration", registration.name, "end_date", add_days(today(), -10))
		make_contract([serial], start_date=add_days(today(), -5))
		claim = frappe.get_doc(
			{
				"doctype": "Product Warranty Claim",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"serial_no": serial,
				"symptom": "Does not start",
				"resolution": "Repair",
			}
		).insert()
		self.assertEqual(claim.coverage, "Under Contract")
		claim.submit()
		job = frappe.get_doc("Repair Job", claim.repair_job)
		self.assertEqual(job.service_class, "Contract")
		self.assertTrue(job.maintenance_contract)

	def test_print_format_shows_the_contract_and_escapes_what_users_typed(self):
		serial = delivered_serials(1)[0]
		doc = make_contract([serial], scope="<script>alert(1)</script> pumps only")
		html = frappe.get_print("Maintenance Contract", doc.name, print_format="Maintenance Contract")
		self.assertIn(serial, html)
		self.assertIn("&lt;script&gt;", html)
		self.assertNotIn("<script>alert(1)</script>", html)
		self.assertEqual(html.count(str(getdate(doc.visits[0].planned_date).year)) > 0, True)

	def test_contract_settings_are_checked(self):
		settings = frappe.get_doc("After Sales Settings")
		for bad in ("ninety", "0,30", "400"):
			settings.contract_reminder_lead_days = bad
			with self.assertRaises(frappe.ValidationError) as caught:
				settings.save()
			self.assertEqual(caught.exception.http_status_code, 417)
		settings.reload()
		settings.contract_billing_item = SPARE_PART
		with self.assertRaises(frappe.ValidationError):
			settings.save()

	def test_the_site_must_be_an_address_of_the_customer(self):
		def address(customer):
			return (
				frappe.get_doc(
					{
						"doctype": "Address",
						"address_title": customer,
						"address_line1": "1 Pump Road",
						"city": "Wuxi",
						"country": frappe.db.get_value("Company", TEST_COMPANY, "country"),
						"links": [{"link_doctype": "Customer", "link_name": customer}],
					}
				)
				.insert(ignore_permissions=True)
				.name
			)

		serials = delivered_serials(2)
		foreign = address(OTHER_CUSTOMER)
		self.assert_refused(
			"is not an address of",
			units=[{"item_code": SERIAL_ITEM, "serial_no": serials[0], "site_address": foreign}],
		)
		doc = make_contract(
			submit=False,
			units=[{"item_code": SERIAL_ITEM, "serial_no": serials[1], "site_address": address(CUSTOMER)}],
		)
		self.assertEqual(doc.units[0].site_address_display, "1 Pump Road\nWuxi")
