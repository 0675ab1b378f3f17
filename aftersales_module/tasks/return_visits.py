"""Return visits: created once for every completed repair job and resolved complaint, by the
sources' on_update hooks and by a daily catch-up sweep, and marked overdue or missed by the sweep.

Both paths run `create_for_sources`: one query reads the sources, one the visits they already have,
and the missing ones are written in one bulk INSERT IGNORE against the unique key (source doctype,
source name, visit kind), so the hook, the sweep and two workers at once never make a second one.
New visits are then assigned by the Assignment Rule "Return Visit Round Robin" (a fixture) to the
users holding the role Return Visit Staff.

Escalation: a visit not made by its last day is Missed from the sweep's run (`missed_on`); the sweep
plans its escalation in the same pass, and the hourly escalation sweep escalates it by the Return
Visit escalation policy. A visit made already past its last day is Missed at the end of that day
and planned in the pass that creates it."""

import frappe
from frappe.query_builder.functions import Count, IfNull
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate

from aftersales_module import day_totals
from aftersales_module.assignment import assign_in_bulk
from aftersales_module.bulk import insert_rows, inserted_names, reserve_names, standard_values, update_rows
from aftersales_module.escalation.planning import write_plans
from aftersales_module.jobs import retried
from aftersales_module.policy import visits as policy
from aftersales_module.settings import get_settings

DOCTYPE = "Return Visit"
SERIES = "RV-.YYYY.-.#####"
ROLE = "Return Visit Staff"
ASSIGNMENT_RULE = "Return Visit Round Robin"
CHUNK = 1000


# ---------------------------------------------------------------- hooks (hooks.py doc_events)
def on_repair_job_update(doc, method=None):
	if doc.get("is_historical"):  # imported history gets no visit (history.py)
		return
	if doc.status in policy.REPAIR_DONE_STATUSES and doc.completed_on:
		create_for_sources(policy.REPAIR_JOB, names=[doc.name])


def on_complaint_update(doc, method=None):
	if doc.get("is_historical"):
		return
	if doc.status in policy.COMPLAINT_DONE_STATUSES and doc.resolved_on:
		create_for_sources(policy.COMPLAINT, names=[doc.name])


# ---------------------------------------------------------------- the daily sweep (scheduler)
def daily(today=None) -> dict:
	"""Catch up on visits the hooks missed (imports, direct writes, a failed hook), then mark what is
	overdue or missed. Idempotent; run again when a deadlock undid it (`jobs.retried`)."""
	return retried(daily_once, getdate(today or nowdate()))


def daily_once(today) -> dict:
	since = add_days(today, -policy.CATCH_UP_DAYS)
	created = create_for_sources(policy.REPAIR_JOB, since=since, today=today)
	created += create_for_sources(policy.COMPLAINT, since=since, today=today)
	overdue, missed = mark_missed(today)
	assigned = assign_waiting()
	return {"created": len(created), "overdue": overdue, "missed": missed, "assigned": assigned}


def sources(doctype: str, names=None, since=None) -> list[dict]:
	"""The completed jobs or resolved complaints (by name, or done since a day), one query."""
	customer = frappe.qb.DocType("Customer")
	if doctype == policy.REPAIR_JOB:
		source = frappe.qb.DocType("Repair Job")
		technician = frappe.qb.DocType("Repair Job Technician")
		first_technician = (
			frappe.qb.from_(technician)
			.select(technician.user)
			.where((technician.parent == source.name) & (technician.parenttype == "Repair Job"))
			.orderby(technician.idx)
			.limit(1)
		)
		done_on = source.completed_on
		statuses = policy.REPAIR_DONE_STATUSES
		extra = (source.name.as_("repair_job"), first_technician.as_("technician"))
	else:
		source = frappe.qb.DocType("Complaint Record")
		done_on = source.resolved_on
		statuses = policy.COMPLAINT_DONE_STATUSES
		extra = ()
	query = (
		frappe.qb.from_(source)
		.left_join(customer)
		.on(customer.name == source.customer)
		.select(
			source.name,
			done_on.as_("done_on"),
			source.company,
			source.customer,
			customer.customer_name,
			customer.mobile_no,
			source.item_code,
			source.serial_no,
			*extra,
		)
		.where(source.status.isin(statuses) & done_on.isnotnull())
		# imported history (closed when imported, or before the import's cut-off) gets no visit
		.where(source.is_historical == 0)
	)
	if names is not None:
		query = query.where(source.name.isin(names))
	if since is not None:
		query = query.where(done_on >= since)
	return query.run(as_dict=True)


