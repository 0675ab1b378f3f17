# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""A fine or a reward (奖惩, 001/1 §2.3 and §3.7): drafted once from its source by the app
(tasks/accountability.py), or typed by hand for a service rule breach or anything else. Submitting
is the approval: an After Sales Manager, never the person the entry is for. With HRMS on the site,
an approved entry becomes an Additional Salary; without it, the entries are the ledger."""

import frappe
from frappe import _
from frappe.utils import flt, now_datetime

from aftersales_module.guard import AppDocument, app_write, in_app_write
from aftersales_module.policy import accountability as policy
from aftersales_module.roles import require_manager
from aftersales_module.settings import get_settings

DOCTYPE = "Reward and Penalty Entry"
HRMS = "hrms"
# The fields of a drafted entry that say what it is for: fixed by its source.
DRAFTED_FIELDS = ("rule", "employee", "kind")


def hrms_installed() -> bool:
	"""Whether the HRMS app is installed on this site (checked each time, never imported)."""
	return HRMS in frappe.get_installed_apps()


class RewardandPenaltyEntry(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		additional_salary: DF.Data | None
		amended_from: DF.Link | None
		amount: DF.Currency
		approved_by: DF.Link | None
		approved_on: DF.Datetime | None
		company: DF.Link
		department: DF.Link | None
		employee: DF.Link
		employee_name: DF.Data | None
		kind: DF.Literal["Fine", "Reward"]
		naming_series: DF.Literal["RPE-.YYYY.-.#####"]
		posting_date: DF.Date
		reason: DF.SmallText
		rule: DF.Literal["Complaint Loss", "Concealment", "Escalation", "Service Rule Breach", "Other"]
		source_doctype: DF.Link | None
		source_key: DF.Data | None
		source_name: DF.DynamicLink | None
	# end: auto-generated types

	# Written by the drafting sweeps, the approval and the payroll action; nobody types them.
	app_managed_fields = (
		"source_key",
		"source_doctype",
		"source_name",
		"approved_by",
		"approved_on",
		"additional_salary",
	)

	def onload(self):
		self.set_onload("hrms_installed", hrms_installed())

	def before_validate(self):
		if not self.amount and self.rule == policy.SERVICE_RULE_BREACH:
			settings = policy.with_defaults(get_settings())
			self.amount = policy.default_amount(self.rule, self.amount, settings["service_rule_fine_amount"])

	def validate(self):
		self.check_rule()
		if flt(self.amount) <= 0:
			frappe.throw(
				_("{0} must be more than 0").format(_(self.meta.get_label("amount"))),
				title=_("Missing amount"),
			)

	def check_rule(self):
		"""A user types only the manual rules; a drafted entry keeps what its source made it."""
		if in_app_write():
			return
		if self.source_key:
			before = self.get_doc_before_save()
			changed = [f for f in DRAFTED_FIELDS if before and before.get(f) != self.get(f)]
			if changed:
				frappe.throw(
					_("{0} {1} was drafted from {2} {3}: {4} cannot be changed").format(
						_(self.doctype),
						self.name,
						_(self.source_doctype or ""),
						self.source_name or "",
						", ".join(_(self.meta.get_label(f)) for f in changed),
					),
					frappe.PermissionError,
				)
		elif self.rule not in policy.MANUAL_RULES:
			frappe.throw(
				_("The app drafts {0} entries from their source; choose {1} or {2}").format(
					_(self.rule), _(policy.SERVICE_RULE_BREACH), _(policy.OTHER)
				)
			)

	def before_submit(self):
		"""Submitting approves: an After Sales Manager, and never the person fined or rewarded."""
		require_manager(_("Only an After Sales Manager approves a reward or a fine"))
		employee_user = frappe.db.get_value("Employee", self.employee, "user_id")
		if policy.is_self_approval(frappe.session.user, employee_user):
			frappe.throw(
				_("{0} {1} is for you ({2}): another After Sales Manager approves it").format(
					_(self.doctype), self.name, self.employee_name or self.employee
				),
				frappe.PermissionError,
				title=_("Not allowed"),
			)
		with app_write():
			self.approved_by = frappe.session.user
			self.approved_on = now_datetime()

	def before_cancel(self):
		if self.additional_salary and hrms_installed():
			docstatus = frappe.db.get_value("Additional Salary", self.additional_salary, "docstatus")
			if docstatus == 1:
				frappe.throw(
					_("Cancel Additional Salary {0} first: payroll counts it").format(
						frappe.bold(self.additional_salary)
					)
				)

	@frappe.whitelist()
	def make_additional_salary(self) -> str:
		"""Hand the approved entry to payroll: an HRMS Additional Salary (a Deduction for a fine, an
		Earning for a reward), left as a draft for HR to submit. Returns its name."""
		require_manager(_("Only an After Sales Manager hands a reward or a fine to payroll"))
		if not hrms_installed():
			frappe.throw(
				_(
					"HRMS is not installed on this site: {0} {1} stays in the reward and penalty ledger"
				).format(_(self.doctype), self.name),
				title=_("No payroll"),
			)
		if self.docstatus != 1:
			frappe.throw(_("Approve {0} {1} before handing it to payroll").format(_(self.doctype), self.name))
		if self.additional_salary and frappe.db.exists("Additional Salary", self.additional_salary):
			frappe.throw(
				_("{0} {1} is already in payroll as Additional Salary {2}").format(
					_(self.doctype), self.name, self.additional_salary
				)
			)
		settings = get_settings()
		kind = "Deduction" if self.kind == policy.FINE else "Earning"
		fieldname = "deduction_component" if self.kind == policy.FINE else "earning_component"
		component = settings.get(fieldname)
		if not component:
			frappe.throw(
				_("Set the {0} in After Sales Settings first").format(
					_(frappe.get_meta("After Sales Settings").get_label(fieldname))
				)
			)
		component_type = frappe.db.get_value("Salary Component", component, "type")
		if component_type != kind:
			frappe.throw(_("Salary Component {0} is not of type {1}").format(frappe.bold(component), _(kind)))
		salary = frappe.new_doc("Additional Salary")
		salary.update(
			{
				"employee": self.employee,
				"company": self.company,
				"salary_component": component,
				"type": kind,
				"amount": self.amount,
				"payroll_date": self.posting_date,
				"currency": payroll_currency(self.employee, self.company, self.posting_date),
				"overwrite_salary_structure_amount": 0,
				"ref_doctype": self.doctype,
				"ref_docname": self.name,
			}
		)
		salary.insert(ignore_permissions=True)
		with app_write():
			self.db_set("additional_salary", salary.name)
		return salary.name


def payroll_currency(employee: str, company: str, on_date) -> str:
	"""The currency `employee` is paid in on `on_date`: that of their submitted Salary Structure
	Assignment in force that day, else of their latest one, as HRMS's own Additional Salary form
	sets it; else the company's (HRMS then refuses an employee with no salary structure, in its own
	words). Left unset, a new Additional Salary takes the site's default currency, whatever the
	employee is paid in."""
	for on_or_before in ({"from_date": ("<=", on_date)}, {}):
		currency = frappe.db.get_value(
			"Salary Structure Assignment",
			{"employee": employee, "docstatus": 1, **on_or_before},
			"currency",
			order_by="from_date desc",
		)
		if currency:
			return currency
	return frappe.get_cached_value("Company", company, "default_currency")


def on_doctype_update():
	"""Indexes the Reward and Penalty Summary and the drafting sweeps read from."""
	for index_name, columns in (
		# the summary: a period's approved entries per employee and department, with the kind and
		# amount it adds up, from the index alone (it replaces posting_date_employee, its prefix)
		(
			"posting_date_amounts",
			["posting_date", "docstatus", "company", "employee", "department", "kind", "amount"],
		),
		# the sweeps: has this source an entry already
		("source", ["source_doctype", "source_name", "rule"]),
	):
		frappe.db.add_index(DOCTYPE, columns, index_name=index_name)
