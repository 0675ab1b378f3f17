# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from pypika.terms import ExistsCriterion

from aftersales_module import day_totals
from aftersales_module.policy import performance as policy
from aftersales_module.policy.complaint import concealment_rate
from aftersales_module.reports import filtered, restricted, with_user_names, within_dates


def never_reported(table):
	"""The criterion of a finding, on `table` (Complaint Record): the case was never escalated by
	hand. Per case, one look-up in the log's parent index (not the whole log materialized first)."""
	log = frappe.qb.DocType("Complaint Record Escalation")
	reported = (
		frappe.qb.from_(log)
		.select(log.name)
		.where(log.parent == table.name)
		.where(log.parenttype == "Complaint Record")
		.where(log.is_manual == 1)
	)
	return ExistsCriterion(reported).negate()


def findings(table):
	"""The Concealment Audit's findings, one row per case: overdue complaints their handler never
	escalated by hand. The report counts them per handler; the accountability sweep fines each one
	once (tasks/accountability.py)."""
	return frappe.qb.from_(table).where(table.is_overdue == 1).where(never_reported(table))


def per_handler(filters) -> list[dict]:
	"""Overdue cases and those never escalated, per handler: from the day totals of Complaint
	Statistics (its Handler grouping) where they are current, from the complaints elsewhere."""
	return day_totals.read(filters, "Complaint Record", from_totals, documents)


def from_totals(filters, runs) -> list[dict]:
	day = frappe.qb.DocType("Complaint Day")
	query = (
		frappe.qb.from_(day)
		.select(
			day.value.as_("handler"),
			Sum(day.overdue).as_("overdue"),
			Sum(day.not_escalated).as_("not_escalated"),
		)
		.where(day.dimension == "Handler")
		.where(day.overdue > 0)  # a handler's days without an overdue case count nothing here
		.groupby(day.value)
	)
	return day_totals.limited(query, day, filters, runs).run(as_dict=True)


def documents(filters) -> list[dict]:
	table = frappe.qb.DocType("Complaint Record")
	query = (
		frappe.qb.from_(table)
		.select(
			table.handler,
			Count("*").as_("overdue"),
			Sum(Case().when(never_reported(table), 1).else_(0)).as_("not_escalated"),
		)
		.where(table.is_overdue == 1)
		.groupby(table.handler)
	)
	return filtered(query, table, filters, "registered_on").run(as_dict=True)


def execute(filters=None):
	"""Overdue complaints per handler, and how many of them the handler never escalated by hand
	(requirements 001/10: hiding an unresolved complaint from the supervisor is fined each time)."""
	filters = frappe._dict(filters or {})
	totals = {}
	for row in per_handler(filters):
		policy.add_up(totals, row.pop("handler") or None, row, ("overdue", "not_escalated"))
	rows = [
		frappe._dict(
			handler=handler, overdue=int(values["overdue"]), not_escalated=int(values["not_escalated"])
		)
		for handler, values in totals.items()
		if values["overdue"]
	]
	data = [
		{
			"handler": row.handler,
			"overdue": row.overdue,
			"not_escalated": int(row.not_escalated or 0),
			"rate": concealment_rate(row.overdue, int(row.not_escalated or 0)),
		}
		for row in rows
	]
	data.sort(key=lambda row: (-row["not_escalated"], -row["rate"], row["handler"] or ""))
	columns = [
		{"fieldname": "handler", "label": _("Handler"), "fieldtype": "Link", "options": "User", "width": 220},
		{"fieldname": "overdue", "label": _("Overdue Complaints"), "fieldtype": "Int", "width": 150},
		{
			"fieldname": "not_escalated",
			"label": _("Overdue, Never Escalated by the Handler"),
			"fieldtype": "Int",
			"width": 260,
		},
		{"fieldname": "rate", "label": _("Concealment Rate %"), "fieldtype": "Percent", "width": 160},
	]
	return with_user_names(columns, data), data
