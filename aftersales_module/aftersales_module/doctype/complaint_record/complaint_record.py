# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import add_days, get_datetime, getdate, now_datetime

from aftersales_module import history
from aftersales_module.escalation import engine
from aftersales_module.escalation.planning import plan
from aftersales_module.escalation.registry import ENGINE_FIELDS, Escalatable
from aftersales_module.guard import AppDocument
from aftersales_module.policy import complaint as complaint_policy
from aftersales_module.policy.escalation import restart_on_reopen
from aftersales_module.roles import MANAGER, USER, is_manager
from aftersales_module.settings import get_settings

# How complaints take part in the escalation engine (registered in hooks.py: aftersales_escalating).
ESCALATION = Escalatable(
	doctype="Complaint Record",
	log_doctype="Complaint Record Escalation",
	log_field="escalation_log",
	active_statuses=complaint_policy.ACTIVE_STATUSES,
	title_field="subject",
	payload_fields=("subject", "customer", "severity", "company", "status"),
	match_fields=complaint_policy.POLICY_CONDITIONS,
	clock_field="registered_on",
	totals_day_field="registered_on",
)
HANDLING_ROLES = (MANAGER, USER, "System Manager")


class ComplaintRecord(AppDocument):
	# The escalation engine, the workflow and repeat detection keep these; nobody types them.
	app_managed_fields = (
		*ENGINE_FIELDS,
		"escalation_log",
		"is_overdue",
		"approver",
		"approved_on",
		"resolved_on",
		"closed_on",
		"is_repeat",
		"repeat_of",
		*history.FIELDS,
	)
	# Set when the case came from a return visit (a Poor rating): fixed once it is registered.
	set_once_fields = ("return_visit", "repair_job")

	def before_insert(self):
		# a Data Import of the old ledger: closed or before the cut-off, it is history (history.py)
		history.mark_imported(self, self.registered_on, self.status not in complaint_policy.ACTIVE_STATUSES)
		self.set_defaults()
		self.detect_repeat()

	def validate_workflow(self):
		# An imported case enters at the state it had reached; the workflow runs from there on.
		if history.imported_now(self):
			return
		super().validate_workflow()

	def validate(self):
		self.set_defaults()
		self.check_dates()
		self.check_product_trace()
		self.severity = complaint_policy.effective_severity(self.severity, self.households_affected)
		self.check_severity_change()
		if self.validity == "Invalid" and not (self.validity_reason or "").strip():
			frappe.throw(
				_("An invalid complaint needs the {0}: it is the reply to the customer").format(
					_(self.meta.get_label("validity_reason"))
				)
			)
		if not (self.is_historical and self.is_new()):
			# a historical case arrives as it ended: its transitions happened before the app
			self.apply_transition()
		plan(self)
		active = self.status in complaint_policy.ACTIVE_STATUSES and not self.is_historical
		if complaint_policy.is_overdue(
			get_datetime(self.deadline) if self.deadline else None, now_datetime(), active
		):
			self.is_overdue = 1

	def check_severity_change(self):
		"""Lowering a case's severity takes it off a manager's desk: only a manager may, and it is logged."""
		before = self.get_doc_before_save()
		if not before or not complaint_policy.is_lower_severity(before.severity, self.severity):
			return
		if not is_manager():
			frappe.throw(
				_("Only an After Sales Manager can lower the severity of {0} from {1} to {2}").format(
					self.name, _(before.severity), _(self.severity)
				),
				frappe.PermissionError,
			)
		self.flags.severity_lowered_from = before.severity

	def on_update(self):
		if old := self.flags.pop("severity_lowered_from", None):
			self.add_comment(
				"Info",
				_("Severity lowered from {0} to {1} by {2}").format(
					_(old), _(self.severity), frappe.session.user
				),
			)

	def after_insert(self):
		# A level due at registration (a Major case tells the After Sales Manager at once) fires now.
		if self.next_escalation_at and get_datetime(self.next_escalation_at) <= now_datetime():
			engine.escalate_due(self.doctype, now_datetime(), [self.name])
			self.reload()

	def set_defaults(self):
		if not self.company:
			self.company = get_settings().default_company or frappe.defaults.get_user_default("Company")
		if not self.handler and frappe.session.user not in ("Guest",):
			self.handler = frappe.session.user
		if self.customer and not self.complainant_name:
			self.complainant_name = frappe.db.get_value("Customer", self.customer, "customer_name")
		if not self.customer and not self.complainant_name:
			frappe.throw(_("Enter the Customer or the Complainant Name"), title=_("Who is complaining?"))

	def check_dates(self):
		problems = complaint_policy.check_dates(
			get_datetime(self.registered_on),
			get_datetime(self.deadline) if self.deadline else None,
			getdate(self.next_reply_date) if self.next_reply_date else None,
			now_datetime(),
		)
		if problems:
			frappe.throw(
				"<br>".join(
					_(p.message).format(_(self.meta.get_label(p.fieldname)), *p.args) for p in problems
				),
				title=_("Invalid dates"),
			)

	def check_product_trace(self):
		if self.serial_no:
			serial = frappe.db.get_value("Serial No", self.serial_no, ["item_code", "customer"], as_dict=True)
			if self.item_code and serial.item_code != self.item_code:
				frappe.throw(
					_("Serial No {0} is of item {1}, not {2}").format(
						frappe.bold(self.serial_no), serial.item_code, self.item_code
					)
				)
			self.item_code = serial.item_code
			if serial.customer and self.customer and serial.customer != self.customer:
				frappe.throw(
					_("Serial No {0} was delivered to {1}, not to {2}").format(
						frappe.bold(self.serial_no), serial.customer, self.customer
					),
					title=_("Wrong customer"),
				)
			self.customer = self.customer or serial.customer
		if self.batch_no and self.item_code:
			batch_item = frappe.db.get_value("Batch", self.batch_no, "item")
			if batch_item != self.item_code:
				frappe.throw(
					_("Batch {0} is of item {1}, not {2}").format(
						frappe.bold(self.batch_no), batch_item, self.item_code
					)
				)
		for doctype, fieldname in (("Delivery Note", "delivery_note"), ("Sales Invoice", "sales_invoice")):
			name = self.get(fieldname)
			if name and self.customer:
				customer = frappe.db.get_value(doctype, name, "customer")
				if customer != self.customer:
					frappe.throw(
						_("{0} {1} is for {2}, not for {3}").format(
							_(doctype), frappe.bold(name), customer, self.customer
						)
					)

	def detect_repeat(self):
		"""Same customer and same unit (serial no, else item) within the settings window: a repeat."""
		if not self.customer or not (self.serial_no or self.item_code):
			return
		window = get_settings().repeat_complaint_window_days
		registered_on = get_datetime(self.registered_on or now_datetime())
		filters = {
			"customer": self.customer,
			"registered_on": ("between", (add_days(registered_on, -window), registered_on)),
		}
		if self.serial_no:
			filters["serial_no"] = self.serial_no
		else:
			filters["item_code"] = self.item_code
		earlier = frappe.get_all(
			"Complaint Record",
			filters=filters,
			fields=["name", "registered_on"],
			order_by="registered_on desc",
			limit=1,
		)
		if earlier and complaint_policy.is_within_repeat_window(
			get_datetime(earlier[0].registered_on), registered_on, window
		):
			self.is_repeat = 1
			self.repeat_of = earlier[0].name
			self.severity = complaint_policy.raise_severity(self.severity)

	def apply_transition(self):
		"""What each workflow state asks for, checked whatever the route (desk, REST, workflow)."""
		before = self.get_doc_before_save()
		old, new = (before.status if before else None), self.status
		if old == new:
			return
		if old == "Classified" and new != "Invalid":
			missing = complaint_policy.missing_classification(self.as_dict())
			if missing:
				frappe.throw(
					_("Classify the complaint before it moves on; missing: {0}").format(
						", ".join(_(self.meta.get_label(f)) for f in missing)
					),
					title=_("Not classified"),
				)
		now = now_datetime()
		if new == "Invalid" and self.validity != "Invalid":
			frappe.throw(_("Set Validity to Invalid before closing the complaint as invalid"))
		elif new == "Assigned" and not (self.responsible_department or self.responsible_employee):
			frappe.throw(_("Name the responsible department or employee before assigning the complaint"))
		elif new == "Solution Proposed" and not (self.proposed_solution or "").strip():
			frappe.throw(_("Enter the proposed solution"))
		elif new == "Approved":
			roles = frappe.get_roles()
			if self.severity == "Major" and MANAGER not in roles:
				frappe.throw(
					_("Only an After Sales Manager approves the solution of a Major complaint"),
					frappe.PermissionError,
				)
			if not set(roles) & set(HANDLING_ROLES):
				frappe.throw(_("You are not allowed to approve complaint solutions"), frappe.PermissionError)
			user = frappe.session.user
			if (
				self.severity == "Major"
				and user != "Administrator"
				and not complaint_policy.is_second_person(user, {self.owner, self.handler})
			):
				frappe.throw(
					_(
						"The solution of Major complaint {0} is approved by a second person: you registered or handle it"
					).format(self.name),
					frappe.PermissionError,
				)
			self.approver, self.approved_on = frappe.session.user, now
		elif new == "Agreed":
			if not (self.customer_agreed_by or "").strip():
				frappe.throw(_("Enter who agreed to the solution for the customer"))
			self.customer_agreed_on = self.customer_agreed_on or now
		elif new == "Resolved":
			self.resolved_on = now
		elif new == "Return Visited" and not (self.customer_feedback or "").strip():
			frappe.throw(_("Record the customer's feedback from the return visit"))
		elif new == "Closed":
			self.closed_on = now
		elif new == "Reopened":
			clock_start, level, last_fired = restart_on_reopen(self.escalation_level or 0, now)
			self.escalation_clock_start, self.escalation_level, self.last_escalated_at = (
				clock_start,
				level,
				last_fired,
			)
			self.resolved_on = self.closed_on = None

	@frappe.whitelist()
	def escalate(self, reason: str) -> int:
		"""Escalate to the next level now: the handler reports the case up (requirements 001/10)."""
		if not (reason or "").strip():
			frappe.throw(_("Say why the complaint is escalated"))
		return engine.escalate_now(self.doctype, self.name, reason.strip())


