"""Key parts failing above their threshold raise a Non Conformance (requirements 000/3: key-part
failures are watched and fed to quality inspection).

The daily sweep reads the numbers of the Key Part Failure Trend report for last month and this one,
in two grouped queries, and raises one Non Conformance (ERPNext Quality Management) per company, key
part and month over its threshold, with the failing jobs as evidence; the users holding Quality
Manager get a desk notification (a Notification Log row: no email needed).

Idempotent and safe with two workers: a Non Conformance carries its company, part and month in
`aftersales_key_part_month`, a unique column. Those already raised are skipped in one query; when
two workers raise the same one at once, the second insert waits for the first and fails on the key,
and is rolled back to its savepoint, so only the worker whose row went in notifies."""

from datetime import date
from urllib.parse import quote

import frappe
from frappe import _
from frappe.utils import escape_html, flt, format_date, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.report.key_part_failure_trend.key_part_failure_trend import (
	failing_jobs,
	trend_rows,
)
from aftersales_module.jobs import lost_transaction, retried, step
from aftersales_module.mail import insert_notifications, site_language
from aftersales_module.policy import key_parts as policy
from aftersales_module.roles import MANAGER, grant, require_manager

NON_CONFORMANCE = "Non Conformance"
QUALITY_MANAGER = "Quality Manager"
# What the app's own Quality Procedure is for (Quality Procedure.aftersales_procedure_for): found by
# this, never by its name, which is written in the site's language.
PROCEDURE_FOR = "Key Part Failure"
OPEN = "Open"
EVIDENCE_LIMIT = 200
SAVEPOINT = "key_part_nc"


def daily(today: date | None = None) -> None:
	"""The daily_long job: last month's and this month's key parts over their threshold."""
	retried(run, getdate(today or nowdate()))


def run(today: date) -> list[str]:
	raised = []
	for month in policy.months_to_evaluate(today):
		with step("key_part_sweep", f"Key part failure sweep: {policy.month_key(month)}"):
			raised += raise_non_conformances(month)
	return raised


@frappe.whitelist(methods=["POST"])
def evaluate_month(month: str, company: str | None = None) -> list[str]:
	"""Run the sweep now for one month ("2026-11" or any day in it), for one company or all; the
	Non Conformances it raised. After Sales Manager only."""
	require_manager(_("Only an After Sales Manager can evaluate key-part failures"))
	try:
		day = getdate(f"{month}-01" if len(month.strip()) == 7 else month)
	except Exception:
		frappe.throw(_("{0} is not a month such as 2026-11").format(escape_html(month)))
	if company and not frappe.db.exists("Company", company):
		frappe.throw(_("Company {0} not found").format(escape_html(company)))
	return raise_non_conformances(policy.month_start(day), [company] if company else None)


def raise_non_conformances(month: date, companies: list[str] | None = None) -> list[str]:
	"""One Non Conformance for each company and key part over its threshold in `month` that has
	none yet; the names of those this call raised."""
	rows = [row for row in trend_rows([month], companies) if row.over_threshold and not row.non_conformance]
	if not rows:
		return []
	procedure = key_part_procedure()
	language = site_language()
	raised = {}
	for row in rows:
		name = insert_non_conformance(row, month, procedure, language)
		if name:
			raised[name] = row
	notify_quality_managers(raised)
	return list(raised)


def insert_non_conformance(row, month: date, procedure: str, language: str) -> str | None:
	"""The new Non Conformance's name, or None when another worker raised it first."""
	key = policy.non_conformance_key(row.company, row.item_code, row.month)
	doc = frappe.get_doc(
		{
			"doctype": NON_CONFORMANCE,
			"subject": subject(row, language)[:140],
			"procedure": procedure,
			"status": OPEN,
			"details": details(row, failing_jobs(row.company, row.item_code, month), language),
			"aftersales_key_part": row.item_code,
			"aftersales_failure_month": row.month,
			"aftersales_company": row.company,
			"aftersales_key_part_month": key,
		}
	)
	return insert_unless_taken(doc)


def insert_unless_taken(doc) -> str | None:
	"""Insert `doc`; None when its unique key is taken (another worker made it first), with the
	duplicate's message dropped: it is expected."""
	messages = len(frappe.local.message_log)
	frappe.db.savepoint(SAVEPOINT)
	try:
		doc.insert(ignore_permissions=True)
	except (frappe.UniqueValidationError, frappe.DuplicateEntryError) as error:
		if lost_transaction(error):
			raise
		frappe.db.rollback(save_point=SAVEPOINT)
		del frappe.local.message_log[messages:]
		return None
	frappe.db.release_savepoint(SAVEPOINT)
	return doc.name


def subject(row, language: str) -> str:
	return _("Key part {0} failing at {1}% in {2}, above its threshold of {3}%", lang=language).format(
		row.item_code, number(row.failure_rate), row.month, number(row.threshold)
	)


def number(value) -> str:
	"""12.5, 10, 3: a quantity or percentage as people write it."""
	return f"{flt(value, 2):g}"


