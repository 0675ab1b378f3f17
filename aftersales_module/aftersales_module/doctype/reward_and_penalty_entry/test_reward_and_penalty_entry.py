# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Rewards and penalties: drafted once per source (the close hook and the daily sweep, run again and
again, and with the sweep's own existence check out of the way as a second worker would find it),
with the shares of the loss; approved by submitting, by an After Sales Manager who is not the person
fined; handed to payroll only where HRMS is installed. The payroll tests come in pairs that skip each
other: without HRMS the action is refused and nothing imports HRMS; with it (a site that has HRMS,
such as one made for this check) the approved entries become HRMS Additional Salaries."""

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
		if hrms_installed():
			self.skipTest("HRMS is installed on this site: test_with_hrms_entries_become_additional_salary")
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
		if hrms_installed():
			self.skipTest("HRMS is installed on this site: Frappe itself loads it")
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

	def test_with_hrms_entries_become_additional_salary(self):
		if not hrms_installed():
			self.skipTest("HRMS is not installed on this site")
		fine_component = make_salary_component("_AS Test Fine", "Deduction")
		reward_component = make_salary_component("_AS Test Reward", "Earning")
		frappe.db.set_single_value(
			"After Sales Settings",
			{"deduction_component": fine_component, "earning_component": reward_component},
		)
		fine = self.approved_entry(rule="Service Rule Breach", reason="Callback later than 30 minutes")
		reward = self.approved_entry(kind="Reward", rule="Other", amount=200, reason="Praised in writing")
		self.assertEqual((fine.amount, reward.amount), (80.0, 200.0))
		fine.run_method("onload")
		self.assertIs(fine.get_onload().get("hrms_installed"), True, "the form shows the payroll button")

		# HRMS pays only an employee with a salary structure: its own refusal, nothing made
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "Salary Structure"):
			frappe.get_doc(DOCTYPE, fine.name).make_additional_salary()
		self.assertEqual(additional_salaries(fine.name), [])
		self.assertFalse(frappe.db.get_value(DOCTYPE, fine.name, "additional_salary"))

		# the rep is paid in a currency other than the company's (and the site's default): the
		# Additional Salary is in the currency of their salary, as HRMS's own form makes it
		frappe.set_user("Administrator")
		company_currency = frappe.get_cached_value("Company", TEST_COMPANY, "default_currency")
		currency = "EUR" if company_currency == "USD" else "USD"
		self.assertNotEqual(currency, frappe.defaults.get_global_default("currency"))
		assign_salary_structure(self.rep_employee, reward_component, currency)

		frappe.set_user(self.clerk)  # may write an entry, not hand it to payroll
		with self.assertRaises(frappe.PermissionError):
			frappe.get_doc(DOCTYPE, fine.name).make_additional_salary()

		frappe.set_user(self.manager)  # an After Sales Manager, not the employee
		made = {}
		for entry, kind, component in (
			(fine, "Deduction", fine_component),
			(reward, "Earning", reward_component),
		):
			name = frappe.get_doc(DOCTYPE, entry.name).make_additional_salary()
			made[entry.name] = name
			self.assertEqual(frappe.db.get_value(DOCTYPE, entry.name, "additional_salary"), name)
			rows = additional_salaries(entry.name)
			self.assertEqual(len(rows), 1)
			row = rows[0]
			self.assertEqual(row.name, name)
			self.assertEqual(
				(row.type, row.salary_component, row.amount, row.employee, row.company, row.currency),
				(kind, component, entry.amount, self.rep_employee, TEST_COMPANY, currency),
			)
			self.assertEqual(getdate(row.payroll_date), getdate(entry.posting_date))
			self.assertEqual(
				(row.docstatus, row.is_recurring, row.overwrite_salary_structure_amount), (0, 0, 0)
			)
			# once only: a second call is refused and makes nothing
			with self.assertRaisesRegex(frappe.ValidationError, "already in payroll"):
				frappe.get_doc(DOCTYPE, entry.name).make_additional_salary()
			self.assertEqual(len(additional_salaries(entry.name)), 1)

		# HR submits the fine's Additional Salary: the fine cannot be cancelled under payroll's feet
		frappe.set_user("Administrator")
		frappe.get_doc("Additional Salary", made[fine.name]).submit()
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "Cancel Additional Salary"):
			frappe.get_doc(DOCTYPE, fine.name).cancel()
		self.assertEqual(frappe.db.get_value(DOCTYPE, fine.name, "docstatus"), 1)
		frappe.set_user("Administrator")
		frappe.get_doc("Additional Salary", made[fine.name]).cancel()
		frappe.set_user(self.manager)
		frappe.get_doc(DOCTYPE, fine.name).cancel()
		self.assertEqual(frappe.db.get_value(DOCTYPE, fine.name, "docstatus"), 2)

		# the reward's Additional Salary is still a draft: the reward may be cancelled, and HR can
		# then no longer submit the draft (Frappe refuses a link to a cancelled document)
		frappe.get_doc(DOCTYPE, reward.name).cancel()
		self.assertEqual(frappe.db.get_value(DOCTYPE, reward.name, "docstatus"), 2)
		frappe.set_user("Administrator")
		with self.assertRaises(frappe.CancelledLinkError):
			frappe.get_doc("Additional Salary", made[reward.name]).submit()
		self.assertEqual(frappe.db.get_value("Additional Salary", made[reward.name], "docstatus"), 0)

		# a component of the other type is refused
		frappe.db.set_single_value("After Sales Settings", "deduction_component", reward_component)
		other = self.approved_entry(rule="Other", amount=30, reason="Left the van unlocked")
		frappe.set_user(self.manager)
		with self.assertRaisesRegex(frappe.ValidationError, "not of type"):
			frappe.get_doc(DOCTYPE, other.name).make_additional_salary()
		self.assertEqual(additional_salaries(other.name), [])

	def approved_entry(self, **values):
		"""An entry for the rep, written by the clerk and approved (submitted) by the manager."""
		frappe.set_user(self.clerk)
		entry = frappe.get_doc({"doctype": DOCTYPE, "employee": self.rep_employee, **values}).insert()
		frappe.set_user(self.manager)
		entry = frappe.get_doc(DOCTYPE, entry.name)
		entry.submit()
		frappe.set_user("Administrator")
		return entry


def additional_salaries(entry_name: str) -> list[frappe._dict]:
	"""The HRMS Additional Salaries made from a Reward and Penalty Entry."""
	return frappe.get_all(
		"Additional Salary",
		filters={"ref_doctype": DOCTYPE, "ref_docname": entry_name},
		fields=[
			"name",
			"type",
			"salary_component",
			"amount",
			"employee",
			"company",
			"currency",
			"payroll_date",
			"docstatus",
			"is_recurring",
			"overwrite_salary_structure_amount",
		],
	)


def make_salary_component(name: str, component_type: str) -> str:
	"""An HRMS Salary Component (made through the document API: the app never imports HRMS)."""
	if not frappe.db.exists("Salary Component", name):
		frappe.get_doc(
			{
				"doctype": "Salary Component",
				"salary_component": name,
				"salary_component_abbr": "".join(word[0] for word in name.split()).upper()
				+ component_type[0],
				"type": component_type,
			}
		).insert(ignore_permissions=True)
	return name


def assign_salary_structure(employee: str, component: str, currency: str) -> str:
	"""A submitted Salary Structure for the test company, assigned (submitted) to `employee` from the
	day they joined: HRMS makes an Additional Salary only for an employee with a salary structure."""
	structure = "_AS Test Salary Structure"
	if not frappe.db.exists("Salary Structure", structure):
		doc = frappe.get_doc(
			{
				"doctype": "Salary Structure",
				"__newname": structure,
				"company": TEST_COMPANY,
				"currency": currency,
				"payroll_frequency": "Monthly",
				"is_active": "Yes",
				"earnings": [{"salary_component": component, "amount": 5000}],
			}
		)
		doc.insert(ignore_permissions=True)
		doc.submit()
	assignment = frappe.get_doc(
		{
			"doctype": "Salary Structure Assignment",
			"employee": employee,
			"salary_structure": structure,
			"company": TEST_COMPANY,
			"currency": currency,
			"from_date": frappe.db.get_value("Employee", employee, "date_of_joining"),
			"base": 5000,
		}
	).insert(ignore_permissions=True)
	assignment.submit()
	return assignment.name