def portal_customers(user: str) -> list[str] | None:
	"""The customers a portal (Website) user speaks for; None for desk users."""
	if frappe.db.get_value("User", user, "user_type") != "Website User":
		return None
	return frappe.get_all(
		"Portal User", filters={"user": user, "parenttype": "Customer"}, pluck="parent", distinct=True
	)


def on_doctype_update():
	"""Composite indexes the reports and number cards read from alone (benchmarks/reports.py)."""
	for index_name, columns in (
		# Complaint Aging, the Overdue Complaints card: open cases by registration day
		(
			"status_registered_on",
			["status", "registered_on", "company", "is_overdue", "severity", "escalation_level"],
		),
		# Complaint Statistics: a period's cases by category, type, severity, validity …
		(
			"registered_on_company",
			[
				"registered_on",
				"company",
				"complaint_category",
				"complaint_type",
				"severity",
				"validity",
				"is_repeat",
				"is_overdue",
			],
		),
		# Concealment Audit: overdue cases of a period and their handler
		("is_overdue_registered_on", ["is_overdue", "registered_on", "company", "handler"]),
		# Technician Performance: complaints against an employee in a period
		("responsible_employee_registered_on", ["responsible_employee", "registered_on", "company"]),
	):
		frappe.db.add_index("Complaint Record", columns, index_name=index_name)


def get_permission_query_conditions(user: str | None = None) -> str:
	customers = portal_customers(user or frappe.session.user)
	if customers is None:
		return ""
	if not customers:
		return "1=0"
	return "`tabComplaint Record`.`customer` in ({})".format(
		", ".join(frappe.db.escape(c) for c in customers)
	)


def has_permission(doc, ptype: str | None = None, user: str | None = None, debug: bool = False):
	customers = portal_customers(user or frappe.session.user)
	if customers is None:
		return None
	return doc.customer in customers
