"""Rewards and penalties drafted from their sources, never typed twice (policy/accountability.py):

- a closed complaint with company fault: its responsible employee's and their head's shares of the
  loss, drafted by the Complaint Record's on_update hook (and caught up by the daily sweep);
- a Concealment Audit finding (an overdue case never reported by hand): a fine on its handler;
- an escalation reaching the penalised level: a fine on the rep and on their head.

Each path selects what is due in one query, leaving out the sources that have their entry already,
and writes the missing drafts in one INSERT IGNORE against the unique source key: the hook, the
sweep and two workers at once never make a second entry for one source, person and part. The
entries are drafts (docstatus 0): an After Sales Manager approves each by submitting it."""

from datetime import date

import frappe
from frappe import _
from frappe.query_builder.functions import Concat, IfNull
from frappe.utils import add_days, fmt_money, get_datetime, getdate, now_datetime, nowdate
from pypika.terms import ExistsCriterion

from aftersales_module.aftersales_module.report.concealment_audit.concealment_audit import findings
from aftersales_module.bulk import insert_rows, inserted_names, reserve_names, standard_values
from aftersales_module.jobs import retried, step
from aftersales_module.policy import accountability as policy
from aftersales_module.settings import get_settings

DOCTYPE = "Reward and Penalty Entry"
SERIES = "RPE-.YYYY.-.#####"
COMPLAINT = "Complaint Record"
LOG = "Complaint Record Escalation"
CLOSED = "Closed"
# How far back the daily sweep looks for closed complaints whose hook did not draft (imports,
# direct writes, a failed hook).
CATCH_UP_DAYS = 7
CHUNK = 1000
FIELDS = [
	*standard_values("", None, "").keys(),
	"naming_series",
	"kind",
	"rule",
	"posting_date",
	"employee",
	"employee_name",
	"department",
	"company",
	"amount",
	"reason",
	"source_doctype",
	"source_name",
	"source_key",
]


# ---------------------------------------------------------------- the hook (hooks.py doc_events)
def on_complaint_update(doc, method=None):
	"""A complaint closed with company fault: draft the shares of its loss. A failure here is logged
	and left to the daily sweep; it never stops the complaint from closing."""
	if doc.status != CLOSED or doc.company_fault not in policy.FAULTS or not doc.responsible_employee:
		return
	with step("accountability_on_close", _("Drafting the fines of complaint {0} failed").format(doc.name)):
		draft_complaint_losses(names=[doc.name])


# ---------------------------------------------------------------- the daily sweep (scheduler)
def daily(today=None) -> dict:
	"""Draft what the sources call for and has no entry yet. Idempotent; run again when a deadlock
	undid it (`jobs.retried`)."""
	return retried(daily_once, getdate(today or nowdate()))


def daily_once(today: date) -> dict:
	counts = {"complaint_loss": 0, "concealment": 0, "escalation": 0}
	with step("accountability_losses", _("Drafting fines for complaint losses failed")):
		counts["complaint_loss"] = len(draft_complaint_losses(since=add_days(today, -CATCH_UP_DAYS)))
	with step("accountability_concealment", _("Drafting fines for concealed complaints failed")):
		counts["concealment"] = len(draft_concealment(today))
	with step("accountability_escalation", _("Drafting fines for escalated complaints failed")):
		counts["escalation"] = len(draft_escalations())
	return counts


# ---------------------------------------------------------------- the rules
def draft_complaint_losses(names: list[str] | None = None, since=None) -> list[str]:
	"""The loss shares of the closed complaints with company fault (by name, or closed since a
	day) that lack them; the names of the entries drafted."""
	if names is not None and not names:
		return []
	complaint = frappe.qb.DocType(COMPLAINT)
	employee = frappe.qb.DocType("Employee")
	query = (
		frappe.qb.from_(complaint)
		.left_join(employee)
		.on(employee.name == complaint.responsible_employee)
		.select(
			complaint.name,
			complaint.company,
			complaint.company_fault,
			complaint.fault_degree,
			complaint.compensation_amount,
			complaint.responsible_employee,
			complaint.closed_on,
			employee.reports_to.as_("head"),
		)
		.where(complaint.status == CLOSED)
		.where(complaint.company_fault.isin(policy.FAULTS))
		.where(IfNull(complaint.responsible_employee, "") != "")
	)
	if names is not None:
		query = query.where(complaint.name.isin(names))
	if since is not None:
		query = query.where(complaint.closed_on >= getdate(since))
	rows = query.run(as_dict=True)
	if not rows:
		return []
	settings = policy.with_defaults(get_settings())
	items = []
	for row in rows:
		drafts = policy.complaint_loss_drafts(
			row.name,
			row.company_fault,
			row.compensation_amount,
			row.fault_degree,
			row.responsible_employee,
			row.head,
			settings["penalty_employee_percent"],
			settings["penalty_head_percent"],
		)
		posting_date = getdate(get_datetime(row.closed_on)) if row.closed_on else getdate(nowdate())
		items += [(row.name, "", posting_date, row.company, draft) for draft in drafts]
	return write(policy.COMPLAINT_LOSS, items)


def draft_concealment(today: date) -> list[str]:
	"""One fine for each Concealment Audit finding that has none (the report's own criterion)."""
	settings = policy.with_defaults(get_settings())
	complaint = frappe.qb.DocType(COMPLAINT)
	handler = frappe.qb.DocType("Employee").as_("handler_employee")
	query = (
		findings(complaint)
		.left_join(handler)
		.on(handler.user_id == complaint.handler)
		.select(
			complaint.name,
			complaint.company,
			complaint.responsible_employee,
			handler.name.as_("handler_employee"),
		)
		.where(ExistsCriterion(has_entry(policy.CONCEALMENT, complaint.name)).negate())
		.orderby(complaint.name)
	)
	items, seen = [], set()
	for row in query.run(as_dict=True):
		if row.name in seen:  # a user with two employee records: the first
			continue
		seen.add(row.name)
		for draft in policy.concealment_drafts(
			row.name, row.handler_employee, row.responsible_employee, settings["concealment_fine_amount"]
		):
			items.append((row.name, "", today, row.company, draft))
	return write(policy.CONCEALMENT, items)