def existing_visits(doctype: str, names: list[str]) -> set[tuple[str, str]]:
	found = set()
	for start in range(0, len(names), CHUNK):
		# plain SQL: the query builder renders each name of a long IN list as a term of its own
		rows = frappe.db.sql(
			"""select `reference_name`, `visit_kind` from `tabReturn Visit`
			where `reference_doctype` = %(doctype)s and `reference_name` in %(names)s""",
			{"doctype": doctype, "names": names[start : start + CHUNK]},
		)
		found.update((name, kind) for name, kind in rows)
	return found


def create_for_sources(doctype: str, names=None, since=None, today=None) -> list[str]:
	"""Write the visits the given sources lack; return the names of those created."""
	if names is not None and not names:
		return []
	rows = sources(doctype, names=names, since=since)
	if not rows:
		return []
	today = getdate(today or nowdate())
	have = existing_visits(doctype, [row.name for row in rows])
	settings = get_settings()
	missing = []
	for row in rows:
		service_date = getdate(get_datetime(row.done_on))
		for planned in policy.plan(
			doctype,
			service_date,
			settings.satisfaction_call_days,
			settings.first_return_visit_days,
			settings.second_return_visit_days,
		):
			if (row.name, planned.kind) not in have:
				missing.append((row, service_date, planned))
	if not missing:
		return []

	now, user = now_datetime(), frappe.session.user
	names_taken = reserve_names(SERIES, len(missing))
	fields = [
		*standard_values("", now, user),
		"naming_series",
		"visit_kind",
		"status",
		"is_overdue",
		"reference_doctype",
		"reference_name",
		"repair_job",
		"technician",
		"company",
		"customer",
		"customer_name",
		"contact_phone",
		"item_code",
		"serial_no",
		"service_date",
		"due_date",
		"last_day",
		"contact_method",
		"missed_on",
	]
	values = []
	born_missed = []
	standard = tuple(standard_values("", now, user).values())[1:]
	for name, (row, service_date, planned) in zip(names_taken, missing, strict=True):
		overdue, status = policy.state_on(policy.OPEN, planned.due_date, planned.last_day, today)
		# made already past its last day (a job completed late, a catch-up after the scheduler was
		# down): missed at the end of that day, and planned to escalate as the sweep plans its own
		missed_on = get_datetime(add_days(planned.last_day, 1)) if status == policy.MISSED else None
		if missed_on:
			born_missed.append(
				{"name": name, "customer": row.customer, "status": status, "missed_on": missed_on}
			)
		values.append(
			(
				name,
				*standard,
				SERIES,
				planned.kind,
				status,
				int(overdue),
				doctype,
				row.name,
				row.get("repair_job"),
				row.get("technician"),
				row.company,
				row.customer,
				row.customer_name,
				row.mobile_no,
				row.item_code,
				row.serial_no,
				service_date,
				planned.due_date,
				planned.last_day,
				"Phone",
				missed_on,
			)
		)
	inserted = insert_rows(DOCTYPE, fields, values, ignore_duplicates=True)
	if inserted:  # Return Visit Coverage reads these due days afresh
		day_totals.mark({value[fields.index("due_date")] for value in values})
	created = inserted_names(DOCTYPE, names_taken, inserted)
	mine = set(created)
	write_plans(DOCTYPE, [row for row in born_missed if row["name"] in mine])
	assign(created)
	return created


def assign(names: list[str]) -> None:
	"""Hand new visits to return-visit staff through the Assignment Rule (round robin), in bulk. The
	rule's users follow the role first; with nobody holding it, the visits wait unassigned."""
	if not names or not sync_assignment_users():
		return
	assign_in_bulk(DOCTYPE, names)


