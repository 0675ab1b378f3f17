"""The daily maintenance-contract sweeps (requirements §2.5): contract statuses, inspection visits,
renewal reminders, warranty-ending alerts and billing; and the hourly SLA check of covered jobs.

Each sweep selects what is due with one query, asks policy/contract.py what each row's next state
is, and writes in batches. They are idempotent and safe with two workers: reminders and billing
periods are claimed by an INSERT IGNORE on a unique key (only the worker whose row went in acts),
visits are locked with SELECT ... FOR UPDATE SKIP LOCKED and Repair Job.contract_visit is unique."""

from collections import defaultdict
from datetime import date, timedelta

import frappe
from frappe import _
from frappe.query_builder.functions import Coalesce, NullIf
from frappe.utils import add_days, cint, escape_html, flt, get_url_to_form, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
	billing_item,
	expiring_days,
	inspection_job_lead_days,
	reminder_lead_days,
	share_with_requester,
)
from aftersales_module.bulk import insert_rows, inserted_names, update_rows
from aftersales_module.guard import app_write
from aftersales_module.jobs import lost_transaction, retried, step
from aftersales_module.mail import (
	email_status,
	first_problem,
	insert_notifications,
	outgoing_problem,
	queue_email,
)
from aftersales_module.policy import contract as policy
from aftersales_module.policy import repair as repair_policy
from aftersales_module.settings import get_settings

CONTRACT = "Maintenance Contract"
CHUNK = 2000


def daily(today: date | None = None) -> None:
	"""The daily_long job: every contract sweep, in order; all of them again if a deadlock undid
	them (`jobs.retried`)."""
	retried(run_steps, getdate(today or nowdate()))


def run_steps(today: date) -> None:
	for sweep_step in (
		update_statuses,
		open_inspection_jobs,
		mark_overdue_visits,
		send_renewal_reminders,
		send_warranty_ending_alerts,
		bill_contracts,
	):
		# one failing step (a bad master, a locked row) must not stop the others
		with step("contract_sweep", f"Maintenance contract sweep: {sweep_step.__name__}"):
			sweep_step(today)


# --- writing in batches -------------------------------------------------------------------------


def insert_ignore(doctype: str, fields: list[str], rows: list[tuple]) -> int:
	"""INSERT IGNORE `rows` into `doctype` (rows already on a unique key are skipped), with the
	standard columns filled; a chunk per statement. Returns how many went in."""
	if not rows:
		return 0
	now, user = now_datetime(), frappe.session.user
	standard = {"creation": now, "modified": now, "modified_by": user, "owner": user, "docstatus": 0}
	return insert_rows(doctype, fields, rows, standard, ignore_duplicates=True)


def claimed(doctype: str, names: list[str], inserted: int) -> set[str]:
	"""Which of the names this worker inserted (`inserted` rows went in) are in the table (the others
	lost to a duplicate)."""
	return set(inserted_names(doctype, names, inserted))


def new_name() -> str:
	return frappe.generate_hash(length=12)


# --- (a) contract status -------------------------------------------------------------------------


def update_statuses(today: date | None = None) -> int:
	"""Active → Expiring from the first renewal reminder's day, → Expired after the end. Only the
	contracts near their end are read; each new status is written with one UPDATE per status."""
	today = getdate(today or nowdate())
	lead = expiring_days()
	mc = frappe.qb.DocType(CONTRACT)
	rows = (
		frappe.qb.from_(mc)
		.select(mc.name, mc.start_date, mc.end_date, mc.status, mc.renewed_to)
		.where(
			(mc.docstatus == 1)
			& (mc.status.isin((policy.ACTIVE, policy.EXPIRING)))
			& (mc.end_date <= add_days(today, lead))
		)
	).run(as_dict=True)
	moves = defaultdict(list)
	for row in rows:
		status = policy.status_on(
			getdate(row.start_date), getdate(row.end_date), today, lead, renewed=bool(row.renewed_to)
		)
		if status != row.status:
			moves[status].append(row.name)
	for status, names in moves.items():
		for start in range(0, len(names), CHUNK):
			(
				frappe.qb.update(mc)
				.set(mc.status, status)
				.set(mc.modified, now_datetime())
				.where(mc.name.isin(names[start : start + CHUNK]))
			).run()
	return sum(len(names) for names in moves.values())


