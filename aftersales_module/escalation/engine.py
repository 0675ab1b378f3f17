"""The engine: select what is due (locked), ask the policy which levels fire, write in one batch.

A document that escalates stores its policy, the level it reached, when that level fell due, when
its clock started and when the next level falls due (`next_escalation_at`, indexed). The sweep
selects every open document whose next escalation is due with one locking query, asks
`policy.escalation` which levels fall due, and hands the writes to a `Batch`. Because each write
moves `next_escalation_at` past `now`, a second sweep at the same instant finds nothing and sends
nothing; two workers at once skip each other's locked rows."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import get_datetime, now_datetime
from pypika.terms import ValueWrapper

from aftersales_module import day_totals
from aftersales_module.escalation.planning import LoadedPolicy, load_policy
from aftersales_module.escalation.recipients import Recipients
from aftersales_module.escalation.registry import Escalatable, config_of
from aftersales_module.escalation.writer import Batch
from aftersales_module.policy.escalation import due_levels, next_escalation_at
from aftersales_module.settings import get_settings

OVERDUE_CHUNK = 5000


def _select_due(
	doctype: str, config: Escalatable, now: datetime, names: list[str] | None = None, wait: bool = False
):
	"""The open documents whose next level is due (or `names`), locked for this transaction. The
	sweep skips rows another worker holds (it escalates them); a manual escalation waits for them.
	A locking read sees the latest committed row, so a level fired meanwhile is not fired twice."""
	table = frappe.qb.DocType(doctype)
	fields = {
		"name",
		"escalation_policy",
		"escalation_level",
		"last_escalated_at",
		"escalation_clock_start",
		"creation",
		"_assign",
		config.title_field,
		*config.payload_fields,
		*((config.totals_day_field,) if config.totals_day_field else ()),
	}
	handler = table[config.handler_field] if config.handler_field else ValueWrapper(None)
	query = (
		frappe.qb.from_(table)
		.select(*(table[f] for f in sorted(fields)), handler.as_("handler"))
		.where(table.status.isin(config.active_statuses))
		.where(table.escalation_policy.isnotnull())
	)
	if _has_history(doctype):  # imported history never escalates (history.py)
		query = query.where(table.is_historical == 0)
	if names is None:
		query = query.where(table.next_escalation_at <= now)
	else:
		query = query.where(table.name.isin(names))
	return query.for_update(skip_locked=not wait).run(as_dict=True)


def _has_history(doctype: str) -> bool:
	return frappe.get_meta(doctype).has_field("is_historical")


def _webhook_on() -> bool:
	return bool(get_settings().alert_webhook_url)


def escalate_due(doctype: str, now: datetime | None = None, names: list[str] | None = None) -> int:
	"""Escalate every open `doctype` document whose next level is due; return how many levels fired."""
	config = config_of(doctype)
	now = now or now_datetime()
	rows = _select_due(doctype, config, now, names)
	batch = Batch(doctype, config, now, _webhook_on())
	policies: dict[str, LoadedPolicy] = {}
	recipients = Recipients()
	fired = 0
	reason_template = _("Unresolved {0} after {1} {2} (since {3})")
	label = {value: _(value) for value in (doctype, "Hours", "Days", "Previous Level")}
	label["Creation"] = _(config.clock_label)
	for row in rows:
		# Everything a row needs is worked out before anything of it joins the batch, so a row that
		# fails (a deleted policy, a broken level) is logged and skipped, and the others escalate.
		try:
			policy = policies.get(row.escalation_policy) or policies.setdefault(
				row.escalation_policy, load_policy(row.escalation_policy)
			)
			due = due_levels(
				policy.levels,
				get_datetime(row.escalation_clock_start or row.creation),
				row.escalation_level or 0,
				get_datetime(row.last_escalated_at) if row.last_escalated_at else None,
				now,
				policy.calendar,
			)
			steps = []
			for level, due_at in zip(due.levels, due.due_at, strict=True):
				level_row = policy.rows[level.number]
				users, note = recipients.for_level(level_row, row.handler)
				reason = reason_template.format(
					label[doctype],
					f"{level_row.after_value or 0:g}",
					label[level_row.after_unit],
					label[level_row.since],
				)
				steps.append((level, due_at, level_row, users, f"{reason}; {note}" if note else reason))
		except Exception:
			frappe.log_error(
				title=_("After-sales escalation failed for {0} {1}").format(_(doctype), row.name),
				reference_doctype=doctype,
				reference_name=row.name,
			)
			continue
		last_level = row.escalation_level or 0
		for level, due_at, level_row, users, reason in steps:
			batch.escalate(row, last_level, level, level_row, users, due_at, reason)
			last_level = level.number
			fired += 1
		update = {"next_escalation_at": due.next_at}
		if due.levels:
			update.update({"escalation_level": last_level, "last_escalated_at": due.due_at[-1]})
		batch.updates[row.name] = update
	batch.write()
	return fired


def escalate_now(doctype: str, name: str, reason: str) -> int:
	"""Escalate one document to its next level at once, as the session user (the handler reporting up)."""
	config = config_of(doctype)
	doc = frappe.get_doc(doctype, name)
	doc.check_permission("write")
	if doc.status not in config.active_statuses:
		frappe.throw(_("{0} {1} is {2}: only open cases escalate").format(_(doctype), name, _(doc.status)))
	if not doc.escalation_policy:
		frappe.throw(_("No escalation policy applies to {0} {1}").format(_(doctype), name))
	now = now_datetime()
	locked = _select_due(doctype, config, now, [name], wait=True)
	if not locked:
		frappe.throw(_("{0} {1} is no longer open for escalation").format(_(doctype), name))
	row = locked[0]
	policy = load_policy(row.escalation_policy)
	current = row.escalation_level or 0
	higher = sorted((lv for lv in policy.levels if lv.number > current), key=lambda lv: lv.number)
	if not higher:
		frappe.throw(_("{0} {1} is already at the highest escalation level").format(_(doctype), name))
	level = higher[0]
	level_row = policy.rows[level.number]
	recipients = Recipients()
	users, note = recipients.for_level(level_row, row.handler)
	batch = Batch(doctype, config, now, _webhook_on())
	batch.escalate(
		row,
		current,
		level,
		level_row,
		users,
		now,
		f"{reason}; {note}" if note else reason,
		True,
		frappe.session.user,
	)
	batch.updates[name] = {
		"escalation_level": level.number,
		"last_escalated_at": now,
		"next_escalation_at": next_escalation_at(
			policy.levels,
			get_datetime(doc.escalation_clock_start or doc.creation),
			level.number,
			now,
			policy.calendar,
		),
	}
	batch.write()
	return level.number


def mark_overdue(doctype: str, now: datetime | None = None) -> None:
	"""Flag the open documents whose deadline has passed (where the doctype has a deadline and an
	overdue flag the engine keeps). The rows are locked first, skipping those another transaction
	holds (a second sweep, a user's save: the next sweep flags them), then updated by name; one
	UPDATE over the deadline range instead deadlocked with a second sweep doing the same."""
	config = config_of(doctype)
	if not (config.deadline_field and config.overdue_field):
		return
	table = frappe.qb.DocType(doctype)
	query = (
		frappe.qb.from_(table)
		.select(table.name)
		.where(table[config.overdue_field] == 0)
		.where(table[config.deadline_field] < (now or now_datetime()))
		.where(table.status.isin(config.active_statuses))
	)
	if _has_history(doctype):
		query = query.where(table.is_historical == 0)
	if config.totals_day_field:  # the reports' day totals read these days afresh
		query = query.select(table[config.totals_day_field])
		rows = query.for_update(skip_locked=True).run()
		names = [name for name, _day in rows]
		day_totals.mark({day for _name, day in rows})
	else:
		names = query.for_update(skip_locked=True).run(pluck=True)
	for start in range(0, len(names), OVERDUE_CHUNK):
		(
			frappe.qb.update(table)
			.set(table[config.overdue_field], 1)
			.where(table.name.isin(names[start : start + OVERDUE_CHUNK]))
		).run()
