"""Which Escalation Policy fits a document, and when its next level falls due."""

from dataclasses import dataclass

import frappe
from frappe.utils import get_datetime, getdate, now_datetime
from frappe.utils.nestedset import get_ancestors_of

from aftersales_module.bulk import update_each
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
	"""Set a document's policy, reply deadline and next escalation time from its current state.

	A historical record (imported closed, or from before the import's cut-off: history.py) never
	escalates. An imported open one starts its clock at the import, not at its old registration."""
	config = config_of(doc.doctype)
	opened_at = doc.get(config.clock_field)
	if doc.get("is_historical"):
		doc.escalation_policy = doc.escalation_clock_start = doc.next_escalation_at = None
		return
	if config.clock_moves:
		if not opened_at:  # no clock, nothing to escalate (a job no contract covers)
			doc.escalation_policy = doc.escalation_clock_start = doc.next_escalation_at = None
			return
		if not doc.escalation_level:
			doc.escalation_clock_start = opened_at
	imported_on = doc.get("imported_on")
	if imported_on and not doc.escalation_level:
		start = doc.escalation_clock_start or opened_at
		if not start or get_datetime(start) < get_datetime(imported_on):
			doc.escalation_clock_start = imported_on
	case = {fieldname: doc.get(fieldname) for fieldname in config.match_fields}
	if doc.get("customer"):
		case["customer_group"], case["territory"] = frappe.db.get_value(
			"Customer", doc.customer, ["customer_group", "territory"]
		) or (None, None)
	doc.escalation_policy = match_policy(doc.doctype, case)
	doc.escalation_clock_start = doc.escalation_clock_start or opened_at or now_datetime()
	if not doc.escalation_policy or doc.status not in config.active_statuses:
		doc.next_escalation_at = None
		return
	policy = load_policy(doc.escalation_policy)
	if config.deadline_field and not doc.get(config.deadline_field):
		doc.set(
			config.deadline_field,
			reply_deadline(
				get_datetime(opened_at or doc.escalation_clock_start),
				policy.reply_deadline_days,
				policy.calendar,
			),
		)
	doc.next_escalation_at = next_escalation_at(
		policy.levels,
		get_datetime(doc.escalation_clock_start),
		doc.escalation_level or 0,
		get_datetime(doc.last_escalated_at) if doc.last_escalated_at else None,
		policy.calendar,
	)


def plan_many(doctype: str, rows: list[dict]) -> dict[str, dict]:
	"""Set-based `plan` for documents written with bulk SQL (a sweep's new or newly missed rows):
	`rows` carry name, status, customer, the match fields and the clock; returns, by name, the
	escalation columns to write for the rows a policy applies to. Policies are matched once per
	distinct case."""
	config = config_of(doctype)
	customers = {row["customer"] for row in rows if row.get("customer")}
	groups = (
		{
			c.name: (c.customer_group, c.territory)
			for c in frappe.get_all(
				"Customer",
				filters={"name": ("in", list(customers))},
				fields=["name", "customer_group", "territory"],
			)
		}
		if customers
		else {}
	)
	matched: dict[tuple, str | None] = {}
	loaded: dict[str, LoadedPolicy] = {}
	updates = {}
	for row in rows:
		case = {fieldname: row.get(fieldname) for fieldname in config.match_fields}
		case["customer_group"], case["territory"] = groups.get(row.get("customer"), (None, None))
		key = tuple(sorted((k, str(v)) for k, v in case.items()))
		if key not in matched:
			matched[key] = match_policy(doctype, case)
		policy_name = matched[key]
		if not policy_name:
			continue
		clock = row.get(config.clock_field)
		if not clock or row.get("status") not in config.active_statuses:
			updates[row["name"]] = {"escalation_policy": policy_name, "next_escalation_at": None}
			continue
		policy = loaded.get(policy_name) or loaded.setdefault(policy_name, load_policy(policy_name))
		clock = get_datetime(clock)
		updates[row["name"]] = {
			"escalation_policy": policy_name,
			"escalation_clock_start": clock,
			"next_escalation_at": next_escalation_at(policy.levels, clock, 0, None, policy.calendar),
		}
	return updates


def write_plans(doctype: str, rows: list[dict]) -> int:
	"""Plan `rows` (see `plan_many`) and write the result in batches. Returns how many were planned."""
	planned = plan_many(doctype, rows)
	update_each(doctype, planned)
	return len(planned)
