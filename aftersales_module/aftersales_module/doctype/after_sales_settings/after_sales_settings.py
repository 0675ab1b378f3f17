# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder.functions import Max
from frappe.utils import cint, flt

from aftersales_module import webhooks
from aftersales_module.guard import AppDocument
from aftersales_module.policy import customers as customer_policy
from aftersales_module.policy import settings as settings_policy
from aftersales_module.validation import check_field_types


class AfterSalesSettings(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		alert_webhook_secret: DF.Password | None
		alert_webhook_url: DF.Data | None
		contract_renewal_reminder_days: DF.Int
		default_company: DF.Link | None
		discount_approval_percent: DF.Percent
		first_return_visit_days: DF.Int
		free_maintenance_reminder_days: DF.Int
		issue_parts_to_van: DF.Check
		labour_item: DF.Link | None
		repeat_complaint_window_days: DF.Int
		returns_warehouse: DF.Link | None
		satisfaction_call_days: DF.Int
		second_return_visit_days: DF.Int
		spare_parts_warehouse: DF.Link | None
		van_warehouse: DF.Link | None
		warranty_expense_account: DF.Link | None
		warranty_start_basis: DF.Literal["Delivery Date", "Invoice Date"]
	# end: auto-generated types

	def before_validate(self):
		check_field_types(self)

	def validate(self):
		problems = settings_policy.check_day_settings(
			{fieldname: self.get(fieldname) for fieldname in settings_policy.DAY_BOUNDS}
		)
		if self.alert_webhook_url and (
			webhook_problem := webhooks.destination_problem(
				self.alert_webhook_url, self.webhook_allowed_hosts
			)
		):
			problems.append(webhook_problem)
		if problems:
			frappe.throw(
				"<br>".join(
					_(p.message).format(_(self.meta.get_label(p.fieldname)), *p.args) for p in problems
				),
				title=_("Invalid After Sales Settings"),
			)
		self.alert_webhook_url = (self.alert_webhook_url or "").strip() or None
		if not 0 <= flt(self.discount_approval_percent) <= 100:
			frappe.throw(
				_("{0} must be between 0 and 100").format(_(self.meta.get_label("discount_approval_percent")))
			)
		self.validate_company_links()
		self.validate_grade_rules()

	def validate_grade_rules(self):
		"""Saved before the grading rules existed: they start from the defaults. Otherwise the five
		weights add up to 100 and the grade thresholds fall from A to C."""
		if not any(flt(self.get(f)) for f in customer_policy.DEFAULT_RULES):
			self.update(customer_policy.DEFAULT_RULES)
		problem = customer_policy.weights_problem({f: self.get(f) for f in customer_policy.DEFAULT_RULES})
		if problem == "weights":
			frappe.throw(
				_("The five customer grade weights must add up to 100"),
				title=_("Invalid After Sales Settings"),
			)
		if problem == "thresholds":
			frappe.throw(
				_("The grade scores must fall from Grade A to Grade C"),
				title=_("Invalid After Sales Settings"),
			)

	def validate_company_links(self):
		if not self.default_company:
			for fieldname in (
				"spare_parts_warehouse",
				"returns_warehouse",
				"van_warehouse",
				"warranty_expense_account",
			):
				if self.get(fieldname):
					frappe.throw(
						_("Set the Default Company before {0}").format(_(self.meta.get_label(fieldname)))
					)
		for fieldname in ("spare_parts_warehouse", "returns_warehouse", "van_warehouse"):
			if self.get(fieldname):
				self.validate_warehouse(fieldname)
		self.validate_van()
		if self.warranty_expense_account:
			self.validate_expense_account()
		if self.labour_item:
			self.validate_labour_item()

	def validate_warehouse(self, fieldname: str):
		name = self.get(fieldname)
		warehouse = frappe.db.get_value("Warehouse", name, ["company", "is_group", "disabled"], as_dict=True)
		if warehouse.company != self.default_company:
			frappe.throw(
				_("Warehouse {0} belongs to {1}, not to {2}").format(
					frappe.bold(name), warehouse.company, self.default_company
				)
			)
		if cint(warehouse.is_group) or cint(warehouse.disabled):
			message = {
				"spare_parts_warehouse": _(
					"Spare parts cannot be kept in {0}: it is a group or disabled warehouse"
				),
				"returns_warehouse": _(
					"Returned units cannot be kept in {0}: it is a group or disabled warehouse"
				),
				"van_warehouse": _("Parts cannot be carried in {0}: it is a group or disabled warehouse"),
			}[fieldname]
			frappe.throw(message.format(frappe.bold(name)))

	def validate_van(self):
		if cint(self.issue_parts_to_van) and not self.van_warehouse:
			frappe.throw(
				_("Set the {0} to issue parts to the technician's van").format(
					_(self.meta.get_label("van_warehouse"))
				)
			)
		if self.van_warehouse and self.van_warehouse == self.spare_parts_warehouse:
			frappe.throw(
				_("Technician Van Warehouse {0} cannot be the Spare Parts Warehouse").format(
					frappe.bold(self.van_warehouse)
				)
			)
		before = self.get_doc_before_save()
		old_van = before.van_warehouse if before else None
		if old_van and old_van != self.van_warehouse:
			# the jobs' consumption and returns come from the van their parts went to
			jobs = jobs_with_parts_in_van()
			if jobs:
				frappe.throw(
					_(
						"Technician Van Warehouse {0} still holds parts of Repair Jobs {1}; return or consume them first"
					).format(frappe.bold(old_van), ", ".join(jobs))
				)

	def validate_expense_account(self):
		account = frappe.db.get_value(
			"Account",
			self.warranty_expense_account,
			["company", "root_type", "is_group", "disabled"],
			as_dict=True,
		)
		if account.company != self.default_company:
			frappe.throw(
				_("Account {0} belongs to {1}, not to {2}").format(
					frappe.bold(self.warranty_expense_account), account.company, self.default_company
				)
			)
		if account.root_type != "Expense" or cint(account.is_group) or cint(account.disabled):
			frappe.throw(
				_("Warranty Expense Account {0} must be an enabled Expense ledger, not a group").format(
					frappe.bold(self.warranty_expense_account)
				)
			)

	def validate_labour_item(self):
		item = frappe.db.get_value(
			"Item", self.labour_item, ["is_stock_item", "disabled", "is_sales_item"], as_dict=True
		)
		if cint(item.is_stock_item) or cint(item.disabled) or not cint(item.is_sales_item):
			frappe.throw(
				_("Labour item {0} must be an enabled, non-stock sales item").format(
					frappe.bold(self.labour_item)
				)
			)


def jobs_with_parts_in_van(limit: int = 10) -> list[str]:
	"""The jobs whose parts are still in the van, the most recently moved first (the message names
	only `limit` of them, and the ones just worked on are the ones the user knows)."""
	part = frappe.qb.DocType("Repair Job Part")
	return (
		frappe.qb.from_(part)
		.select(part.parent)
		.where((part.parenttype == "Repair Job") & (part.van_qty > 0))
		.groupby(part.parent)
		.orderby(Max(part.modified), order=frappe.qb.desc)
		.limit(limit)
	).run(pluck=True)