# --- (b) inspection visits ------------------------------------------------------------------------


def open_inspection_jobs(today: date | None = None) -> list[str]:
	"""Open one Inspection repair job for each visit whose day is within the lead time and has none.
	The visits are locked (SKIP LOCKED: another worker takes the others); Repair Job.contract_visit
	is unique, so a visit never gets a second job."""
	today = getdate(today or nowdate())
	lead = inspection_job_lead_days()
	visit = frappe.qb.DocType("Maintenance Contract Visit")
	mc = frappe.qb.DocType(CONTRACT)
	due = (
		frappe.qb.from_(visit)
		.join(mc)
		.on(mc.name == visit.parent)
		.select(
			visit.name,
			visit.parent,
			visit.planned_date,
			mc.company,
			mc.customer,
			mc.contract_type,
		)
		.where(
			(visit.parenttype == CONTRACT)
			& (mc.docstatus == 1)
			& (mc.status != policy.CANCELLED)
			& (visit.status.isin((policy.PLANNED, policy.OVERDUE)))
			& (visit.repair_job.isnull() | (visit.repair_job == ""))
			& (visit.planned_date <= add_days(today, lead))
		)
		.orderby(visit.planned_date)
		.for_update(skip_locked=True)
	).run(as_dict=True)
	if not due:
		return []
	units = defaultdict(list)
	for row in frappe.get_all(
		"Maintenance Contract Unit",
		filters={"parent": ("in", list({v.parent for v in due})), "parenttype": CONTRACT},
		fields=["parent", "item_code", "serial_no", "qty"],
		order_by="idx",
	):
		units[row.parent].append(row)
	jobs = []
	for row in due:
		frappe.db.savepoint("inspection_job")
		try:
			job = make_inspection_job(row, units[row.parent])
		except Exception as error:
			if lost_transaction(error):
				raise
			frappe.db.rollback(save_point="inspection_job")
			frappe.log_error(
				title=_("Could not open the inspection job of Maintenance Contract {0}").format(row.parent),
				reference_doctype=CONTRACT,
				reference_name=row.parent,
			)
			continue
		status = policy.OVERDUE if getdate(row.planned_date) < today else policy.DUE
		(
			frappe.qb.update(visit)
			.set(visit.repair_job, job)
			.set(visit.status, status)
			.where(visit.name == row.name)
		).run()
		jobs.append(job)
	return jobs


def make_inspection_job(visit, units) -> str:
	single = units[0] if len(units) == 1 else None
	listed = ", ".join(u.serial_no or f"{u.item_code} × {flt(u.qty):g}" for u in units)
	with app_write():
		job = frappe.get_doc(
			{
				"doctype": "Repair Job",
				"company": visit.company,
				"customer": visit.customer,
				"service_class": repair_policy.CONTRACT,
				"job_kind": policy.INSPECTION,
				"maintenance_contract": visit.parent,
				"contract_visit": visit.name,
				"item_code": single.item_code if single else None,
				"serial_no": single.serial_no if single else None,
				"appointment": f"{visit.planned_date} 09:00:00",
				"reported_symptom": _("Planned inspection under Maintenance Contract {0}: {1}").format(
					visit.parent, listed
				),
			}
		).insert(ignore_permissions=True)
	return job.name


def mark_overdue_visits(today: date | None = None) -> None:
	"""Visits not done by their planned day are Overdue: one UPDATE."""
	today = getdate(today or nowdate())
	visit = frappe.qb.DocType("Maintenance Contract Visit")
	mc = frappe.qb.DocType(CONTRACT)
	submitted = frappe.qb.from_(mc).select(mc.name).where(mc.docstatus == 1)
	(
		frappe.qb.update(visit)
		.set(visit.status, policy.OVERDUE)
		.where(
			(visit.parenttype == CONTRACT)
			& (visit.status.isin((policy.PLANNED, policy.DUE)))
			& (visit.planned_date < today)
			& (visit.parent.isin(submitted))
		)
	).run()


