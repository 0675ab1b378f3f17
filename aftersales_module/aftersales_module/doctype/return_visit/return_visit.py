# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""A return visit (回访): made by return-visit staff after a repair job is completed or a complaint
resolved. The app creates them (tasks/return_visits.py); staff record whom they reached, how, and the
customer's four ratings. A Poor rating registers a service complaint, once. A visit not made by its
last day is Missed, and escalates through the escalation engine from when it was missed."""

import frappe
from frappe import _
from frappe.utils import escape_html, getdate, now_datetime, nowdate

from aftersales_module.escalation.planning import plan
from aftersales_module.escalation.registry import ENGINE_FIELDS, Escalatable
from aftersales_module.guard import AppDocument, app_write
from aftersales_module.policy import visits as policy

# How missed visits take part in the escalation engine (hooks.py: aftersales_escalating): the levels
# of a Return Visit escalation policy count from when the visit was missed, until it is made.
ESCALATION = Escalatable(
	doctype="Return Visit",
	log_doctype="After Sales Escalation Entry",
	log_field="escalation_log",
	active_statuses=(policy.MISSED,),
	title_field="customer_name",
	payload_fields=(
		"customer",
		"customer_name",
		"visit_kind",
		"due_date",
		"last_day",
		"repair_job",
		"status",
		"company",
	),
	match_fields=(),
	clock_field="missed_on",
	clock_label="Missed On",
	clock_moves=True,
	handler_field=None,
	deadline_field=None,
	overdue_field=None,
)


class ReturnVisit(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		answer_channel: DF.Literal["", "Staff", "Self-Service"]
		attempts: DF.Int
		average_rating: DF.Float
		company: DF.Link | None
		complaint: DF.Link | None
		contact_method: DF.Literal["Phone", "SMS", "Instant Message", "Email", "Letter", "On-site Visit"]
		contact_phone: DF.Data | None
		customer: DF.Link | None
		customer_name: DF.Data | None
		due_date: DF.Date | None
		is_overdue: DF.Check
		item_code: DF.Link | None
		last_day: DF.Date | None
		naming_series: DF.Literal["RV-.YYYY.-.#####"]
		rating_attitude: DF.Literal["", "Excellent", "Good", "Fair", "Poor"]
		rating_punctuality: DF.Literal["", "Excellent", "Good", "Fair", "Poor"]
		rating_result: DF.Literal["", "Excellent", "Good", "Fair", "Poor"]
		rating_skill: DF.Literal["", "Excellent", "Good", "Fair", "Poor"]
		reached: DF.Check
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		repair_job: DF.Link | None
		satisfied: DF.Check
		serial_no: DF.Link | None
		service_date: DF.Date | None
		status: DF.Literal["Open", "Done", "Missed"]
		suggestions: DF.SmallText | None
		survey_answered_on: DF.Datetime | None
		survey_send_error: DF.SmallText | None
		survey_send_status: DF.Literal["", "Queued", "Not Sent"]
		survey_sent_on: DF.Datetime | None
		survey_token_hash: DF.Data | None
		technician: DF.Link | None
		visit_kind: DF.Literal["Satisfaction Call", "First Follow-up", "Second Follow-up"]
		visited_by: DF.Link | None
		visited_on: DF.Datetime | None
	# end: auto-generated types

	# The sweep and the app set these: the source, its dates, the outcome and the complaint raised.
	app_managed_fields = (
		"status",
		"is_overdue",
		"reference_doctype",
		"reference_name",
		"repair_job",
		"technician",
		"company",
		"customer",
		"item_code",
		"serial_no",
		"service_date",
		"due_date",
		"last_day",
		"missed_on",
		*ENGINE_FIELDS,
		"escalation_log",
		"visited_on",
		"visited_by",
		"average_rating",
		"satisfied",
		"complaint",
		# survey by link (aftersales_module/survey.py): who answered, and the link's state
		"answer_channel",
		"survey_sent_on",
		"survey_answered_on",
		"survey_send_status",
		"survey_send_error",
		"survey_token_hash",
	)
	set_once_fields = ("visit_kind",)

	def before_validate(self):
		# An unknown rating is refused with a message naming the field (a 417), before Frappe's own
		# select check, whatever the route (desk, REST, import).
		for fieldname in policy.RATING_FIELDS:
			if message := policy.rating_problem(self.get(fieldname)):
				frappe.throw(
					_(message).format(
						_(self.meta.get_label(fieldname)), frappe.bold(escape_html(str(self.get(fieldname))))
					),
					title=_("Invalid rating"),
				)

	def validate(self):
		if self.visit_kind not in policy.KINDS:
			frappe.throw(
				_("{0} is not a kind of return visit").format(frappe.bold(escape_html(str(self.visit_kind))))
			)
		if self.reference_doctype not in policy.VISITS_FOR:
			frappe.throw(
				_("Return visits follow a Repair Job or a Complaint Record, not {0}").format(
					escape_html(str(self.reference_doctype))
				)
			)
		ratings = self.ratings()
		with app_write():
			self.average_rating = policy.average(ratings)
			self.satisfied = int(policy.is_satisfied(ratings))
			if policy.is_complete(self.reached, ratings):
				if self.status != policy.DONE:
					self.status = policy.DONE
					self.is_overdue = 0
					self.visited_on = now_datetime()
					self.visited_by = frappe.session.user
					self.attempts = max(self.attempts or 0, 1)
					# the survey link's answer sets Self-Service before it saves (survey.py)
					self.answer_channel = self.answer_channel or policy.STAFF
					self.flags.done_now = True
			elif self.status == policy.DONE:
				# a done visit whose ratings are cleared is open (or missed) again
				overdue, status = policy.state_on(
					policy.OPEN, getdate(self.due_date), getdate(self.last_day), getdate(nowdate())
				)
				self.status, self.is_overdue = status, int(overdue)
				self.visited_on = self.visited_by = None
				self.answer_channel = None
			if self.status == policy.MISSED and not self.missed_on:
				self.missed_on = now_datetime()
			plan(self)

	def ratings(self) -> list[str]:
		return [self.get(fieldname) for fieldname in policy.RATING_FIELDS]

	def on_update(self):
		done_now = self.flags.pop("done_now", False)
		if done_now and self.visit_kind == policy.FIRST_FOLLOW_UP:
			self.reschedule_second_follow_up()
		if done_now and self.reference_doctype == policy.COMPLAINT:
			self.report_to_complaint()
		if policy.needs_complaint(self.ratings()) and not self.complaint:
			self.raise_complaint()

	def report_to_complaint(self):
		"""The complaint's return visit is made: its handler finds the customer's feedback on the case
		(when none is recorded yet) and records the Return Visited step in its workflow."""
		ratings = ", ".join(
			f"{_(self.meta.get_label(fieldname))}: {_(self.get(fieldname))}"
			for fieldname in policy.RATING_FIELDS
		)
		feedback = _("Return Visit {0}: {1}").format(self.name, ratings)
		if (self.suggestions or "").strip():
			feedback += "\n" + self.suggestions.strip()
		if not (
			frappe.db.get_value(policy.COMPLAINT, self.reference_name, "customer_feedback") or ""
		).strip():
			frappe.db.set_value(
				policy.COMPLAINT, self.reference_name, "customer_feedback", feedback, update_modified=False
			)
		# Frappe sanitizes a comment's markup itself (escaping here would show the entities)
		frappe.get_doc(policy.COMPLAINT, self.reference_name).add_comment("Info", feedback)

	def reschedule_second_follow_up(self):
		"""The second follow-up falls due a set number of days after the first is made."""
		from aftersales_module.settings import get_settings

		second = policy.second_follow_up(
			policy.SECOND_FOLLOW_UP, getdate(self.visited_on), get_settings().second_return_visit_days
		)
		visit = frappe.qb.DocType("Return Visit")
		(
			frappe.qb.update(visit)
			.set(visit.due_date, second.due_date)
			.set(visit.last_day, second.last_day)
			.where(
				(visit.reference_doctype == self.reference_doctype)
				& (visit.reference_name == self.reference_name)
				& (visit.visit_kind == policy.SECOND_FOLLOW_UP)
				& (visit.status == policy.OPEN)
			)
		).run()

	def raise_complaint(self):
		"""A Poor rating registers a Service complaint linked to the visit and the job. The visit's
		row is locked first, so that two saves at once raise one complaint."""
		if frappe.db.sql("select complaint from `tabReturn Visit` where name = %s for update", self.name)[0][
			0
		]:
			return
		poor = [
			_(self.meta.get_label(fieldname))
			for fieldname in policy.RATING_FIELDS
			if self.get(fieldname) == policy.LOWEST
		]
		job = (
			frappe.db.get_value("Repair Job", self.repair_job, ["item_code", "serial_no"], as_dict=True)
			if self.repair_job
			else None
		) or frappe._dict()
		employee = (
			frappe.db.get_value("Employee", {"user_id": self.technician, "status": "Active"})
			if self.technician
			else None
		)
		description = _("Rated Poor in the return visit: {0}").format(", ".join(poor))
		if (self.suggestions or "").strip():
			description += "\n" + self.suggestions.strip()
		complaint = frappe.get_doc(
			{
				"doctype": "Complaint Record",
				"company": self.company,
				"customer": self.customer,
				"subject": _("Return Visit {0}: the customer rated {1} Poor").format(
					self.name, ", ".join(poor)
				),
				"channel": policy.COMPLAINT_CHANNEL.get(self.contact_method, "Phone"),
				"registered_on": now_datetime(),
				"complaint_type": "Service",
				"description": description,
				"item_code": job.item_code,
				"serial_no": job.serial_no,
				"responsible_employee": employee,
				"return_visit": self.name,
				"repair_job": self.repair_job,
			}
		)
		complaint.flags.ignore_permissions = True
		complaint.insert()
		with app_write():
			self.db_set("complaint", complaint.name, update_modified=False)
		frappe.msgprint(
			_("Complaint {0} registered for the Poor rating").format(frappe.bold(complaint.name)),
			alert=True,
		)


def on_doctype_update():
	"""One visit of each kind per source, whatever creates it (hook, sweep, two workers at once)."""
	frappe.db.add_unique(
		"Return Visit",
		["reference_doctype", "reference_name", "visit_kind"],
		constraint_name="unique_source_visit_kind",
	)
	frappe.db.add_index("Return Visit", ["status", "last_day"], index_name="status_last_day")
	# Return Visit Coverage and its number card, from the index alone (with the answer channel, for
	# its Self-Service column: the index without it is replaced)
	if frappe.db.has_index("tabReturn Visit", "due_date_company"):
		frappe.db.sql("alter table `tabReturn Visit` drop index `due_date_company`")
	frappe.db.add_index(
		"Return Visit",
		["due_date", "company", "status", "satisfied", "answer_channel"],
		index_name="due_date_company_channel",
	)
	# Technician Performance's ratings, from the index alone (the ratings are 10 characters long so
	# that the key stays within InnoDB's 3072 bytes)
	frappe.db.add_index(
		"Return Visit",
		["status", "service_date", "company", "technician", *policy.RATING_FIELDS, "average_rating"],
		index_name="status_service_date_ratings",
	)
