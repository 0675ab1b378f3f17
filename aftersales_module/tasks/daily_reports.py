"""Technician daily reports drafted from the day's repair jobs.

A job is on a technician's day when they are dispatched to it (a Repair Job Technician row) and its
appointment falls on that day or it was completed that day (policy/daily_report.py). The end-of-day
job drafts a report for every technician with such jobs and no report yet: a handful of queries
for all technicians, then bulk inserts. The report's `unique_key` column (technician and day) is
unique, and the parents go in with INSERT IGNORE before their lines, so a second run or a second
worker adds nothing. "Draft my report" does the same for one technician and, on a report still in
draft, adds the day's jobs it lacks."""

from collections import defaultdict

import frappe
from frappe.query_builder.functions import Sum
from frappe.utils import add_days, flt, get_datetime, getdate, now_datetime, nowdate
from pypika.terms import LiteralValue

from aftersales_module.bulk import insert_rows, inserted_names, reserve_names, standard_values
from aftersales_module.policy import daily_report as policy
from aftersales_module.settings import get_settings

DOCTYPE = "Technician Daily Report"
LINE_DOCTYPE = "Technician Daily Report Line"
SERIES = "TDR-.YYYY.-.#####"


def draft_today():
	draft_reports(getdate(nowdate()))


def draft_yesterday():
	"""Catch the jobs finished after the end-of-day run, for technicians who had no report."""
	draft_reports(add_days(getdate(nowdate()), -1))


def jobs_on_day(day, technicians: list[str] | None = None) -> dict[str, list[frappe._dict]]:
	"""The jobs of `day` per technician (user), with what a report line needs. One query for the
	jobs (by appointment or completion in the day, both index-friendly ranges) with their labour
	hours and parts, each read by the job's own index lookup."""
	day = getdate(day)
	start, end = get_datetime(day), get_datetime(add_days(day, 1))
	# what each job used, by its own index lookup in the same statement: "item × net qty" a line
	# each, the quantity as a double so that 2.000000000 reads 2 and 1.500000000 reads 1.5
	parts = LiteralValue(
		"""(select group_concat(concat(`part`.`item_code`, ' × ',
				cast(`part`.`issued_qty` - `part`.`returned_qty` as double))
			order by `part`.`idx` separator '\n')
		from `tabRepair Job Part` `part`
		where `part`.`parent` = `tabRepair Job`.`name` and `part`.`parenttype` = 'Repair Job'
			and `part`.`issued_qty` - `part`.`returned_qty` > 0)"""
	)
	job = frappe.qb.DocType("Repair Job")
	row = frappe.qb.DocType("Repair Job Technician")
	labour = frappe.qb.DocType("Repair Job Labour")
	# each job's hours by its own index lookup, in the same statement
	hours = (
		frappe.qb.from_(labour)
		.select(Sum(labour.hours))
		.where((labour.parent == job.name) & (labour.parenttype == "Repair Job"))
	)
	query = (
		frappe.qb.from_(row)
		.join(job)
		.on((job.name == row.parent) & (row.parenttype == "Repair Job"))
		.select(
			row.user,
			job.name,
			job.customer,
			job.company,
			job.status,
			job.appointment,
			job.completed_on,
			job.carry_in_receipt_no,
			job.first_time_fix,
			hours.as_("labour_hours"),
			parts.as_("parts_used"),
		)
		.where(
			((job.appointment >= start) & (job.appointment < end))
			| ((job.completed_on >= start) & (job.completed_on < end))
		)
		.orderby(row.user)
		.orderby(job.name)
	)
	if technicians is not None:
		if not technicians:
			return {}
		query = query.where(row.user.isin(technicians))
	by_technician = defaultdict(list)
	for r in query.run(as_dict=True):
		r.labour_hours = flt(r.labour_hours)
		by_technician[r.user].append(r)
	return by_technician


def lines_for(jobs: list[frappe._dict], day, already: set[str] = frozenset()) -> list[tuple]:
	"""(policy line, job row) for the jobs not yet in a report."""
	by_name = {j.name: j for j in jobs}
	plain = [
		policy.JobOnDay(
			repair_job=j.name,
			customer=j.customer,
			status=j.status,
			appointment=get_datetime(j.appointment) if j.appointment else None,
			completed_on=get_datetime(j.completed_on) if j.completed_on else None,
			carry_in=bool(j.carry_in_receipt_no),
			labour_hours=j.labour_hours,
		)
		for j in jobs
	]
	return [
		(line, by_name[line.repair_job]) for line in policy.draft_lines(plain, getdate(day), set(already))
	]