def on_repair_job_update(doc, method=None) -> None:
	"""Completing an inspection job marks its visit Done; reopening it puts the visit back."""
	if not doc.get("contract_visit"):
		return
	visit = frappe.qb.DocType("Maintenance Contract Visit")
	current = frappe.db.get_value(
		"Maintenance Contract Visit", doc.contract_visit, ["status", "planned_date"], as_dict=True
	)
	if not current or current.status == policy.VISIT_CANCELLED:
		return
	done = doc.status in (repair_policy.COMPLETED, repair_policy.INVOICED) or (
		doc.status == repair_policy.CLOSED and doc.completed_on
	)
	if done and current.status != policy.DONE:
		(
			frappe.qb.update(visit)
			.set(visit.status, policy.DONE)
			.set(visit.completed_on, doc.completed_on or now_datetime())
			.where(visit.name == doc.contract_visit)
		).run()
	elif not done and current.status == policy.DONE:
		late = getdate(current.planned_date) < getdate(nowdate())
		(
			frappe.qb.update(visit)
			.set(visit.status, policy.OVERDUE if late else policy.DUE)
			.set(visit.completed_on, None)
			.where(visit.name == doc.contract_visit)
		).run()


# --- (c) renewal reminders ------------------------------------------------------------------------


def system_language() -> str:
	return frappe.db.get_single_value("System Settings", "language") or "en"


def sent_leads(kind: str, doctype: str, names: list[str]) -> dict[str, set[int]]:
	sent = defaultdict(set)
	log = frappe.qb.DocType("Reminder Log")
	for start in range(0, len(names), CHUNK):
		for row in (
			frappe.qb.from_(log)
			.select(log.reference_name, log.lead_days)
			.where(
				(log.kind == kind)
				& (log.reference_doctype == doctype)
				& (log.reference_name.isin(names[start : start + CHUNK]))
			)
		).run(as_dict=True):
			sent[row.reference_name].add(cint(row.lead_days))
	return sent


def claim_reminders(
	kind: str, doctype: str, due: dict[str, int], channel: str, sent_to: dict
) -> dict[str, str]:
	"""Insert one Reminder Log per due document (INSERT IGNORE on its unique key); the documents
	whose row this worker inserted, which this worker then reminds, with the name of their row."""
	names = {reference: new_name() for reference in due}
	now = now_datetime()
	inserted = insert_ignore(
		"Reminder Log",
		["name", "kind", "reference_doctype", "reference_name", "lead_days", "sent_on", "channel", "sent_to"],
		[
			(names[ref], kind, doctype, ref, lead, now, channel, ", ".join(sent_to.get(ref, [])))
			for ref, lead in due.items()
		],
	)
	mine = claimed("Reminder Log", list(names.values()), inserted)
	return {ref: name for ref, name in names.items() if name in mine}


def record_email_results(results: dict[str, str | None]) -> None:
	"""Write on each Reminder Log (by name) whether its email was queued, and if not, why."""
	update_rows(
		"Reminder Log",
		["email_status", "email_error"],
		{name: (email_status(problem), problem) for name, problem in results.items()},
	)


