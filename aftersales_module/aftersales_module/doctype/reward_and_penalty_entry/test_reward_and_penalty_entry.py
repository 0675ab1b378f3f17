# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Rewards and penalties: drafted once per source (the close hook and the daily sweep, run again and
again, and with the sweep's own existence check out of the way as a second worker would find it),
with the shares of the loss; approved by submitting, by an After Sales Manager who is not the person
fined; handed to payroll only where HRMS is installed, which this site is not."""

import importlib
import sys
from unittest.mock import patch

import frappe
import frappe.client
from frappe.model.workflow import apply_workflow
from frappe.utils import getdate, nowdate

from aftersales_module.aftersales_module.doctype.reward_and_penalty_entry.reward_and_penalty_entry import (
	hrms_installed,
)
from aftersales_module.aftersales_module.report.reward_and_penalty_summary import (
	reward_and_penalty_summary as summary,
)
from aftersales_module.tasks import accountability
from aftersales_module.tests.utils import (
	TEST_COMPANY,
	AfterSalesTestCase,
	make_complaint,
	make_department,
	make_employee,
	make_user,
)

DOCTYPE = "Reward and Penalty Entry"
SETTINGS = {
	"penalty_employee_percent": 70,
	"penalty_head_percent": 30,
	"concealment_fine_amount": 120,
	"penalised_escalation_level": 1,
	"escalation_fine_amount": 50,
	"service_rule_fine_amount": 80,
}


def entries(source_name: str, rule: str | None = None) -> list[frappe._dict]:
	filters = {"source_doctype": "Complaint Record", "source_name": source_name}
	if rule:
		filters["rule"] = rule
	return frappe.get_all(
		DOCTYPE,
		filters=filters,
		fields=["name", "employee", "amount", "kind", "rule", "docstatus", "source_key", "posting_date"],
		order_by="amount desc",
	)


class TestRewardAndPenaltyEntry(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		# the head approves too: an After Sales Manager who is fined for their employee's case
		cls.head = make_user("as-rpe-head@example.com", ["After Sales Manager"])
		cls.manager = make_user("as-rpe-manager@example.com", ["After Sales Manager"])
		cls.rep = make_user("as-rpe-rep@example.com", ["After Sales User"])
		cls.clerk = make_user("as-rpe-clerk@example.com", ["After Sales User"])
		cls.department = make_department()
		cls.head_employee = make_employee(cls.head)
		cls.manager_employee = make_employee(cls.manager)
		cls.rep_employee = make_employee(cls.rep, reports_to=cls.head)
		frappe.db.set_single_value("After Sales Settings", SETTINGS)

	def tearDown(self):
		frappe.set_user("Administrator")

	def closed_complaint(self, fault="Partial", degree=50, compensation=2000):
		"""A complaint taken through the whole workflow to Closed, with the company at fault."""
		doc = make_complaint(subject="Pump seal leaks again", handler=self.rep)
		doc = apply_workflow(doc, "Classify")
		doc.update(
			{
				"complaint_type": "Service",
				"severity": "General",
				"validity": "Valid",
				"responsible_department": self.department,
				"responsible_employee": self.rep_employee,
			}
		)
		doc.save()
		for action in ("Assign", "Start Investigation"):
			doc = apply_workflow(doc, action)
		doc.proposed_solution = "Replace the seal, refund the call-out"
		doc.save()
		doc = apply_workflow(doc, "Propose Solution")
		doc = apply_workflow(doc, "Approve")
		doc.update(
			{
				"customer_agreed_by": "Mr Wang",
				"company_fault": fault,
				"fault_degree": degree,
				"compensation_type": "Refund",
				"compensation_amount": compensation,
			}
		)
		doc.save()
		for action in ("Customer Agrees", "Execute", "Resolve"):
			doc = apply_workflow(doc, action)
		doc.customer_feedback = "Fixed"
		doc.save()
		doc = apply_workflow(doc, "Record Return Visit")
		self.assertEqual(entries(doc.name), [], "nothing is drafted before the case closes")
		return apply_workflow(doc, "Close")

	# -------------------------------------------------------------- drafted once per source

	def test_closing_drafts_the_shares_once(self):
		doc = self.closed_complaint(fault="Partial", degree=50, compensation=2000)
		rows = entries(doc.name)
		# loss 2000 × 50 % = 1000: the employee 70 %, their head 30 %
		self.assertEqual(
			[(r.employee, r.amount, r.kind, r.rule, r.docstatus) for r in rows],
			[
				(self.rep_employee, 700.0, "Fine", "Complaint Loss", 0),
				(self.head_employee, 300.0, "Fine", "Complaint Loss", 0),
			],
		)
		self.assertEqual(getdate(rows[0].posting_date), getdate(nowdate()))
		# the hook fires again (another save, the hook itself), the sweep runs twice
		doc.reload()
		doc.save()
		accountability.on_complaint_update(doc)
		accountability.daily()
		accountability.daily()
		self.assertEqual(len(entries(doc.name)), 2)
		# a second worker that did not see the first one's rows: the unique key keeps them single
		with patch.object(accountability, "existing_keys", return_value=set()):
			self.assertEqual(accountability.draft_complaint_losses(names=[doc.name]), [])
		self.assertEqual(len(entries(doc.name)), 2)

	def test_full_fault_takes_the_whole_compensation(self):
		doc = self.closed_complaint(fault="Full", degree=0, compensation=333.33)
		self.assertEqual([r.amount for r in entries(doc.name)], [233.33, 100.0])

	def test_no_company_fault_drafts_nothing(self):
		doc = self.closed_complaint(fault="None", compensation=500)
		accountability.daily()
		self.assertEqual(entries(doc.name), [])

	def test_concealed_complaint_is_fined_once(self):
		doc = make_complaint(subject="Hidden from the supervisor", handler=self.rep)
		frappe.db.set_value("Complaint Record", doc.name, "is_overdue", 1)
		reported = make_complaint(subject="Overdue but reported", handler=self.rep)
		reported.escalate("Reported to the supervisor in time")
		frappe.db.set_value("Complaint Record", reported.name, "is_overdue", 1)

		accountability.daily()
		accountability.daily()
		rows = entries(doc.name, "Concealment")
		self.assertEqual([(r.employee, r.amount) for r in rows], [(self.rep_employee, 120.0)])
		self.assertEqual(entries(reported.name, "Concealment"), [], "a case reported by hand is no finding")

	def test_escalation_to_the_penalised_level_fines_rep_and_head_once(self):
		doc = make_complaint(subject="Customer went over our heads", handler=self.rep)
		frappe.db.set_value("Complaint Record", doc.name, "responsible_employee", self.rep_employee)
		frappe.get_doc("Complaint Record", doc.name).escalate("Customer called the general manager")
		first = accountability.daily()
		self.assertGreaterEqual(first["escalation"], 2)
		accountability.daily()
		rows = entries(doc.name, "Escalation")
		self.assertEqual(
			sorted((r.employee, r.amount) for r in rows),
			sorted([(self.rep_employee, 50.0), (self.head_employee, 50.0)]),
		)
		frappe.db.set_single_value("After Sales Settings", "penalised_escalation_level", 0)
		try:
			self.assertEqual(accountability.draft_escalations(), [], "level 0 penalises nothing")
		finally:
			frappe.db.set_single_value("After Sales Settings", "penalised_escalation_level", 1)

	# -------------------------------------------------------------- approval

	def test_nobody_approves_their_own_fine(self):
		doc = self.closed_complaint()
		head_fine = next(r.name for r in entries(doc.name) if r.employee == self.head_employee)

		frappe.set_user(self.head)  # an After Sales Manager, and the person fined
		with self.assertRaises(frappe.PermissionError):
			frappe.client.submit(frappe.get_doc(DOCTYPE, head_fine).as_dict())
		self.assertEqual(frappe.db.get_value(DOCTYPE, head_fine, "docstatus"), 0)

		frappe.set_user(self.rep)  # may write, not approve
		with self.assertRaises(frappe.PermissionError):
			frappe.client.submit(frappe.get_doc(DOCTYPE, head_fine).as_dict())

		frappe.set_user(self.manager)
		frappe.client.submit(frappe.get_doc(DOCTYPE, head_fine).as_dict())
		approved = frappe.get_doc(DOCTYPE, head_fine)
		self.assertEqual((approved.docstatus, approved.approved_by), (1, self.manager))
		self.assertTrue(approved.approved_on)

		frappe.set_user("Administrator")
		columns, data, *_rest = summary.execute({"company": TEST_COMPANY, "employee": self.head_employee})
		self.assertIn("fines", [c["fieldname"] for c in columns])
		self.assertEqual(
			[(r["fines"], r["rewards"], r["net"], r["count"]) for r in data], [(300.0, 0.0, -300.0, 1)]
		)

	def test_drafted_fields_and_app_fields_are_not_typed(self):
		doc = self.closed_complaint()
		name = entries(doc.name)[0].name
		frappe.set_user(self.clerk)
		entry = frappe.get_doc(DOCTYPE, name)
		entry.employee = self.manager_employee
		with self.assertRaises(frappe.PermissionError):
			entry.save()
		entry.reload()
		entry.amount = 650  # the amount may be adjusted before approval
		entry.save()
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(
				{
					"doctype": DOCTYPE,
					"employee": self.rep_employee,
					"company": TEST_COMPANY,
					"rule": "Other",
					"amount": 10,
					"reason": "Typed a key",
					"source_key": "Concealment:Complaint Record:X:handler:Y",
				}
			).insert()
		with self.assertRaises(frappe.ValidationError):
			frappe.get_doc(
				{
					"doctype": DOCTYPE,
					"employee": self.rep_employee,
					"company": TEST_COMPANY,
					"rule": "Concealment",
					"amount": 10,
					"reason": "Typed by hand",
				}
			).insert()

	def test_manual_service_rule_breach_takes_the_settings_amount(self):
		frappe.set_user(self.clerk)
		entry = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"employee": self.rep_employee,
				"rule": "Service Rule Breach",
				"reason": "Callback later than 30 minutes (004/11)",
			}
		).insert()
		self.assertEqual((entry.amount, entry.kind, entry.company), (80.0, "Fine", TEST_COMPANY))
		self.assertEqual(
			entry.employee_name, frappe.db.get_value("Employee", self.rep_employee, "employee_name")
		)
		reward = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"kind": "Reward",
				"employee": self.rep_employee,
				"rule": "Other",
				"amount": 200,
				"reason": "Praised by the customer in writing",
			}
		).insert()
		self.assertEqual(reward.amount, 200.0)
		with self.assertRaisesRegex(frappe.ValidationError, "Amount"):
			frappe.get_doc(
				{"doctype": DOCTYPE, "employee": self.rep_employee, "rule": "Other", "reason": "No amount"}
			).insert()

	# -------------------------------------------------------------- payroll (HRMS)

	def test_without_hrms_the_ledger_stands_alone(self):
		self.assertFalse(hrms_installed(), "this site has no HRMS: the test checks the refusal")
		entry = frappe.get_doc(
			{
				"doctype": DOCTYPE,
				"employee": self.rep_employee,
				"rule": "Service Rule Breach",
				"reason": "No uniform on site",
			}
		).insert()
		frappe.set_user(self.manager)
		entry = frappe.get_doc(DOCTYPE, entry.name)
		entry.submit()
		entry.run_method("onload")
		self.assertIs(entry.get_onload().get("hrms_installed"), False, "the form hides the payroll button")
		with self.assertRaises(frappe.ValidationError) as refused:
			entry.make_additional_salary()
		self.assertNotIsInstance(refused.exception, frappe.PermissionError)
		self.assertTrue(400 <= refused.exception.http_status_code < 500)
		self.assertIn("HRMS", str(refused.exception))
		self.assertFalse(frappe.db.get_value(DOCTYPE, entry.name, "additional_salary"))

		frappe.set_user(self.clerk)
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(DOCTYPE, entry.name).make_additional_salary()

	def test_the_app_never_imports_hrms(self):
		for module in (
			"aftersales_module.hooks",
			"aftersales_module.aftersales_module.doctype.reward_and_penalty_entry.reward_and_penalty_entry",
			"aftersales_module.tasks.accountability",
			"aftersales_module.aftersales_module.report.reward_and_penalty_summary.reward_and_penalty_summary",
			"aftersales_module.setup.demo_accountability",
		):
			importlib.import_module(module)
		frappe.get_meta(DOCTYPE)
		self.assertFalse([name for name in sys.modules if name == "hrms" or name.startswith("hrms.")])