def details(row, jobs: list, language: str) -> str:
	"""The evidence, as escaped HTML: the numbers, and a list of the failing jobs with links."""
	part = row.item_code
	if row.item_name and row.item_name != row.item_code:
		part = f"{row.item_code} ({row.item_name})"
	summary = _(
		"{0} failures of key part {1} on the repair jobs of {2} completed in {3}, against {4} units in the field under warranty at the month's end: {5}% (threshold {6}%).",
		lang=language,
	).format(
		number(row.failures),
		escape_html(part),
		escape_html(row.company),
		escape_html(row.month),
		number(row.units_in_field),
		number(row.failure_rate),
		number(row.threshold),
	)
	items = []
	for job in jobs[:EVIDENCE_LIMIT]:
		unit = " ".join(escape_html(v) for v in (job.item_code, job.serial_no) if v)
		items.append(
			f'<li><a href="/app/repair-job/{quote(job.name)}">{escape_html(job.name)}</a>: '
			+ _("{0} × {1}, {2}, completed on {3}", lang=language).format(
				number(job.qty), unit or "-", escape_html(job.customer or ""), format_date(job.completed_on)
			)
			+ "</li>"
		)
	more = ""
	if len(jobs) > EVIDENCE_LIMIT:
		more = "<p>" + _("and {0} more", lang=language).format(len(jobs) - EVIDENCE_LIMIT) + "</p>"
	return f"<p>{summary}</p><ul>{''.join(items)}</ul>{more}"


def quality_managers() -> list[frappe._dict]:
	"""The enabled desk users holding Quality Manager, with their language."""
	user = frappe.qb.DocType("User")
	has_role = frappe.qb.DocType("Has Role")
	return (
		frappe.qb.from_(user)
		.join(has_role)
		.on((has_role.parent == user.name) & (has_role.parenttype == "User"))
		.select(user.name, user.language)
		.distinct()
		.where(
			(has_role.role == QUALITY_MANAGER)
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& (user.name != "Guest")
		)
	).run(as_dict=True)


def notify_quality_managers(raised: dict) -> None:
	"""A desk notification for each Quality Manager of each Non Conformance raised (escaped)."""
	if not raised:
		return
	default_language = site_language()
	rows = []
	for person in quality_managers():
		language = person.language or default_language
		for name, row in raised.items():
			rows.append((person.name, name, escape_html(subject(row, language)), ""))
	insert_notifications(NON_CONFORMANCE, rows, now_datetime())
	for person in {row[0] for row in rows}:
		frappe.publish_realtime("notification", after_commit=True, user=person)


# --- the app's Quality Procedure ----------------------------------------------------------------


def key_part_procedure() -> str:
	"""The Quality Procedure the app's Non Conformances follow (Non Conformance.procedure is
	required), made the first time, named in the site's language."""
	name = frappe.db.get_value("Quality Procedure", {"aftersales_procedure_for": PROCEDURE_FOR})
	if name:
		return name
	language = site_language()
	title = _("Key Part Failure", lang=language)
	for candidate in (title, f"{title} ({_('After Sales', lang=language)})"):
		made = insert_procedure(candidate, language)
		if made:
			return made
		# another worker made ours, or the site has a procedure of that name: look again
		name = frappe.db.get_value("Quality Procedure", {"aftersales_procedure_for": PROCEDURE_FOR})
		if name:
			return name
	frappe.throw(_("Could not create the Quality Procedure for key-part failures"))


def insert_procedure(title: str, language: str) -> str | None:
	doc = frappe.get_doc(
		{
			"doctype": "Quality Procedure",
			"quality_procedure_name": title,
			"aftersales_procedure_for": PROCEDURE_FOR,
			"processes": [
				{
					"process_description": _(
						"Inspect the failed key parts of the repair jobs listed, find the cause with the supplier or production, and record the corrective and preventive action.",
						lang=language,
					)
				}
			],
		}
	)
	return insert_unless_taken(doc)


def after_migrate() -> None:
	"""after_migrate: the app's Quality Procedure exists once its custom field does, and Quality
	Managers may open the Non Conformances they are told of."""
	if frappe.get_meta("Quality Procedure").has_field("aftersales_procedure_for"):
		key_part_procedure()
	grant_quality_managers()


def grant_quality_managers() -> None:
	"""ERPNext lets only System Managers and Employees open a Non Conformance; the Quality Managers
	the sweep notifies read and work it too."""
	for doctype, ptype, values in QUALITY_MANAGER_GRANTS:
		if grant(doctype, QUALITY_MANAGER, ptype, values):
			frappe.clear_cache(doctype=doctype)


# What Quality Managers get: the Non Conformances they are told of, picking the company in the Key
# Part Failure Trend report's filters, and reading the key parts (Item is the report's reference
# doctype: a Quality Manager held to a company by User Permission who may not read it sees no rows).
QUALITY_MANAGER_GRANTS = (
	(NON_CONFORMANCE, "write", {"read": 1, "report": 1, "print": 1, "export": 1}),
	("Company", "select", {"read": 0}),
	("Item", "select", {"read": 1}),
)


def revoke_quality_managers() -> None:
	doctypes = [doctype for doctype, _ptype, _values in QUALITY_MANAGER_GRANTS]
	frappe.db.delete("Custom DocPerm", {"parent": ("in", doctypes), "role": QUALITY_MANAGER})
	for doctype in doctypes:
		frappe.clear_cache(doctype=doctype)


# --- number card -------------------------------------------------------------------------------


@frappe.whitelist()
@frappe.read_only()  # served from a read replica where the site has one
def over_threshold_card(filters: str | dict | None = None) -> dict:
	"""Number card: open Non Conformances raised for key parts over their threshold."""
	if not (
		frappe.has_permission(NON_CONFORMANCE, "read")
		or {MANAGER, QUALITY_MANAGER, "General Manager"} & set(frappe.get_roles())
	):
		raise frappe.PermissionError
	count = frappe.db.count(NON_CONFORMANCE, {"status": OPEN, "aftersales_key_part": ("is", "set")})
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", NON_CONFORMANCE],
		"route_options": {"status": OPEN, "aftersales_key_part": ["is", "set"]},
	}
