"""What a newcomer's first hour runs into (issue 15): a site without outgoing email, visits created
already missed, a technician's first POST, a quotation drafted for a manager, names in reports, and
the assignment of new visits, in bulk, as Frappe's own round robin would hand them out."""

import json
from datetime import timedelta

import frappe
import frappe.client
from frappe.automation.doctype.assignment_rule.assignment_rule import apply
from frappe.utils import add_days, get_datetime, getdate, nowdate

from aftersales_module import assignment
from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import renew
from aftersales_module.aftersales_module.report.technician_performance import technician_performance
from aftersales_module.mail import NOT_SENT, QUEUED
from aftersales_module.tasks import contracts as sweeps
from aftersales_module.tasks import escalation, return_visits
from aftersales_module.tests.contract_utils import (
	DESK_USER,
	MANAGER,
	delivered_serials,
	make_contract,
	setup_contracts,
)
from aftersales_module.tests.utils import (
	AfterSalesTestCase,
	make_employee,
	make_user,
	today,
	use_repair_settings,
)
from aftersales_module.tests.visit_utils import completed_job, make_staff, use_visit_settings

TECHNICIAN = "as-nc-technician@example.com"
STAFF = ("as-nc-staff-a@example.com", "as-nc-staff-b@example.com", "as-nc-staff-c@example.com")
AS_MANAGER = "as-nc-manager@example.com"


def without_outgoing_email() -> list[str]:
	"""The site as it is when new: no outgoing Email Account. The accounts turned off, for
	`with_outgoing_email` to turn on again (a FrappeTestCase rolls back only after its class)."""
	frappe.flags.mute_emails = False  # muted mail counts as an outgoing account (Frappe's dummy)
	accounts = frappe.get_all("Email Account", filters={"enable_outgoing": 1}, pluck="name")
	for account in accounts:
		frappe.db.set_value("Email Account", account, {"enable_outgoing": 0, "default_outgoing": 0})
	frappe.local.outgoing_email_account = {}
	return accounts


def with_outgoing_email(accounts: list[str]) -> None:
	for account in accounts:
		frappe.db.set_value("Email Account", account, {"enable_outgoing": 1, "default_outgoing": 1})
	frappe.local.outgoing_email_account = {}
	frappe.flags.mute_emails = True


