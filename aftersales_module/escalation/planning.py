"""Which Escalation Policy fits a document, and when its next level falls due."""

from dataclasses import dataclass

import frappe
from frappe.utils import get_datetime, getdate, now_datetime
from frappe.utils.nestedset import get_ancestors_of

from aftersales_module.escalation.registry import config_of
from aftersales_module.policy.complaint import pick_policy
from aftersales_module.policy.escalation import Calendar, Level, next_escalation_at, reply_deadline


@dataclass
class LoadedPolicy:
	name: str
	levels: tuple[Level, ...]
	rows: dict
	calendar: Calendar
	reply_deadline_days: float


def load_levels(rows) -> tuple[Level, ...]:
	"""The pure-policy levels of an Escalation Policy's level rows, numbered by their order."""
	return tuple(Level(row.idx, row.after_value or 0, row.after_unit, row.since) for row in rows)


def load_policy(name: str, doc=None) -> LoadedPolicy:
	"""The policy `name` ready for the pure rules; pass `doc` when it is being saved (the cache is stale)."""
	doc = doc or frappe.get_cached_doc("Escalation Policy", name)
	holidays = frozenset()
	weekend = frozenset({5, 6})
	if doc.working_days_only and doc.holiday_list:
		# An ERPNext holiday list carries its weekly offs as holidays, so it alone decides.
		holidays = frozenset(
			getdate(d) for d in frappe.get_all("Holiday", {"parent": doc.holiday_list}, pluck="holiday_date")
		)
		weekend = frozenset()
	calendar = Calendar(working_days_only=bool(doc.working_days_only), weekend=weekend, holidays=holidays)
	levels = load_levels(doc.levels)
	return LoadedPolicy(
		doc.name, levels, {row.idx: row for row in doc.levels}, calendar, doc.reply_deadline_days
	)


def match_policy(doctype: str, case: dict) -> str | None:
	"""The name of the escalation policy that fits `case` best, or None. A customer group or
	territory condition matches the case's own and every group above it in the tree."""
	policies = frappe.get_all(
		"Escalation Policy",
		filters={"document_type": doctype},
		fields=[
			"name",
			"enabled",
			"priority",
			"complaint_type",
			"severity",
			"complaint_category",
			"applies_to_customer_group as customer_group",
			"applies_to_territory as territory",
		],
	)
	case = dict(case)
	for fieldname, tree in (("customer_group", "Customer Group"), ("territory", "Territory")):
		if case.get(fieldname):
			case[fieldname] = frozenset([case[fieldname], *get_ancestors_of(tree, case[fieldname])])
	chosen = pick_policy(policies, case)
	return chosen["name"] if chosen else None


def plan(doc) -> None:
	"""Set a document's policy, reply deadline and next escalation time from its current state."""
	config = config_of(doc.doctype)
	case = {fieldname: doc.get(fieldname) for fieldname in config.match_fields}
	if doc.get("customer"):
		case["customer_group"], case["territory"] = frappe.db.get_value(
			"Customer", doc.customer, ["customer_group", "territory"]
		) or (None, None)
	doc.escalation_policy = match_policy(doc.doctype, case)
	opened_at = doc.get(config.clock_field)
	doc.escalation_clock_start = doc.escalation_clock_start or opened_at or now_datetime()
	if not doc.escalation_policy or doc.status not in config.active_statuses:
		doc.next_escalation_at = None
		return
	policy = load_policy(doc.escalation_policy)
	if not doc.deadline:
		doc.deadline = reply_deadline(
			get_datetime(opened_at or doc.escalation_clock_start),
			policy.reply_deadline_days,
			policy.calendar,
		)
	doc.next_escalation_at = next_escalation_at(
		policy.levels,
		get_datetime(doc.escalation_clock_start),
		doc.escalation_level or 0,
		get_datetime(doc.last_escalated_at) if doc.last_escalated_at else None,
		policy.calendar,
	)