def send_renewal_reminders(today: date | None = None) -> list[str]:
	"""Remind the customer's contact and the account team of a contract's end at each lead time
	(90 and 30 days by default), once per contract and lead time; a ToDo for the account lead."""
	today = getdate(today or nowdate())
	leads = reminder_lead_days()
	mc = frappe.qb.DocType(CONTRACT)
	customer = frappe.qb.DocType("Customer")
	contact = frappe.qb.DocType("Contact")
	user = frappe.qb.DocType("User")
	rows = (
		frappe.qb.from_(mc)
		.left_join(customer)
		.on(customer.name == mc.customer)
		.left_join(contact)
		.on(contact.name == Coalesce(NullIf(mc.customer_contact, ""), customer.customer_primary_contact))
		.left_join(user)
		.on(user.name == contact.user)
		.select(
			mc.name,
			mc.customer,
			mc.customer_name,
			mc.end_date,
			mc.account_lead,
			contact.email_id.as_("contact_email"),
			Coalesce(NullIf(user.language, ""), NullIf(customer.language, "")).as_("contact_language"),
		)
		.where(
			(mc.docstatus == 1)
			& (mc.status.isin((policy.ACTIVE, policy.EXPIRING)))
			& (mc.renewed_to.isnull() | (mc.renewed_to == ""))
			& (mc.end_date >= today)
			& (mc.end_date <= add_days(today, max(leads)))
		)
	).run(as_dict=True)
	if not rows:
		return []
	by_name = {row.name: row for row in rows}
	sent = sent_leads(policy.CONTRACT_RENEWAL, CONTRACT, list(by_name))
	due = {}
	for row in rows:
		lead = policy.reminder_due(getdate(row.end_date), today, leads, frozenset(sent.get(row.name, ())))
		if lead:
			due[row.name] = lead
	if not due:
		return []
	team = team_members(list(due))
	default_language = system_language()
	recipients = {}
	for name in due:
		row = by_name[name]
		groups = defaultdict(list)
		if row.contact_email:
			groups[row.contact_language or default_language].append(row.contact_email)
		for member in team.get(name, []):
			if member.email:
				groups[member.language or default_language].append(member.email)
		recipients[name] = groups
	sent_to = {name: [e for emails in groups.values() for e in emails] for name, groups in recipients.items()}
	mine = claim_reminders(policy.CONTRACT_RENEWAL, CONTRACT, due, "Email, ToDo, Desk", sent_to)
	todos, notifications, results = [], [], {}
	problem = outgoing_problem()
	for name in sorted(mine):
		row = by_name[name]
		results[mine[name]] = first_problem(
			queue_renewal_email(row, due[name], language, emails, problem)
			for language, emails in recipients[name].items()
		)
		for member in team.get(name, []):
			notifications.append(
				(member.user, name, renewal_text(row, due[name], member.language or default_language), "")
			)
		if row.account_lead:
			todos.append(
				(
					new_name(),
					"Open",
					"Medium",
					row.end_date,
					row.account_lead,
					renewal_text(row, due[name], default_language),
					CONTRACT,
					name,
					"Administrator",
				)
			)
	record_email_results(results)
	insert_notifications(CONTRACT, notifications, now_datetime())
	insert_ignore(
		"ToDo",
		[
			"name",
			"status",
			"priority",
			"date",
			"allocated_to",
			"description",
			"reference_type",
			"reference_name",
			"assigned_by",
		],
		todos,
	)
	return sorted(mine)


def team_members(contracts: list[str]) -> dict[str, list]:
	team = frappe.qb.DocType("Maintenance Contract Team Member")
	user = frappe.qb.DocType("User")
	members = defaultdict(list)
	for start in range(0, len(contracts), CHUNK):
		for row in (
			frappe.qb.from_(team)
			.join(user)
			.on(user.name == team.user)
			.select(team.parent, user.name.as_("user"), user.email, user.language)
			.where(
				(team.parenttype == CONTRACT)
				& (team.parent.isin(contracts[start : start + CHUNK]))
				& (user.enabled == 1)
			)
		).run(as_dict=True):
			members[row.parent].append(row)
	return members


def renewal_text(row, lead: int, language: str) -> str:
	return _(
		"Maintenance Contract {0} for {1} ends on {2}, in {3} days: contact the customer about renewal",
		lang=language,
	).format(row.name, escape_html(row.customer_name or row.customer), row.end_date, lead)


def queue_renewal_email(row, lead: int, language: str, emails: list[str], problem: str | None) -> str | None:
	subject = _("Maintenance Contract {0} ends on {1}", lang=language).format(row.name, row.end_date)
	message = "<p>{}</p><p>{}</p><p><a href='{}'>{}</a></p>".format(
		_("Dear {0},", lang=language).format(escape_html(row.customer_name or row.customer)),
		_(
			"Your maintenance contract {0} ends on {1}, in {2} days. Please contact us to renew it and keep your units covered.",
			lang=language,
		).format(row.name, row.end_date, lead),
		get_url_to_form(CONTRACT, row.name),
		_("Open the contract", lang=language),
	)
	return queue_email(
		problem,
		recipients=emails,
		subject=subject,
		message=message,
		reference_doctype=CONTRACT,
		reference_name=row.name,
		delayed=True,
	)


# --- (d) warranty ending --------------------------------------------------------------------------


def warranty_lead_days() -> int:
	return cint(get_settings().get("free_maintenance_reminder_days")) or 90