class TestNewcomer(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()  # mutes sending mail: see AfterSalesTestCase
		setup_contracts()
		make_user(TECHNICIAN, ["Service Technician"])
		make_employee(TECHNICIAN)
		for email in STAFF:
			make_staff(email)
		make_user(AS_MANAGER, ["After Sales Manager"])
		frappe.db.set_value("User", TECHNICIAN, {"first_name": "李伟", "last_name": "", "full_name": "李伟"})

	def setUp(self):
		self.turned_off = []
		use_repair_settings()
		use_visit_settings()

	def tearDown(self):
		frappe.set_user("Administrator")
		with_outgoing_email(self.turned_off)

	def without_outgoing_email(self) -> None:
		self.turned_off = without_outgoing_email()

	# ------------------------------------------------------------ no outgoing email
	def test_a_contract_sweep_without_outgoing_email_still_logs_assigns_and_notifies(self):
		self.without_outgoing_email()
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -300))
		day = add_days(doc.end_date, -30)
		queued_before = frappe.db.count("Email Queue")

		# other contracts on the site may fall due that day too (which day depends on the test's date)
		self.assertIn(doc.name, sweeps.send_renewal_reminders(day))
		log = frappe.get_all(
			"Reminder Log",
			filters={"reference_name": doc.name},
			fields=["lead_days", "channel", "email_status", "email_error", "sent_to"],
		)
		self.assertEqual(len(log), 1)
		self.assertEqual((log[0].lead_days, log[0].email_status), (30, NOT_SENT))
		self.assertIn("Email Account", log[0].email_error)
		self.assertIn(MANAGER, log[0].sent_to)
		self.assertTrue(
			frappe.db.exists("ToDo", {"reference_name": doc.name, "allocated_to": MANAGER, "status": "Open"})
		)
		for member in (MANAGER, DESK_USER):
			self.assertTrue(
				frappe.db.exists(
					"Notification Log",
					{"document_type": "Maintenance Contract", "document_name": doc.name, "for_user": member},
				),
				member,
			)
		self.assertEqual(frappe.db.count("Email Queue"), queued_before)

		# An account added later sends nothing twice: the reminder was made, only its email was not.
		frappe.db.set_value(
			"Email Account", "_AS Test Outgoing", {"enable_outgoing": 1, "default_outgoing": 1}
		)
		frappe.local.outgoing_email_account = {}
		self.assertNotIn(doc.name, sweeps.send_renewal_reminders(day))
		self.assertEqual(frappe.db.count("Email Queue"), queued_before)
		self.assertEqual(frappe.db.count("Reminder Log", {"reference_name": doc.name}), 1)

	def test_with_outgoing_email_the_reminder_log_says_queued(self):
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -300))
		sweeps.send_renewal_reminders(add_days(doc.end_date, -30))
		status, error = frappe.db.get_value(
			"Reminder Log", {"reference_name": doc.name}, ["email_status", "email_error"]
		)
		self.assertEqual((status, error), (QUEUED, None))
		self.assertTrue(frappe.db.exists("Email Queue", {"reference_name": doc.name}))

	def test_escalation_without_outgoing_email_logs_the_email_as_not_sent(self):
		self.without_outgoing_email()
		job = completed_job(TECHNICIAN)
		call = frappe.get_all(
			"Return Visit", filters={"repair_job": job.name}, order_by="due_date", pluck="name"
		)[0]
		day = getdate(nowdate())
		frappe.db.set_value(
			"Return Visit", call, {"due_date": add_days(day, -3), "last_day": add_days(day, -2)}
		)
		return_visits.daily(day)
		missed_on = get_datetime(frappe.db.get_value("Return Visit", call, "missed_on"))
		escalation.sweep(missed_on + timedelta(minutes=5))
		visit = frappe.get_doc("Return Visit", call)
		self.assertEqual(visit.escalation_level, 1)
		entry = visit.escalation_log[0]
		self.assertIn(AS_MANAGER, entry.recipients)
		self.assertIn("Email", entry.channels, "the seeded chain emails")
		self.assertEqual(entry.email_status, NOT_SENT)
		self.assertIn("Email Account", entry.email_error)
		self.assertTrue(frappe.db.exists("ToDo", {"reference_name": call, "allocated_to": AS_MANAGER}))
		self.assertTrue(
			frappe.db.exists("Notification Log", {"document_type": "Return Visit", "document_name": call})
		)

	# ------------------------------------------------------------ visits missed at birth
	def test_a_visit_created_past_its_last_day_is_missed_at_its_end_and_escalates(self):
		job = completed_job(TECHNICIAN)
		done = add_days(getdate(nowdate()), -30)
		frappe.db.set_value("Repair Job", job.name, "completed_on", get_datetime(f"{done} 15:00:00"))
		frappe.db.delete("Return Visit", {"reference_doctype": "Repair Job", "reference_name": job.name})
		created = return_visits.create_for_sources("Repair Job", [job.name])
		self.assertEqual(len(created), 3)
		visits = frappe.get_all(
			"Return Visit",
			filters={"name": ("in", created)},
			fields=["name", "status", "last_day", "missed_on", "escalation_policy", "next_escalation_at"],
		)
		policy = frappe.db.get_value("Escalation Policy", {"document_type": "Return Visit"}, "name")
		for visit in visits:
			self.assertEqual(visit.status, "Missed", visit.name)
			self.assertEqual(get_datetime(visit.missed_on), get_datetime(add_days(visit.last_day, 1)))
			self.assertEqual(visit.escalation_policy, policy)
			self.assertEqual(get_datetime(visit.next_escalation_at), get_datetime(visit.missed_on))
		# a month late, every level of the chain (at once, then 2 days later) is past: both fire
		escalation.sweep()
		levels = len(frappe.get_doc("Escalation Policy", policy).levels)
		self.assertEqual(
			{v: frappe.db.get_value("Return Visit", v, "escalation_level") for v in created},
			dict.fromkeys(created, levels),
		)
		entries = frappe.db.count("After Sales Escalation Entry", {"parent": ("in", created)})
		self.assertGreaterEqual(entries, 3)
		escalation.sweep()
		self.assertEqual(
			frappe.db.count("After Sales Escalation Entry", {"parent": ("in", created)}), entries, "once"
		)

	# ------------------------------------------------------------ assignment in bulk
	def test_bulk_assignment_hands_out_visits_as_frappes_round_robin(self):
		rule = "Return Visit Round Robin"
		return_visits.sync_assignment_users()
		users = [row.user for row in frappe.get_doc("Assignment Rule", rule).users]
		self.assertGreaterEqual(len(users), 3)
		start = users[1]

		def new_visits(count: int) -> list[str]:
			names = []
			for _ in range(count):
				job = completed_job(TECHNICIAN)
				names += frappe.get_all("Return Visit", filters={"repair_job": job.name}, pluck="name")
			frappe.db.delete("ToDo", {"reference_type": "Return Visit", "reference_name": ("in", names)})
			frappe.db.set_value("Return Visit", {"name": ("in", names)}, "_assign", None)
			return sorted(names)

		# Frappe, one document at a time, from `start`
		frappe.db.set_value("Assignment Rule", rule, "last_user", start)
		frappe.clear_document_cache("Assignment Rule", rule)
		by_frappe = new_visits(3)
		for name in by_frappe:
			apply(doctype="Return Visit", name=name)
		frappe_users = [json.loads(frappe.db.get_value("Return Visit", n, "_assign"))[0] for n in by_frappe]
		frappe_last = frappe.db.get_value("Assignment Rule", rule, "last_user")

		# the same number of visits in bulk, from the same `start`
		frappe.db.set_value("Assignment Rule", rule, "last_user", start)
		frappe.clear_document_cache("Assignment Rule", rule)
		in_bulk = new_visits(3)
		assigned = assignment.assign_in_bulk("Return Visit", in_bulk)
		self.assertEqual([assigned[n] for n in in_bulk], frappe_users)
		self.assertEqual(frappe.db.get_value("Assignment Rule", rule, "last_user"), frappe_last)
		for name in in_bulk:
			todo = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Return Visit", "reference_name": name, "status": "Open"},
				fields=["allocated_to", "description", "assignment_rule", "date"],
			)
			self.assertEqual(len(todo), 1)
			self.assertEqual(todo[0].allocated_to, assigned[name])
			self.assertEqual(todo[0].assignment_rule, rule)
			self.assertIn(name, todo[0].description)
			self.assertEqual(todo[0].date, frappe.db.get_value("Return Visit", name, "due_date"))
			self.assertEqual(
				json.loads(frappe.db.get_value("Return Visit", name, "_assign")), [assigned[name]]
			)
			self.assertTrue(
				frappe.db.exists(
					"Notification Log",
					{"type": "Assignment", "document_name": name, "for_user": assigned[name]},
				)
			)
		self.assertEqual(
			assignment.assign_in_bulk("Return Visit", in_bulk), {}, "held visits stay as they are"
		)

	def test_bulk_assignment_evaluates_a_condition_once_per_distinct_value(self):
		"""A rule's condition decides per visit as Frappe's safe_eval does, though it is evaluated
		once per distinct value of the fields it reads."""
		rule = "Return Visit Round Robin"
		return_visits.sync_assignment_users()
		condition = frappe.db.get_value("Assignment Rule", rule, "assign_condition")
		frappe.db.set_value(
			"Assignment Rule",
			rule,
			"assign_condition",
			'status == "Open" and visit_kind == "Satisfaction Call"',
		)
		frappe.clear_document_cache("Assignment Rule", rule)
		self.assertEqual(
			assignment.condition_names('status == "Open" and visit_kind == "Satisfaction Call"'),
			("status", "visit_kind"),
		)
		names = []
		for _ in range(3):
			job = completed_job(TECHNICIAN)
			names += frappe.get_all("Return Visit", filters={"repair_job": job.name}, pluck="name")
		frappe.db.delete("ToDo", {"reference_type": "Return Visit", "reference_name": ("in", names)})
		frappe.db.set_value("Return Visit", {"name": ("in", names)}, "_assign", None)
		kinds = dict(
			frappe.get_all(
				"Return Visit", filters={"name": ("in", names)}, fields=["name", "visit_kind"], as_list=True
			)
		)
		self.assertGreater(len(set(kinds.values())), 1, "visits of several kinds")
		evaluated = []
		real = frappe.safe_eval

		def counting(code, eval_globals=None, eval_locals=None):
			evaluated.append(code)
			return real(code, eval_globals, eval_locals)

		frappe.safe_eval = counting
		try:
			assigned = assignment.assign_in_bulk("Return Visit", sorted(names))
		finally:
			frappe.safe_eval = real
			frappe.db.set_value("Assignment Rule", rule, "assign_condition", condition)
			frappe.clear_document_cache("Assignment Rule", rule)
		self.assertEqual(
			sorted(assigned), sorted(n for n, kind in kinds.items() if kind == "Satisfaction Call")
		)
		self.assertEqual(len(evaluated), len(set(kinds.values())), "once per kind, not once per visit")

	# ------------------------------------------------------------ the smaller things
	def test_a_technician_posts_a_daily_report_without_naming_themselves(self):
		frappe.set_user(TECHNICIAN)
		# what POST /api/resource/Technician Daily Report does with a body that names no technician
		report = frappe.new_doc("Technician Daily Report", **{"notes": "first report"}).insert()
		self.assertEqual(report.technician, TECHNICIAN)
		self.assertEqual(getdate(report.report_date), getdate(nowdate()))

	def test_the_quotation_renew_drafts_opens_for_the_manager_who_renewed(self):
		doc = make_contract(delivered_serials(1), start_date=add_days(today(), -300), billing_amount=1200)
		frappe.set_user(AS_MANAGER)
		self.assertFalse(frappe.has_permission("Quotation", "read"), "no role of theirs reads quotations")
		successor = renew(doc.name, with_quotation=True)
		quotation = frappe.db.get_value("Maintenance Contract", successor, "renewal_quotation")
		self.assertTrue(quotation)
		self.assertEqual(frappe.client.get("Quotation", quotation)["name"], quotation)

	def test_technician_performance_shows_the_technicians_name(self):
		completed_job(TECHNICIAN)
		columns, rows = technician_performance.execute(
			{
				"from_date": add_days(nowdate(), -1),
				"to_date": add_days(nowdate(), 1),
				"technician": TECHNICIAN,
			}
		)[:2]
		fieldnames = [c["fieldname"] for c in columns]
		self.assertEqual(fieldnames.index("technician_name"), fieldnames.index("technician") + 1)
		self.assertTrue(rows)
		self.assertEqual({row["technician_name"] for row in rows}, {"李伟"})