def draft_escalations() -> list[str]:
	"""The fines of the escalations that reached the penalised level (After Sales Settings; 0 is
	none) and have no entry: the rep and their head, once per escalation."""
	settings = policy.with_defaults(get_settings())
	level = int(settings["penalised_escalation_level"] or 0)
	if level <= 0:
		return []
	log = frappe.qb.DocType(LOG)
	complaint = frappe.qb.DocType(COMPLAINT)
	responsible = frappe.qb.DocType("Employee").as_("responsible")
	handler = frappe.qb.DocType("Employee").as_("handler_employee")
	entry = frappe.qb.DocType(DOCTYPE)
	# the key prefix of policy.key_prefix(ESCALATION, COMPLAINT, parent, row name), in SQL
	prefix = Concat(policy.key_prefix(policy.ESCALATION, COMPLAINT, ""), log.parent, ":", log.name, ":%")
	query = (
		frappe.qb.from_(log)
		.join(complaint)
		.on(complaint.name == log.parent)
		.left_join(responsible)
		.on(responsible.name == complaint.responsible_employee)
		.left_join(handler)
		.on(handler.user_id == complaint.handler)
		.select(
			log.name.as_("row"),
			log.parent,
			log.escalated_at,
			complaint.company,
			complaint.responsible_employee,
			responsible.reports_to.as_("responsible_head"),
			handler.name.as_("handler_employee"),
			handler.reports_to.as_("handler_head"),
		)
		.where(log.parenttype == COMPLAINT)
		.where(log.parentfield == "escalation_log")
		.where(IfNull(log.from_level, 0) < level)
		.where(log.to_level >= level)
		.where(
			ExistsCriterion(
				has_entry(policy.ESCALATION, log.parent).where(entry.source_key.like(prefix))
			).negate()
		)
		.orderby(log.parent, log.idx)
	)
	items, seen = [], set()
	for row in query.run(as_dict=True):
		if row.row in seen:
			continue
		seen.add(row.row)
		heads = {
			row.responsible_employee: row.responsible_head,
			row.handler_employee: row.handler_head,
		}
		heads.pop(None, None)
		drafts = policy.escalation_drafts(
			row.parent,
			level,
			row.responsible_employee,
			row.handler_employee,
			heads,
			settings["escalation_fine_amount"],
		)
		posting_date = getdate(get_datetime(row.escalated_at)) if row.escalated_at else getdate(nowdate())
		items += [(row.parent, row.row, posting_date, row.company, draft) for draft in drafts]
	return write(policy.ESCALATION, items)


def has_entry(rule: str, source_name):
	"""A subquery: the entries of `rule` drafted from the complaint `source_name` (a column)."""
	entry = frappe.qb.DocType(DOCTYPE)
	return (
		frappe.qb.from_(entry)
		.select(entry.name)
		.where(entry.source_doctype == COMPLAINT)
		.where(entry.source_name == source_name)
		.where(entry.rule == rule)
	)


# ---------------------------------------------------------------- writing
def employees(names: set[str]) -> dict[str, frappe._dict]:
	"""Name, department and company of the employees, one query."""
	names = sorted(n for n in names if n)
	if not names:
		return {}
	rows = frappe.get_all(
		"Employee",
		filters={"name": ("in", names)},
		fields=["name", "employee_name", "department", "company"],
	)
	return {row.name: row for row in rows}


def existing_keys(keys: list[str]) -> set[str]:
	found = set()
	for start in range(0, len(keys), CHUNK):
		found.update(
			frappe.db.sql(
				f"select `source_key` from `tab{DOCTYPE}` where `source_key` in %(keys)s",
				{"keys": keys[start : start + CHUNK]},
				pluck=True,
			)
		)
	return found


def reason(draft: policy.Draft) -> str:
	args = [fmt_money(arg) if isinstance(arg, float) else arg for arg in draft.args]
	return _(draft.message).format(*args)


def write(rule: str, items: list[tuple]) -> list[str]:
	"""Draft the entries `items` call for ((source name, occurrence, posting date, source company,
	Draft)) that have no entry with their key yet; the names of those written."""
	wanted = {}
	for source_name, occurrence, posting_date, company, draft in items:
		key = policy.source_key(rule, COMPLAINT, source_name, draft.role, draft.employee, occurrence)
		wanted.setdefault(key, (source_name, posting_date, company, draft))
	if not wanted:
		return []
	have = existing_keys(list(wanted))
	missing = [(key, value) for key, value in wanted.items() if key not in have]
	if not missing:
		return []
	people = employees({draft.employee for _key, (_s, _p, _c, draft) in missing})
	now, user = now_datetime(), frappe.session.user
	names = reserve_names(SERIES, len(missing))
	rows = []
	for name, (key, (source_name, posting_date, company, draft)) in zip(names, missing, strict=True):
		person = people.get(draft.employee) or frappe._dict()
		rows.append(
			(
				*standard_values(name, now, user).values(),
				SERIES,
				policy.FINE,
				rule,
				posting_date,
				draft.employee,
				person.employee_name,
				person.department,
				person.company or company,
				draft.amount,
				reason(draft),
				COMPLAINT,
				source_name,
				key,
			)
		)
	inserted = insert_rows(DOCTYPE, FIELDS, rows, ignore_duplicates=True)
	return inserted_names(DOCTYPE, names, inserted)
