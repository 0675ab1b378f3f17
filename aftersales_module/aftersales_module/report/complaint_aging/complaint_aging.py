# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.query_builder import Case
from frappe.query_builder.functions import Count, Sum
from frappe.utils import now_datetime
from pypika.terms import CustomFunction

from aftersales_module import day_totals
from aftersales_module.policy import performance as policy
from aftersales_module.policy.complaint import ACTIVE_STATUSES as ACTIVE_COMPLAINT_STATUSES
from aftersales_module.policy.complaint import AGE_BUCKETS
from aftersales_module.reports import filtered, restricted, within_dates

DateDiff = CustomFunction("DATEDIFF", ["end_date", "start_date"])


def bucket_term(table, now, day_field: str = "registered_on"):
	"""The age bucket of each case, computed in SQL from the same bounds as policy.AGE_BUCKETS."""
	age = DateDiff(now, table[day_field])
	case = Case()
	for _low, high, label in AGE_BUCKETS:
		case = case.when(age <= high, label) if high is not None else case.else_(label)
	return case


FIGURES = ("open", "overdue", "major", "escalated")


def per_bucket(filters, today) -> list[dict]:
	"""The open cases per age bucket: from the day totals (Complaint Statistics' Complaint Day,
	whose open counts each grouping holds; its Severity rows are read) where they are current, from
	the complaints elsewhere (a bucket may come more than once: the caller adds them up)."""
	return day_totals.read(
		filters,
		"Complaint Record",
		lambda filters, runs: from_totals(filters, runs, today),
		lambda filters: documents(filters, today),
	)


def from_totals(filters, runs, today) -> list[dict]:
	day = frappe.qb.DocType("Complaint Day")
	bucket = bucket_term(day, today, "day")
	query = (
		frappe.qb.from_(day)
		.select(
			bucket.as_("bucket"),
			Sum(day.open).as_("open"),
			Sum(day.open_overdue).as_("overdue"),
			Sum(day.open_major).as_("major"),
			Sum(day.open_escalated).as_("escalated"),
		)
		.where(day.dimension == "Severity")
		.where(day.open > 0)
		.groupby(bucket)
	)
	return day_totals.limited(query, day, filters, runs).run(as_dict=True)


def documents(filters, today) -> list[dict]:
	table = frappe.qb.DocType("Complaint Record")
	bucket = bucket_term(table, today)
	query = (
		frappe.qb.from_(table)
		.select(
			bucket.as_("bucket"),
			Count("*").as_("open"),
			Sum(table.is_overdue).as_("overdue"),
			Sum(Case().when(table.severity == "Major", 1).else_(0)).as_("major"),
			Sum(Case().when(table.escalation_level > 0, 1).else_(0)).as_("escalated"),
		)
		.where(table.status.isin(ACTIVE_COMPLAINT_STATUSES))
		.groupby(bucket)
	)
	return filtered(query, table, filters, "registered_on").run(as_dict=True)


def execute(filters=None):
	filters = frappe._dict(filters or {})
	found = {}
	for row in per_bucket(filters, now_datetime().date()):
		policy.add_up(found, row.pop("bucket"), row, FIGURES)
	data = []
	for _low, _high, label in AGE_BUCKETS:
		row = found.get(label) or {}
		data.append(
			{
				"bucket": _(label),
				"open": int(row.get("open") or 0),
				"overdue": int(row.get("overdue") or 0),
				"major": int(row.get("major") or 0),
				"escalated": int(row.get("escalated") or 0),
			}
		)
	columns = [
		{"fieldname": "bucket", "label": _("Age"), "fieldtype": "Data", "width": 140},
		{"fieldname": "open", "label": _("Open Complaints"), "fieldtype": "Int", "width": 140},
		{"fieldname": "overdue", "label": _("Overdue"), "fieldtype": "Int", "width": 110},
		{"fieldname": "major", "label": _("Major"), "fieldtype": "Int", "width": 100},
		{"fieldname": "escalated", "label": _("Escalated"), "fieldtype": "Int", "width": 110},
	]
	chart = {
		"data": {
			"labels": [row["bucket"] for row in data],
			"datasets": [
				{"name": _("Open Complaints"), "values": [row["open"] for row in data]},
				{"name": _("Overdue"), "values": [row["overdue"] for row in data]},
			],
		},
		"type": "bar",
	}
	return columns, data, None, chart
