"""What one sweep (or one manual escalation) writes: log rows, ToDos, desk notifications and the
documents' new escalation state, with batched, parameterised SQL.

Frappe's bulk_insert/bulk_update build every value through the query builder (and bulk_update as one
CASE per column, quadratic in the chunk), which costs far more than the database does at 10,000
rows; so the two writers below are plain SQL. Rows written this way get no sanitizing from Frappe:
the Batch escapes the text a user typed before it joins a row."""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from html import escape

import frappe
from frappe import _
from frappe.utils import getdate

from aftersales_module import day_totals
from aftersales_module.bulk import insert_rows, update_each
from aftersales_module.escalation.notify import queue_webhook_delivery
from aftersales_module.escalation.registry import Escalatable
from aftersales_module.mail import email_status, insert_notifications, outgoing_problem


def escape_html(text: str | None) -> str:
	"""Escape for HTML as Frappe's escape_html does (& < > " '), at C speed: the sweep escapes tens of
	thousands of values, and Frappe's version costs ~60 µs a call."""
	return escape(text or "", quote=True)


@dataclass
class Batch:
	"""Everything one sweep (or one manual escalation) writes, flushed in bulk by `write`."""

	doctype: str
	config: Escalatable
	now: datetime
	webhook_on: bool
	logs: list = field(default_factory=list)
	updates: dict = field(default_factory=dict)
	todos: list = field(default_factory=list)
	notifications: list = field(default_factory=list)
	digests: dict = field(default_factory=lambda: defaultdict(list))
	assigned: dict = field(default_factory=dict)
	days: set = field(default_factory=set)  # the escalated documents' days in the reports' totals

	def __post_init__(self):
		# Translated once per batch, not once per escalation.
		self.doctype_label = _(self.doctype)
		self.subject_template = _("{0} {1} escalated to {2}: {3}")
		# Why no digest can be emailed (no outgoing account), asked once: the log says so.
		self.email_problem = outgoing_problem()

	def escalate(
		self, row, from_level, level, level_row, recipients, due_at, reason, manual=False, user=None
	):
		channels = [
			label
			for label, on in (
				("Email", level_row.notify_email),
				("Desk", level_row.notify_desk),
				("Webhook", level_row.notify_webhook and self.webhook_on),
				("ToDo", level_row.assign),
			)
			if on
		]
		if self.config.totals_day_field:
			self.days.add(row.get(self.config.totals_day_field))
		# These rows are written with bulk SQL, which skips Frappe's sanitizing: escape what a
		# user typed (the case's title, a manual reason, a policy's level label) here.
		log_name = frappe.generate_hash(length=12)
		emailed = "Email" in channels and bool(recipients)
		self.logs.append(
			{
				"name": log_name,
				"parent": row.name,
				"escalated_at": due_at,
				"from_level": from_level,
				"to_level": level.number,
				"level_label": escape_html(level_row.level_label or ""),
				"recipients": escape_html(", ".join(recipients)),
				"reason": escape_html(reason),
				"channels": ", ".join(channels),
				"is_manual": 1 if manual else 0,
				"escalated_by": user,
				"webhook_status": "Pending" if "Webhook" in channels else None,
				"email_status": email_status(self.email_problem) if emailed else None,
				"email_error": self.email_problem if emailed else None,
			}
		)
		title = row.get(self.config.title_field) or row.name
		subject = escape_html(
			self.subject_template.format(self.doctype_label, row.name, level_row.level_label or "", title)
		)
		if level_row.assign:
			assigned = self.assigned.setdefault(row.name, set(json.loads(row.get("_assign") or "[]")))
			for user_id in recipients:
				if user_id not in assigned:
					assigned.add(user_id)
					self.todos.append((row, user_id, subject))
		if level_row.notify_desk:
			escaped_reason = escape_html(reason)
			self.notifications.extend((row, user_id, subject, escaped_reason) for user_id in recipients)
		if level_row.notify_email:
			for user_id in recipients:
				self.digests[user_id].append((row, level_row.level_label, reason, log_name))

	def write(self):
		meta_values = {
			"creation": self.now,
			"modified": self.now,
			"owner": "Administrator",
			"modified_by": "Administrator",
			"docstatus": 0,
		}
		self.write_logs(meta_values)
		# an escalated case counts anew in the reports' day totals (Complaint Aging's escalated, the
		# Concealment Audit's never escalated by hand): they read its day afresh
		day_totals.mark(self.days)
		self.write_todos(meta_values)
		self.write_notifications(meta_values)
		for name, users in self.assigned.items():
			self.updates.setdefault(name, {})["_assign"] = json.dumps(sorted(users))
		update_each(self.doctype, self.updates, {"modified": self.now, "modified_by": "Administrator"})
		self.send_digests()
		if any(entry["webhook_status"] for entry in self.logs):
			queue_webhook_delivery()

	def write_logs(self, meta_values):
		if not self.logs:
			return
		log = frappe.qb.DocType(self.config.log_doctype)
		parents = list({entry["parent"] for entry in self.logs})
		next_idx = defaultdict(int)
		for start in range(0, len(parents), 1000):
			chunk = parents[start : start + 1000]
			for parent, idx in (
				frappe.qb.from_(log)
				.select(log.parent, frappe.query_builder.functions.Max(log.idx))
				.where(log.parent.isin(chunk))
				.where(log.parenttype == self.doctype)
				.groupby(log.parent)
				.run()
			):
				next_idx[parent] = idx or 0
		fields = ["idx", *self.logs[0].keys()]
		values = []
		for entry in self.logs:
			next_idx[entry["parent"]] += 1
			values.append((next_idx[entry["parent"]], *entry.values()))
		constants = {**meta_values, "parenttype": self.doctype, "parentfield": self.config.log_field}
		insert_rows(self.config.log_doctype, fields, values, constants)

	def write_todos(self, meta_values):
		if not self.todos:
			return
		fields = ["name", "priority", "allocated_to", "description", "reference_name"]
		values = [
			(
				frappe.generate_hash(length=12),
				"High" if row.get("severity") == "Major" else "Medium",
				user_id,
				subject,
				row.name,
			)
			for row, user_id, subject in self.todos
		]
		constants = {
			**meta_values,
			"status": "Open",
			"date": getdate(self.now),
			"reference_type": self.doctype,
			"assigned_by": "Administrator",
		}
		insert_rows("ToDo", fields, values, constants)

	def write_notifications(self, meta_values):
		insert_notifications(
			self.doctype,
			[(user_id, row.name, subject, reason) for row, user_id, subject, reason in self.notifications],
			meta_values["creation"],
		)

	def send_digests(self):
		"""Queue one digest email per recipient as a background job, after the sweep commits. With
		no outgoing account, the log rows already say the email was not sent and why; the ToDos and
		desk notifications went out all the same."""
		if not self.digests or self.email_problem:
			return
		digests = {
			user_id: [
				(row.name, row.get(self.config.title_field) or "", level_label, reason, log_name)
				for row, level_label, reason, log_name in entries
			]
			for user_id, entries in self.digests.items()
		}
		frappe.enqueue(
			"aftersales_module.escalation.notify.send_digests",
			queue="short",
			doctype=self.doctype,
			log_doctype=self.config.log_doctype,
			digests=digests,
			enqueue_after_commit=True,
			now=bool(frappe.flags.in_test),
		)