def send_warranty_ending_alerts(today: date | None = None) -> list[str]:
	"""Three months before a unit's warranty ends (001/9), tell the After Sales Managers once per
	registration, so someone offers the customer a contract (Offer a Contract on the registration).
	Units already under a contract that runs past the warranty are left out."""
	today = getdate(today or nowdate())
	lead = warranty_lead_days()
	wr = frappe.qb.DocType("Warranty Registration")
	rows = (
		frappe.qb.from_(wr)
		.select(wr.name, wr.customer, wr.customer_name, wr.item_code, wr.serial_no, wr.end_date)
		.where((wr.status == "Active") & (wr.end_date >= today) & (wr.end_date <= add_days(today, lead)))
	).run(as_dict=True)
	if not rows:
		return []
	covered = covered_serials([r.serial_no for r in rows if r.serial_no])
	sent = sent_leads(policy.WARRANTY_ENDING, "Warranty Registration", [r.name for r in rows])
	due, by_name = {}, {}
	for row in rows:
		if row.serial_no and getdate(row.end_date) < covered.get(row.serial_no, date.min):
			continue
		if policy.reminder_due(getdate(row.end_date), today, (lead,), frozenset(sent.get(row.name, ()))):
			due[row.name], by_name[row.name] = lead, row
	if not due:
		return []
	managers = after_sales_managers()
	by_language = defaultdict(list)
	for manager in managers:
		if manager.email:
			by_language[manager.language].append(manager.email)
	mine = claim_reminders(
		policy.WARRANTY_ENDING,
		"Warranty Registration",
		due,
		"Email, Desk",
		{name: [m.email for m in managers if m.email] for name in due},
	)
	problem = outgoing_problem()
	results, notifications = {}, []
	for name in sorted(mine):
		row = by_name[name]
		results[mine[name]] = first_problem(
			queue_warranty_email(row, language, emails, problem) for language, emails in by_language.items()
		)
		notifications += [
			(manager.name, name, warranty_text(row, manager.language), "") for manager in managers
		]
	record_email_results(results)
	insert_notifications("Warranty Registration", notifications, now_datetime())
	return sorted(mine)


def covered_serials(serials: list[str]) -> dict[str, date]:
	"""The latest end date of a running contract covering each serial."""
	if not serials:
		return {}
	unit = frappe.qb.DocType("Maintenance Contract Unit")
	mc = frappe.qb.DocType(CONTRACT)
	ends = {}
	for row in (
		frappe.qb.from_(unit)
		.join(mc)
		.on(mc.name == unit.parent)
		.select(unit.serial_no, mc.end_date)
		.where((unit.serial_no.isin(serials)) & (mc.docstatus == 1) & (mc.status != policy.CANCELLED))
	).run(as_dict=True):
		ends[row.serial_no] = max(ends.get(row.serial_no, date.min), getdate(row.end_date))
	return ends


def after_sales_managers() -> list:
	"""The enabled After Sales Managers: user, email and language (the site's when theirs is unset)."""
	role = frappe.qb.DocType("Has Role")
	user = frappe.qb.DocType("User")
	default_language = system_language()
	managers = (
		frappe.qb.from_(role)
		.join(user)
		.on(user.name == role.parent)
		.select(user.name, user.email, user.language)
		.distinct()
		.where(
			(role.parenttype == "User")
			& (role.role == "After Sales Manager")
			& (user.enabled == 1)
			& (user.user_type == "System User")
			& (user.name.notin(("Administrator", "Guest")))
		)
		.orderby(user.name)
	).run(as_dict=True)
	for manager in managers:
		manager.language = manager.language or default_language
	return managers


def warranty_text(row, language: str) -> str:
	"""The alert, escaped: the customer's and unit's names were typed by users."""
	return _(
		"The warranty of {0} ({1}) delivered to {2} ends on {3}. Offer the customer a maintenance contract.",
		lang=language,
	).format(
		escape_html(row.serial_no or row.item_code),
		escape_html(row.item_code),
		escape_html(row.customer_name or row.customer),
		row.end_date,
	)


def queue_warranty_email(row, language: str, emails: list[str], problem: str | None) -> str | None:
	unit = row.serial_no or row.item_code
	return queue_email(
		problem,
		recipients=emails,
		subject=_("Warranty of {0} for {1} ends on {2}", lang=language).format(
			unit, row.customer_name or row.customer, row.end_date
		),
		message="<p>{}</p><p><a href='{}'>{}</a></p>".format(
			warranty_text(row, language),
			get_url_to_form("Warranty Registration", row.name),
			_("Offer a Contract", lang=language),
		),
		reference_doctype="Warranty Registration",
		reference_name=row.name,
		delayed=True,
	)


