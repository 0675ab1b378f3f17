"""The escalation engine our doctypes share.

A document that escalates stores its policy, the level it reached, when that level fell due, when
its clock started and when the next level falls due (`next_escalation_at`, indexed). The hourly
sweep selects every open document whose next escalation is due with one query, asks
`policy.escalation` which levels fall due, and writes the log rows, ToDos, desk notifications and
parent updates in batches. Emails go out as one digest per recipient, webhooks as one signed POST
per sweep. Because each write moves `next_escalation_at` past `now`, a second sweep at the same
instant finds nothing and sends nothing.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import frappe
import requests
from frappe import _
from frappe.utils import escape_html, get_datetime, get_url_to_form, getdate, now_datetime
from frappe.utils.nestedset import get_ancestors_of

from aftersales_module import webhooks
from aftersales_module.bulk import insert_rows, update_rows
from aftersales_module.policy.complaint import pick_policy
from aftersales_module.policy.escalation import (
	Calendar,
	Level,
	due_levels,
	next_escalation_at,
	reply_deadline,
)

ACTIVE_COMPLAINT_STATUSES = (
	"Registered",
	"Classified",
	"Assigned",
	"Investigating",
	"Solution Proposed",
	"Approved",
	"Agreed",
	"In Execution",
	"Reopened",
)
MATCH_FIELDS = ("complaint_type", "severity", "complaint_category", "customer_group", "territory")
FALLBACK_ROLE = "After Sales Manager"
MAX_WEBHOOK_ATTEMPTS = 10
WEBHOOK_BATCH = 500
DIGEST_LINES = 200


@dataclass(frozen=True)
class Escalatable:
	"""How a doctype takes part in escalation."""

	log_doctype: str
	log_field: str
	active_statuses: tuple[str, ...]
	title_field: str
	payload_fields: tuple[str, ...]


ESCALATABLE = {
	"Complaint Record": Escalatable(
		log_doctype="Complaint Record Escalation",
		log_field="escalation_log",
		active_statuses=ACTIVE_COMPLAINT_STATUSES,
		title_field="subject",
		payload_fields=("subject", "customer", "severity", "company", "status"),
	),
}


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
	config = ESCALATABLE[doc.doctype]
	case = {fieldname: doc.get(fieldname) for fieldname in MATCH_FIELDS}
	if doc.get("customer"):
		case["customer_group"], case["territory"] = frappe.db.get_value(
			"Customer", doc.customer, ["customer_group", "territory"]
		) or (None, None)
	doc.escalation_policy = match_policy(doc.doctype, case)
	doc.escalation_clock_start = doc.escalation_clock_start or doc.get("registered_on") or now_datetime()
	if not doc.escalation_policy or doc.status not in config.active_statuses:
		doc.next_escalation_at = None
		return
	policy = load_policy(doc.escalation_policy)
	if not doc.deadline:
		doc.deadline = reply_deadline(
			get_datetime(doc.get("registered_on") or doc.escalation_clock_start),
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


class Recipients:
	"""Resolves a level's target to users, with one query per role or handler."""

	def __init__(self):
		self.by_role: dict[str, list[str]] = {}
		self.manager_of: dict[str, str | None] = {}

	def role_users(self, role: str) -> list[str]:
		if role not in self.by_role:
			has_role, user = frappe.qb.DocType("Has Role"), frappe.qb.DocType("User")
			self.by_role[role] = (
				frappe.qb.from_(has_role)
				.join(user)
				.on(user.name == has_role.parent)
				.select(user.name)
				.distinct()
				.where(has_role.role == role)
				.where(has_role.parenttype == "User")
				.where(user.enabled == 1)
				.where(user.user_type == "System User")
				.where(user.name.notin(["Administrator", "Guest"]))
				.orderby(user.name)
				.run(pluck=True)
			)
		return self.by_role[role]

	def manager(self, user: str | None, steps: int = 1) -> str | None:
		"""The user `steps` levels up `user`'s reporting line (Employee.reports_to), or the highest
		one there is when the chart ends sooner; None when `user` has no manager at all."""
		found = None
		for _step in range(max(steps, 1)):
			if not user:
				break
			if user not in self.manager_of:
				reports_to = frappe.db.get_value(
					"Employee", {"user_id": user, "status": "Active"}, "reports_to"
				)
				self.manager_of[user] = (
					frappe.db.get_value("Employee", reports_to, "user_id") if reports_to else None
				)
			user = self.manager_of[user]
			found = user or found
		return found

	def for_level(self, level_row, handler: str | None) -> tuple[list[str], str]:
		"""(users, note): the note says when the target had nobody and the fallback role was used."""
		if level_row.target_type == "Role":
			users = self.role_users(level_row.target_role)
		elif level_row.target_type == "User":
			users = [level_row.target_user] if level_row.target_user else []
		else:
			manager = self.manager(handler, level_row.manager_steps or 1)
			users = [manager] if manager else []
		if users:
			return users, ""
		return self.role_users(FALLBACK_ROLE), _("nobody matched the level's target; sent to {0}").format(
			_(FALLBACK_ROLE)
		)


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

	def __post_init__(self):
		# Translated once per batch, not once per escalation.
		self.doctype_label = _(self.doctype)
		self.subject_template = _("{0} {1} escalated to {2}: {3}")

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
		# These rows are written with bulk SQL, which skips Frappe's sanitizing: escape what a
		# user typed (the case's title, a manual reason, a policy's level label) here.
		self.logs.append(
			{
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
			self.notifications.extend((row, user_id, subject, escape_html(reason)) for user_id in recipients)
		if level_row.notify_email:
			for user_id in recipients:
				self.digests[user_id].append((row, level_row.level_label, reason))

	def write(self):
		meta_values = {
			"creation": self.now,
			"modified": self.now,
			"owner": "Administrator",
			"modified_by": "Administrator",
			"docstatus": 0,
		}
		self.write_logs(meta_values)
		self.write_todos(meta_values)
		self.write_notifications(meta_values)
		for name, users in self.assigned.items():
			self.updates.setdefault(name, {})["_assign"] = json.dumps(sorted(users))
		# Rows that change the same columns go in one statement per chunk.
		groups = defaultdict(dict)
		for name, values in self.updates.items():
			columns = tuple(sorted(values))
			groups[columns][name] = tuple(values[column] for column in columns)
		for columns, rows in groups.items():
			update_rows(
				self.doctype, list(columns), rows, {"modified": self.now, "modified_by": "Administrator"}
			)
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
		fields = ["name", "idx", *self.logs[0].keys()]
		values = []
		for entry in self.logs:
			next_idx[entry["parent"]] += 1
			values.append((frappe.generate_hash(length=12), next_idx[entry["parent"]], *entry.values()))
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
		if not self.notifications:
			return
		fields = ["name", "subject", "email_content", "for_user", "document_name"]
		values = [
			(frappe.generate_hash(length=12), subject, reason, user_id, row.name)
			for row, user_id, subject, reason in self.notifications
		]
		constants = {
			**meta_values,
			"type": "Alert",
			"document_type": self.doctype,
			"from_user": "Administrator",
			"read": 0,
		}
		insert_rows("Notification Log", fields, values, constants)

	def send_digests(self):
		"""Queue one digest email per recipient as a background job, after the sweep commits."""
		if not self.digests:
			return
		if not outgoing_email_configured():
			frappe.log_error(
				title=_("After-sales escalation emails not sent"),
				message=_(
					"No outgoing Email Account is enabled; {0} recipients got desk notifications only."
				).format(len(self.digests)),
			)
			return
		digests = {
			user_id: [
				(row.name, row.get(self.config.title_field) or "", level_label, reason)
				for row, level_label, reason in entries
			]
			for user_id, entries in self.digests.items()
		}
		frappe.enqueue(
			send_digests,
			queue="short",
			doctype=self.doctype,
			digests=digests,
			enqueue_after_commit=True,
			now=bool(frappe.flags.in_test),
		)


def send_digests(doctype: str, digests: dict) -> None:
	"""One email per recipient listing the cases escalated to them."""
	for user_id, entries in digests.items():
		lines = "".join(
			f"<tr><td><a href='{get_url_to_form(doctype, name)}'>{frappe.utils.escape_html(name)}</a></td><td>{frappe.utils.escape_html(title)}</td><td>{frappe.utils.escape_html(level_label)}</td><td>{frappe.utils.escape_html(reason)}</td></tr>"
			for name, title, level_label, reason in entries[:DIGEST_LINES]
		)
		more = len(entries) - DIGEST_LINES
		frappe.sendmail(
			recipients=[user_id],
			subject=_("{0} after-sales cases escalated to you").format(len(entries)),
			message=(
				"<table><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>{}</table>".format(
					_("Document"), _("Subject"), _("Level"), _("Reason"), lines
				)
				+ ("<p>" + _("and {0} more").format(more) + "</p>" if more > 0 else "")
			),
			delayed=True,
		)


def outgoing_email_configured() -> bool:
	return bool(frappe.db.exists("Email Account", {"enable_outgoing": 1, "default_outgoing": 1}))


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
		"handler",
		"_assign",
		config.title_field,
		*config.payload_fields,
	}
	query = (
		frappe.qb.from_(table)
		.select(*(table[f] for f in sorted(fields)))
		.where(table.status.isin(config.active_statuses))
		.where(table.escalation_policy.isnotnull())
	)
	if names is None:
		query = query.where(table.next_escalation_at <= now)
	else:
		query = query.where(table.name.isin(names))
	return query.for_update(skip_locked=not wait).run(as_dict=True)


def _webhook_on() -> bool:
	return bool(frappe.db.get_single_value("After Sales Settings", "alert_webhook_url"))


def escalate_due(doctype: str, now: datetime | None = None, names: list[str] | None = None) -> int:
	"""Escalate every open `doctype` document whose next level is due; return how many levels fired."""
	config = ESCALATABLE[doctype]
	now = now or now_datetime()
	rows = _select_due(doctype, config, now, names)
	batch = Batch(doctype, config, now, _webhook_on())
	policies: dict[str, LoadedPolicy] = {}
	recipients = Recipients()
	fired = 0
	reason_template = _("Unresolved {0} after {1} {2} (since {3})")
	label = {value: _(value) for value in (doctype, "Hours", "Days", "Creation", "Previous Level")}
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
	config = ESCALATABLE[doctype]
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
	"""Flag, with one UPDATE, the open documents whose reply deadline has passed."""
	config = ESCALATABLE[doctype]
	table = frappe.qb.DocType(doctype)
	(
		frappe.qb.update(table)
		.set(table.is_overdue, 1)
		.where(table.is_overdue == 0)
		.where(table.deadline < (now or now_datetime()))
		.where(table.status.isin(config.active_statuses))
	).run()


WEBHOOK_JOB_ID = "aftersales-escalation-webhooks"
STALE_CLAIM_MINUTES = 15
PAYLOAD_TEXT_FIELDS = ("subject", "customer", "complainant_name")


def queue_webhook_delivery() -> None:
	"""Deliver pending webhooks from a background job once this transaction commits: never an HTTP
	call inside a web request or an open transaction."""
	frappe.enqueue(
		"aftersales_module.escalation.deliver_webhooks",
		queue="short",
		job_id=WEBHOOK_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def _claim(log, doctype: str, claim: str, now: datetime) -> None:
	"""Mark a batch of undelivered events as this worker's, and commit: a second worker running at
	the same time claims other rows (or none), so no event is POSTed twice. A claim left by a worker
	that died is taken over after STALE_CLAIM_MINUTES."""
	stale = frappe.utils.add_to_date(now, minutes=-STALE_CLAIM_MINUTES)
	(
		frappe.qb.update(log)
		.set(log.webhook_status, "Sending")
		.set(log.webhook_claim, claim)
		.set(log.webhook_claimed_at, now)
		.where(log.parenttype == doctype)
		.where(log.webhook_attempts < MAX_WEBHOOK_ATTEMPTS)
		.where(
			log.webhook_status.isin(["Pending", "Failed"])
			| ((log.webhook_status == "Sending") & (log.webhook_claimed_at < stale))
		)
		.orderby(log.escalated_at)
		.limit(WEBHOOK_BATCH * 10)
	).run()


def deliver_webhooks(commit: bool = True) -> int:
	"""The queued job: POST pending and failed escalation events; return how many arrived. Never
	raises. Claims are committed before any POST and each result right after it (`commit=False`
	leaves committing to the caller, for tests that roll back)."""
	url = frappe.db.get_single_value("After Sales Settings", "alert_webhook_url")
	if not url:
		return 0
	settings = frappe.get_single("After Sales Settings")
	if problem := webhooks.destination_problem(url, settings.webhook_allowed_hosts):
		frappe.log_error(
			title=_("After-sales webhook not sent"),
			message=_(problem.message).format(_("Alert Webhook URL"), *problem.args),
		)
		return 0
	secret = settings.get_password("alert_webhook_secret", raise_exception=False)
	delivered = 0
	for doctype, config in ESCALATABLE.items():
		log, parent = frappe.qb.DocType(config.log_doctype), frappe.qb.DocType(doctype)
		claim, now = frappe.generate_hash(length=16), now_datetime()
		_claim(log, doctype, claim, now)
		if commit:
			frappe.db.commit()
		rows = (
			frappe.qb.from_(log)
			.join(parent)
			.on(parent.name == log.parent)
			.select(
				log.name.as_("event_id"),
				log.parent.as_("name"),
				log.escalated_at,
				log.from_level,
				log.to_level,
				log.level_label,
				log.recipients,
				log.reason,
				log.is_manual,
				*(parent[f] for f in config.payload_fields),
			)
			.where(log.webhook_claim == claim)
			.where(log.webhook_status == "Sending")
			.orderby(log.escalated_at)
			.run(as_dict=True)
		)
		for start in range(0, len(rows), WEBHOOK_BATCH):
			chunk = rows[start : start + WEBHOOK_BATCH]
			ids = [r["event_id"] for r in chunk]
			for r in chunk:
				r["doctype"] = doctype
				r["url"] = get_url_to_form(doctype, r["name"])
				for fieldname in PAYLOAD_TEXT_FIELDS:
					if isinstance(r.get(fieldname), str):
						r[fieldname] = escape_html(r[fieldname])
			payload = {
				"event": "escalation",
				"delivery_id": f"{claim}-{start // WEBHOOK_BATCH}",
				"sent_at": now_datetime().isoformat(),
				"site": frappe.local.site,
				"escalations": chunk,
			}
			try:
				webhooks.post(url, payload, secret, "escalation")
			except requests.RequestException as error:
				(
					frappe.qb.update(log)
					.set(log.webhook_status, "Failed")
					.set(log.webhook_attempts, log.webhook_attempts + 1)
					.set(log.webhook_error, str(error)[:500])
					.where(log.name.isin(ids))
				).run()
				frappe.log_error(
					title=_("After-sales webhook failed"),
					message=f"{url}: {error}\n{len(ids)} escalation events will be retried by the next sweep.",
				)
			else:
				(
					frappe.qb.update(log)
					.set(log.webhook_status, "Sent")
					.set(log.webhook_attempts, log.webhook_attempts + 1)
					.set(log.webhook_error, None)
					.where(log.name.isin(ids))
				).run()
				delivered += len(ids)
			if commit:
				frappe.db.commit()
	return delivered


def sweep(now: datetime | None = None) -> dict:
	"""The hourly job: escalate what is due, flag what is overdue, retry webhooks."""
	now = now or now_datetime()
	fired = {}
	for doctype in ESCALATABLE:
		# One doctype's failure does not undo the others' escalations.
		savepoint = f"escalate_{frappe.scrub(doctype)}"
		frappe.db.savepoint(savepoint)
		try:
			fired[doctype] = escalate_due(doctype, now)
			mark_overdue(doctype, now)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(title=_("After-sales escalation sweep failed for {0}").format(_(doctype)))
			fired[doctype] = 0
	queue_webhook_delivery()
	return fired
