# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from datetime import timedelta

import frappe
from frappe.utils import add_days, get_datetime, getdate, nowdate

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
from aftersales_module.tasks import escalation, return_visits
from aftersales_module.tests.utils import AfterSalesTestCase, make_employee, make_user, use_repair_settings
from aftersales_module.tests.visit_utils import (
	completed_job,
	make_staff,
	resolved_complaint,
	use_visit_settings,
	visits_of,
)

TECHNICIAN = "as-rv-tech@example.com"
STAFF = ("as-rv-staff1@example.com", "as-rv-staff2@example.com")


class TestReturnVisit(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		make_user(TECHNICIAN, ["Service Technician"])
		make_employee(TECHNICIAN)
		for email in STAFF:
			make_staff(email)
		cls.manager = make_user("as-rv-manager@example.com", ["After Sales Manager"])

	def setUp(self):
		use_repair_settings()
		use_visit_settings()

	def tearDown(self):
		frappe.set_user("Administrator")

	# ------------------------------------------------------------ creation, exactly once
	def test_a_completed_job_gets_its_three_visits_once(self):
		job = completed_job(TECHNICIAN)
		rows = visits_of("Repair Job", job.name)
		self.assertEqual(
			[r.visit_kind for r in rows], ["Satisfaction Call", "First Follow-up", "Second Follow-up"]
		)
		done = getdate(job.completed_on)
		self.assertEqual(
			[r.due_date for r in rows], [add_days(done, 1), add_days(done, 3), add_days(done, 10)]
		)
		self.assertEqual({r.technician for r in rows}, {TECHNICIAN})
		self.assertEqual({r.status for r in rows}, {"Open"})

		# the hook again, the job moving on, and the sweep twice: nothing more
		return_visits.on_repair_job_update(job)
		set_status(job.name, "Closed")
		return_visits.daily()
		return_visits.daily()
		self.assertEqual(len(visits_of("Repair Job", job.name)), 3)

	def test_an_open_job_gets_none(self):
		from aftersales_module.tests.utils import make_repair_job

		job = make_repair_job(technicians=[{"user": TECHNICIAN}])
		set_status(job.name, "Dispatched")
		return_visits.daily()
		self.assertEqual(visits_of("Repair Job", job.name), [])

	def test_a_resolved_complaint_gets_its_visit_once(self):
		complaint = resolved_complaint()
		rows = visits_of("Complaint Record", complaint.name)
		self.assertEqual([r.visit_kind for r in rows], ["Satisfaction Call"])
		self.assertEqual(rows[0].due_date, add_days(getdate(complaint.resolved_on), 1))
		return_visits.on_complaint_update(complaint)
		return_visits.daily()
		return_visits.daily()
		self.assertEqual(len(visits_of("Complaint Record", complaint.name)), 1)

	def test_a_complaint_visit_gives_the_case_its_feedback(self):
		complaint = resolved_complaint()
		name = visits_of("Complaint Record", complaint.name)[0].name
		self.rate(
			name,
			STAFF[0],
			rating_attitude="Good",
			rating_skill="Good",
			rating_punctuality="Excellent",
			rating_result="Good",
			suggestions="<script>x</script> fine now",
		)
		feedback = frappe.db.get_value("Complaint Record", complaint.name, "customer_feedback")
		self.assertIn(name, feedback)
		self.assertIn("fine now", feedback)
		comment = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": "Complaint Record",
				"reference_name": complaint.name,
				"comment_type": "Info",
			},
			pluck="content",
		)
		self.assertTrue(comment and not any("<script" in c for c in comment), comment)
		# the handler can now record the Return Visited step
		from frappe.model.workflow import apply_workflow

		doc = apply_workflow(frappe.get_doc("Complaint Record", complaint.name), "Record Return Visit")
		self.assertEqual(doc.status, "Return Visited")

	def test_the_sweep_writes_what_the_hook_missed_once(self):
		job = completed_job(TECHNICIAN)
		frappe.db.delete(
			"Return Visit", {"reference_name": job.name, "visit_kind": ("!=", "First Follow-up")}
		)
		self.assertEqual(len(visits_of("Repair Job", job.name)), 1)
		result = return_visits.daily()
		self.assertGreaterEqual(result["created"], 2)
		self.assertEqual(len(visits_of("Repair Job", job.name)), 3)
		return_visits.daily()
		self.assertEqual(len(visits_of("Repair Job", job.name)), 3)

	def test_the_database_refuses_a_second_visit_of_a_kind(self):
		job = completed_job(TECHNICIAN)
		first = frappe.get_doc("Return Visit", visits_of("Repair Job", job.name)[0].name)
		copy = frappe.copy_doc(first)
		copy.flags.ignore_permissions = True
		from aftersales_module.guard import app_write

		with app_write(), self.assertRaises(frappe.UniqueValidationError):
			copy.insert()

	# ------------------------------------------------------------ assignment (fixture rule)
	def test_new_visits_are_assigned_round_robin_to_return_visit_staff(self):
		rule = frappe.get_doc("Assignment Rule", return_visits.ASSIGNMENT_RULE)
		self.assertEqual(rule.rule, "Round Robin")
		job = completed_job(TECHNICIAN)
		return_visits.sync_assignment_users()
		self.assertTrue(
			set(STAFF) <= {row.user for row in frappe.get_doc("Assignment Rule", rule.name).users}
		)
		job2 = completed_job(TECHNICIAN)
		owners = []
		for row in visits_of("Repair Job", job2.name):
			todos = frappe.get_all(
				"ToDo",
				filters={"reference_type": "Return Visit", "reference_name": row.name, "status": "Open"},
				pluck="allocated_to",
			)
			self.assertEqual(len(todos), 1, f"{row.name} has one open assignment")
			owners.append(todos[0])
		self.assertTrue(set(owners) <= set(rule_users()))
		self.assertGreater(len(set(owners)), 1, "round robin spreads the visits")
		self.assertTrue(job.name)

	def test_without_staff_the_rule_is_off_and_visits_wait_for_the_sweep(self):
		staff = frappe.get_all(
			"Has Role", filters={"role": return_visits.ROLE, "parenttype": "User"}, pluck="parent"
		)
		enabled = [u for u in staff if frappe.db.get_value("User", u, "enabled")]
		try:
			for user in enabled:
				frappe.db.set_value("User", user, "enabled", 0)
			self.assertFalse(return_visits.sync_assignment_users())
			self.assertTrue(frappe.db.get_value("Assignment Rule", return_visits.ASSIGNMENT_RULE, "disabled"))
			job = completed_job(TECHNICIAN)
			name = visits_of("Repair Job", job.name)[0].name
			visit = frappe.get_doc("Return Visit", name)
			visit.suggestions = "call in the afternoon"
			visit.save()  # a rule without users would fail Frappe's round robin here
			self.assertFalse(frappe.get_all("ToDo", filters={"reference_name": name, "status": "Open"}))
		finally:
			for user in enabled:
				frappe.db.set_value("User", user, "enabled", 1)
		# someone holds the role again: the sweep hands out what waited
		return_visits.daily()
		self.assertTrue(frappe.get_all("ToDo", filters={"reference_name": name, "status": "Open"}))

	# ------------------------------------------------------------ recording a visit
	def rate(self, visit_name, user, **ratings):
		frappe.set_user(user)
		visit = frappe.get_doc("Return Visit", visit_name)
		visit.update({"reached": 1, "contact_method": "Phone", **ratings})
		visit.save()
		frappe.set_user("Administrator")
		return visit

	def test_a_visit_with_four_ratings_is_done_and_satisfied(self):
		job = completed_job(TECHNICIAN)
		name = visits_of("Repair Job", job.name)[0].name
		visit = self.rate(
			name,
			STAFF[0],
			rating_attitude="Excellent",
			rating_skill="Good",
			rating_punctuality="Good",
			rating_result="Excellent",
			suggestions="<b>call before coming</b>",
		)
		self.assertEqual(visit.status, "Done")
		self.assertEqual(visit.visited_by, STAFF[0])
		self.assertEqual(visit.attempts, 1)
		self.assertEqual(visit.average_rating, 3.5)
		self.assertTrue(visit.satisfied)
		self.assertFalse(visit.complaint)

	def test_a_poor_rating_raises_one_service_complaint(self):
		job = completed_job(TECHNICIAN)
		name = visits_of("Repair Job", job.name)[0].name
		visit = self.rate(
			name,
			STAFF[0],
			rating_attitude="Poor",
			rating_skill="Good",
			rating_punctuality="Fair",
			rating_result="Good",
		)
		self.assertEqual(visit.status, "Done")
		self.assertFalse(visit.satisfied)
		complaint = frappe.get_doc("Complaint Record", visit.complaint)
		self.assertEqual(complaint.complaint_type, "Service")
		self.assertEqual(complaint.return_visit, visit.name)
		self.assertEqual(complaint.repair_job, job.name)
		self.assertEqual(complaint.customer, job.customer)
		self.assertEqual(
			complaint.responsible_employee, frappe.db.get_value("Employee", {"user_id": TECHNICIAN})
		)
		# saving again, or another Poor rating, raises no second complaint
		self.rate(name, STAFF[0], rating_result="Poor", suggestions="still unhappy")
		self.assertEqual(frappe.db.count("Complaint Record", {"return_visit": visit.name}), 1)

	def test_a_rating_out_of_range_is_refused_with_4xx(self):
		job = completed_job(TECHNICIAN)
		name = visits_of("Repair Job", job.name)[0].name
		for bad in ("Superb", "5", "0"):
			visit = frappe.get_doc("Return Visit", name)
			visit.rating_skill = bad
			with self.assertRaises(frappe.ValidationError) as caught:
				visit.save()
			self.assertTrue(400 <= caught.exception.http_status_code < 500)
		self.assertFalse(frappe.db.get_value("Return Visit", name, "rating_skill"))

	def test_app_managed_fields_are_refused_on_a_plain_save(self):
		job = completed_job(TECHNICIAN)
		name = visits_of("Repair Job", job.name)[0].name
		frappe.set_user(STAFF[0])
		for field, value in (
			("status", "Done"),
			("due_date", add_days(nowdate(), 30)),
			("reference_name", "RJ-0000-00000"),
		):
			visit = frappe.get_doc("Return Visit", name)
			visit.set(field, value)
			with self.assertRaises(frappe.PermissionError):
				visit.save()

	def test_a_technician_cannot_open_return_visits(self):
		job = completed_job(TECHNICIAN)
		frappe.set_user(TECHNICIAN)
		self.assertFalse(frappe.has_permission("Return Visit", "read"))
		self.assertTrue(job.name)

	# ------------------------------------------------------------ overdue, missed, rescheduled
	def test_the_sweep_marks_overdue_then_missed_and_leaves_done_visits(self):
		job = completed_job(TECHNICIAN)
		rows = visits_of("Repair Job", job.name)
		call, first, second = (r.name for r in rows)
		self.rate(
			second,
			STAFF[0],
			rating_attitude="Good",
			rating_skill="Good",
			rating_punctuality="Good",
			rating_result="Good",
		)
		today = getdate(nowdate())
		# the call's last day has passed, the first follow-up is due yesterday but not yet missed
		frappe.db.set_value(
			"Return Visit", call, {"due_date": add_days(today, -3), "last_day": add_days(today, -2)}
		)
		frappe.db.set_value(
			"Return Visit", first, {"due_date": add_days(today, -1), "last_day": add_days(today, 3)}
		)
		frappe.db.set_value(
			"Return Visit", second, {"due_date": add_days(today, -9), "last_day": add_days(today, -9)}
		)
		return_visits.daily(today)
		state = {r.name: (r.status, r.is_overdue) for r in visits_of("Repair Job", job.name)}
		self.assertEqual(state[call], ("Missed", 1))
		self.assertEqual(state[first], ("Open", 1))
		self.assertEqual(state[second], ("Done", 0))
		return_visits.daily(today)
		self.assertEqual({r.name: (r.status, r.is_overdue) for r in visits_of("Repair Job", job.name)}, state)

	def test_a_missed_visit_escalates_once_until_it_is_made(self):
		job = completed_job(TECHNICIAN)
		call = visits_of("Repair Job", job.name)[0].name
		today = getdate(nowdate())
		frappe.db.set_value(
			"Return Visit", call, {"due_date": add_days(today, -3), "last_day": add_days(today, -2)}
		)
		return_visits.daily(today)
		visit = frappe.get_doc("Return Visit", call)
		policy = frappe.db.get_value("Escalation Policy", {"document_type": "Return Visit"}, "name")
		self.assertEqual((visit.status, visit.escalation_policy), ("Missed", policy))
		missed_on = get_datetime(visit.missed_on)
		self.assertEqual(get_datetime(visit.next_escalation_at), missed_on, "the first level fires at once")

		escalation.sweep(missed_on + timedelta(minutes=5))
		escalation.sweep(missed_on + timedelta(minutes=6))
		visit.reload()
		self.assertEqual(visit.escalation_level, 1)
		self.assertEqual(len(visit.escalation_log), 1, "a second sweep sends nothing twice")
		self.assertIn(self.manager, visit.escalation_log[0].recipients)
		self.assertTrue(
			frappe.db.exists(
				"Notification Log",
				{"document_type": "Return Visit", "document_name": call, "for_user": self.manager},
			)
		)
		self.assertEqual(get_datetime(visit.next_escalation_at), missed_on + timedelta(days=2))

		# made late: the escalation stops
		self.rate(
			call,
			STAFF[0],
			rating_attitude="Good",
			rating_skill="Good",
			rating_punctuality="Good",
			rating_result="Good",
		)
		visit.reload()
		self.assertEqual((visit.status, visit.next_escalation_at), ("Done", None))
		escalation.sweep(missed_on + timedelta(days=3))
		self.assertEqual(frappe.db.get_value("Return Visit", call, "escalation_level"), 1)

	def test_the_second_follow_up_falls_due_after_the_first_is_made(self):
		job = completed_job(TECHNICIAN)
		rows = {r.visit_kind: r.name for r in visits_of("Repair Job", job.name)}
		visit = self.rate(
			rows["First Follow-up"],
			STAFF[1],
			rating_attitude="Good",
			rating_skill="Good",
			rating_punctuality="Good",
			rating_result="Good",
		)
		second = frappe.db.get_value("Return Visit", rows["Second Follow-up"], "due_date")
		self.assertEqual(getdate(second), add_days(getdate(visit.visited_on), 7))


def rule_users() -> list[str]:
	return [row.user for row in frappe.get_doc("Assignment Rule", return_visits.ASSIGNMENT_RULE).users]