@frappe.whitelist()
def offer_contract(warranty_registration: str) -> str:
	"""Draft a Quotation to the customer for a maintenance contract on the registered unit, from the
	day after its warranty ends. Returns the Quotation's name."""
	registration = frappe.get_doc("Warranty Registration", warranty_registration)
	registration.check_permission("read")
	frappe.has_permission("Quotation", "create", throw=True)
	start = getdate(registration.end_date) + timedelta(days=1)
	quotation = frappe.new_doc("Quotation")
	quotation.update(
		{
			"quotation_to": "Customer",
			"party_name": registration.customer,
			"company": registration.company,
			"transaction_date": nowdate(),
		}
	)
	quotation.append(
		"items",
		{
			"item_code": billing_item(),
			"qty": 1,
			"description": _("Maintenance contract for {0} {1} from {2}").format(
				registration.item_code, registration.serial_no or "", frappe.format(start, "Date")
			),
		},
	)
	quotation.flags.ignore_permissions = True  # the caller's right to quote was checked
	quotation.run_method("set_missing_values")
	quotation.run_method("calculate_taxes_and_totals")
	quotation.insert()
	share_with_requester(quotation)
	return quotation.name


# --- billing ---------------------------------------------------------------------------------------


def reconcile_billing(contracts: list[str] | None = None) -> None:
	"""Periods whose invoice was cancelled are Cancelled (billed again with Bill Again); the
	contracts' Billed amounts follow the submitted invoices."""
	billing = frappe.qb.DocType("Maintenance Contract Billing")
	invoice = frappe.qb.DocType("Sales Invoice")
	cancelled = (
		frappe.qb.from_(billing)
		.join(invoice)
		.on(invoice.name == billing.sales_invoice)
		.select(billing.name, billing.maintenance_contract)
		.where((billing.status == "Invoiced") & (invoice.docstatus == 2))
	)
	if contracts:
		cancelled = cancelled.where(billing.maintenance_contract.isin(contracts))
	rows = cancelled.run(as_dict=True)
	if rows:
		(
			frappe.qb.update(billing)
			.set(billing.status, "Cancelled")
			.where(billing.name.isin([r.name for r in rows]))
		).run()
	touched = set(contracts or []) | {r.maintenance_contract for r in rows}
	update_billed_amounts(sorted(touched))


def update_billed_amounts(contracts: list[str]) -> None:
	for start in range(0, len(contracts), CHUNK):
		chunk = contracts[start : start + CHUNK]
		frappe.db.sql(
			"""update `tabMaintenance Contract` mc
			left join (
				select b.maintenance_contract, sum(b.amount) as billed
				from `tabMaintenance Contract Billing` b
				join `tabSales Invoice` si on si.name = b.sales_invoice and si.docstatus = 1
				where b.status = 'Invoiced' and b.maintenance_contract in %(names)s
				group by b.maintenance_contract
			) t on t.maintenance_contract = mc.name
			set mc.billed_amount = coalesce(t.billed, 0)
			where mc.name in %(names)s""",
			{"names": chunk},
		)