def employees_of(users: list[str]) -> dict[str, frappe._dict]:
	if not users:
		return {}
	employee = frappe.qb.DocType("Employee")
	manager = frappe.qb.DocType("Employee").as_("manager")
	rows = (
		frappe.qb.from_(employee)
		.left_join(manager)
		.on(manager.name == employee.reports_to)
		.select(employee.user_id, employee.name, employee.company, manager.user_id.as_("supervisor"))
		.where(employee.user_id.isin(users) & (employee.status == "Active"))
	).run(as_dict=True)
	return {r.user_id: r for r in rows}


def draft_reports(day, technicians: list[str] | None = None) -> list[str]:
	"""Draft the reports of `day` for the technicians (all, or those given) who have jobs that day
	and no report yet. Returns the names created."""
	day = getdate(day)
	jobs = jobs_on_day(day, technicians)
	if not jobs:
		return []
	report = frappe.qb.DocType(DOCTYPE)
	have = set(
		(
			frappe.qb.from_(report)
			.select(report.technician)
			.where((report.report_date == day) & (report.docstatus < 2) & report.technician.isin(list(jobs)))
		).run(pluck=True)
	)
	todo = {user: lines_for(rows, day) for user, rows in jobs.items() if user not in have}
	todo = {user: lines for user, lines in todo.items() if lines}
	if not todo:
		return []
	employees = employees_of(list(todo))
	default_company = get_settings().default_company
	now, owner = now_datetime(), frappe.session.user
	names = reserve_names(SERIES, len(todo))
	parents, children = [], []
	full_names = dict(
		frappe.get_all(
			"User", filters={"name": ("in", list(todo))}, fields=["name", "full_name"], as_list=True
		)
	)
	for name, (user, lines) in zip(names, todo.items(), strict=True):
		employee = employees.get(user) or frappe._dict()
		total = round(sum(line.hours for line, _job in lines), 2)
		parents.append(
			(
				*standard_values(name, now, owner).values(),
				"TDR-.YYYY.-.#####",
				user,
				full_names.get(user),
				day,
				employee.name,
				employee.company or default_company or lines[0][1].company,
				employee.supervisor,
				policy.DRAFT,
				total,
				policy.unique_key(user, day),
			)
		)
		for idx, (line, job) in enumerate(lines, start=1):
			children.append(line_values(name, idx, line, job, now, owner))
	inserted = insert_rows(
		DOCTYPE,
		[
			*standard_values("", now, owner),
			"naming_series",
			"technician",
			"technician_name",
			"report_date",
			"employee",
			"company",
			"supervisor",
			"workflow_state",
			"total_hours",
			"unique_key",
		],
		parents,
		ignore_duplicates=True,
	)
	# a report another worker drafted first kept its place: add lines only to ours
	created = set(inserted_names(DOCTYPE, names, inserted))
	insert_rows(LINE_DOCTYPE, LINE_FIELDS, [c for c in children if c[0] in created])
	return sorted(created)


# the parent first: the drafts keep the lines whose parent was created
LINE_FIELDS = [
	"parent",
	"name",
	"parenttype",
	"parentfield",
	"idx",
	"creation",
	"modified",
	"owner",
	"modified_by",
	"docstatus",
	"repair_job",
	"customer",
	"work_category",
	"outcome",
	"start_time",
	"end_time",
	"hours",
	"travel_hours",
	"parts_used",
	"first_time_fix",
]


def line_values(parent: str, idx: int, line, job, now, owner) -> tuple:
	return (
		parent,
		frappe.generate_hash(length=10),
		DOCTYPE,
		"lines",
		idx,
		now,
		now,
		owner,
		owner,
		0,
		line.repair_job,
		line.customer,
		line.work_category,
		line.outcome,
		line.start_time,
		line.end_time,
		line.hours,
		0,
		job.parts_used,
		int(job.first_time_fix or 0),
	)


def draft_for(user: str, day) -> str:
	"""The user's report for `day`: drafted if missing; a draft gains the day's jobs it lacks."""
	day = getdate(day)
	draft_reports(day, [user])
	name = frappe.db.get_value(
		DOCTYPE, {"technician": user, "report_date": day, "docstatus": ("<", 2)}, "name"
	)
	if not name:
		doc = frappe.get_doc({"doctype": DOCTYPE, "technician": user, "report_date": day})
		doc.insert()
		return doc.name
	doc = frappe.get_doc(DOCTYPE, name)
	doc.check_permission("write")
	if doc.docstatus == 0:
		jobs = jobs_on_day(day, [user]).get(user, [])
		missing = lines_for(jobs, day, {row.repair_job for row in doc.lines})
		for line, job in missing:
			doc.append(
				"lines",
				{
					"repair_job": line.repair_job,
					"work_category": line.work_category,
					"outcome": line.outcome,
					"start_time": line.start_time,
					"end_time": line.end_time,
					"hours": line.hours,
					"parts_used": job.parts_used,
				},
			)
		if missing:
			doc.save()
	return doc.name