def sync_assignment_users() -> bool:
	"""The round-robin rule assigns to every enabled user holding Return Visit Staff; it is on only
	while someone holds the role (Frappe's round robin fails on a rule without users, and the
	fixture ships it off). Whether the rule is on."""
	if not frappe.db.exists("Assignment Rule", ASSIGNMENT_RULE):
		return False
	has_role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	staff = (
		frappe.qb.from_(has_role)
		.join(user)
		.on(user.name == has_role.parent)
		.select(user.name)
		.distinct()
		.where(
			(has_role.role == ROLE)
			& (has_role.parenttype == "User")
			& (user.enabled == 1)
			& (user.name != "Administrator")
		)
		.orderby(user.name)
	).run(pluck=True)
	rule = frappe.get_doc("Assignment Rule", ASSIGNMENT_RULE)
	disabled = 0 if staff else 1
	if sorted(row.user for row in rule.users) != staff or rule.disabled != disabled:
		rule.set("users", [{"user": name} for name in staff])
		rule.disabled = disabled
		rule.flags.ignore_permissions = True
		rule.save()
	return bool(staff)


def assign_waiting(limit: int = 5000) -> int:
	"""Open visits nobody holds (made while no one had the role): hand them out now."""
	visit = frappe.qb.DocType(DOCTYPE)
	names = (
		frappe.qb.from_(visit)
		.select(visit.name)
		.where((visit.status == policy.OPEN) & (IfNull(visit._assign, "").isin(("", "[]"))))
		.orderby(visit.due_date)
		.limit(limit)
	).run(pluck=True)
	assign(names)
	return len(names)


def mark_missed(today=None) -> tuple[int, int]:
	"""Open visits past their due date are overdue; past their last day, missed. A count and an
	update each, on the indexed status and dates."""
	today = getdate(today or nowdate())
	visit = frappe.qb.DocType(DOCTYPE)
	now = now_datetime()
	becoming_overdue = (
		(visit.status == policy.OPEN) & (visit.due_date < today) & (IfNull(visit.is_overdue, 0) == 0)
	)
	becoming_missed = (visit.status == policy.OPEN) & (visit.last_day < today)
	overdue = frappe.qb.from_(visit).select(Count("*")).where(becoming_overdue).run()[0][0]
	if overdue:
		frappe.qb.update(visit).set(visit.is_overdue, 1).set(visit.modified, now).where(
			becoming_overdue
		).run()
	missed = (
		frappe.qb.from_(visit)
		.select(visit.name, visit.customer, visit.due_date)
		.where(becoming_missed)
		.run(as_dict=True)
	)
	day_totals.mark({row.due_date for row in missed})  # Return Visit Coverage reads these afresh
	for start in range(0, len(missed), CHUNK):
		(
			frappe.qb.update(visit)
			.set(visit.status, policy.MISSED)
			.set(visit.is_overdue, 1)
			.set(visit.missed_on, now)
			.set(visit.modified, now)
			.where(visit.name.isin([row.name for row in missed[start : start + CHUNK]]))
			.where(visit.status == policy.OPEN)
		).run()
	if missed:
		write_plans(DOCTYPE, [{**row, "status": policy.MISSED, "missed_on": now} for row in missed])
	return overdue, len(missed)


def plan_missed_before_escalation() -> int:
	"""Visits missed before Return Visit escalated (a site upgraded from then): missed at the end of
	their last day, and planned to escalate from then. For the patch; the sweep plans new ones."""
	rows = frappe.get_all(
		DOCTYPE,
		filters={"status": policy.MISSED, "escalation_policy": ("is", "not set")},
		fields=["name", "customer", "last_day", "missed_on"],
	)
	for row in rows:
		row.status = policy.MISSED
		row.missed_on = row.missed_on or get_datetime(add_days(row.last_day or nowdate(), 1))
	update_rows(DOCTYPE, ["missed_on"], {row.name: (row.missed_on,) for row in rows})
	return write_plans(DOCTYPE, rows)