def bill_contracts(today: date | None = None, contracts: list[str] | None = None) -> list[str]:
	"""Bill every period that has started (billed in advance) and has no billing row yet: the rows are
	claimed by INSERT IGNORE on (contract, period start), then each pending row gets a submitted Sales
	Invoice. Returns the invoices made."""
	today = getdate(today or nowdate())
	mc = frappe.qb.DocType(CONTRACT)
	query = (
		frappe.qb.from_(mc)
		.select(
			mc.name,
			mc.company,
			mc.customer,
			mc.start_date,
			mc.end_date,
			mc.billing_interval,
			mc.billing_amount,
		)
		.where(
			(mc.docstatus == 1)
			& (mc.status != policy.CANCELLED)
			& (mc.billing_amount > 0)
			& (mc.start_date <= today)
			& (mc.end_date >= add_days(today, -400))
		)
	)
	if contracts:
		query = query.where(mc.name.isin(contracts))
	rows = query.run(as_dict=True)
	if not rows:
		return []
	names = [r.name for r in rows]
	reconcile_billing(names)
	billed = defaultdict(set)
	for row in frappe.get_all(
		"Maintenance Contract Billing",
		filters={"maintenance_contract": ("in", names)},
		fields=["maintenance_contract", "period_start"],
	):
		billed[row.maintenance_contract].add(getdate(row.period_start))
	new_rows = []
	for row in rows:
		for period in policy.periods_due(
			getdate(row.start_date),
			getdate(row.end_date),
			row.billing_interval or policy.YEARLY,
			today,
			frozenset(billed[row.name]),
		):
			new_rows.append(
				(
					new_name(),
					row.name,
					row.company,
					row.customer,
					period.start,
					period.end,
					flt(row.billing_amount),
					"Pending",
				)
			)
	insert_ignore(
		"Maintenance Contract Billing",
		[
			"name",
			"maintenance_contract",
			"company",
			"customer",
			"period_start",
			"period_end",
			"amount",
			"status",
		],
		new_rows,
	)
	invoices = invoice_pending(names)
	update_billed_amounts(names)
	return invoices


def invoice_pending(contracts: list[str]) -> list[str]:
	billing = frappe.qb.DocType("Maintenance Contract Billing")
	pending = (
		frappe.qb.from_(billing)
		.select(billing.star)
		.where((billing.status == "Pending") & (billing.maintenance_contract.isin(contracts)))
		.orderby(billing.period_start)
		.for_update(skip_locked=True)
	).run(as_dict=True)
	invoices = []
	for row in pending:
		frappe.db.savepoint("contract_billing")
		try:
			invoice = make_period_invoice(row)
		except Exception as error:
			if lost_transaction(error):
				raise
			frappe.db.rollback(save_point="contract_billing")
			frappe.log_error(
				title=_("Could not bill Maintenance Contract {0}").format(row.maintenance_contract),
				reference_doctype=CONTRACT,
				reference_name=row.maintenance_contract,
			)
			continue
		(
			frappe.qb.update(billing)
			.set(billing.status, "Invoiced")
			.set(billing.sales_invoice, invoice)
			.where(billing.name == row.name)
		).run()
		invoices.append(invoice)
	return invoices


def make_period_invoice(row) -> str:
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"customer": row.customer,
			"company": row.company,
			"maintenance_contract": row.maintenance_contract,
			"from_date": row.period_start,
			"to_date": row.period_end,
		}
	)
	invoice.append(
		"items",
		{
			"item_code": billing_item(),
			"qty": 1,
			"rate": flt(row.amount),
			"description": _("Maintenance Contract {0}, {1} to {2}").format(
				row.maintenance_contract,
				frappe.format(row.period_start, "Date"),
				frappe.format(row.period_end, "Date"),
			),
		},
	)
	invoice.run_method("set_missing_values")
	for item in invoice.items:
		item.rate = flt(row.amount)
	invoice.run_method("calculate_taxes_and_totals")
	invoice.insert(ignore_permissions=True)
	invoice.submit()
	return invoice.name


@frappe.whitelist()
def bill_again(billing: str) -> str:
	"""Bill a period again after its invoice was cancelled. Returns the new invoice."""
	frappe.has_permission("Sales Invoice", "create", throw=True)
	row = frappe.get_doc("Maintenance Contract Billing", billing)
	row.check_permission("read")
	reconcile_billing([row.maintenance_contract])
	row.reload()
	if row.status != "Cancelled":
		frappe.throw(
			_(
				"Period {0} of Maintenance Contract {1} is {2}; only a cancelled invoice is billed again"
			).format(frappe.format(row.period_start, "Date"), row.maintenance_contract, _(row.status))
		)
	billing_table = frappe.qb.DocType("Maintenance Contract Billing")
	(
		frappe.qb.update(billing_table)
		.set(billing_table.status, "Pending")
		.where((billing_table.name == row.name) & (billing_table.status == "Cancelled"))
	).run()
	invoices = invoice_pending([row.maintenance_contract])
	update_billed_amounts([row.maintenance_contract])
	if not invoices:
		frappe.throw(_("Could not bill Maintenance Contract {0}").format(row.maintenance_contract))
	return invoices[0]
