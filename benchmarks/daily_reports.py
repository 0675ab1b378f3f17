"""Daily-report drafting and return-visit creation: our set-based jobs against a per-document
baseline, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/daily_reports.py --site test_site

It inserts a day of work in bulk (default 2,000 technicians and 20,000 repair jobs completed today,
each with one technician row and one labour row), then times
- `tasks.daily_reports.draft_reports` drafting every technician's report, against a per-document
  baseline (per technician: get_all of their jobs, get_doc of each job, insert the report) on a
  sample;
- `tasks.return_visits.create_for_sources` writing the three visits of every job, against a
  per-document baseline (get_doc of the job, insert each visit) on a sample.
The assignment of new visits (the Assignment Rule, one document each) is left out of both sides
and timed apart. It prints the rates and the ratios.

It also times each job's floor from the same state (a savepoint rolled back in between): the bare
SQL its writes need, i.e. the same SELECT of the day's jobs (or of the completed jobs), the UPDATE of
the naming series counter, and multi-row INSERTs of the same reports and lines (or visits) the job
wrote, read back from its own run. It prints `sweep time / floor time` (target <= 2x) and where the
rest goes. Everything it writes is rolled back.
"""

import time

import bench_site


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("--technicians", type=int, default=2_000)
	parser.add_argument("--jobs", type=int, default=20_000)
	parser.add_argument("--baseline-sample", type=int, default=50)
	args = parser.parse_args()

	bench_site.run_on_site(args, run)


def insert_day(args, today, now):
	"""A day of completed jobs, written in bulk; returns (technicians, job names)."""
	import frappe

	from aftersales_module.bulk import insert_rows

	company = frappe.db.get_value("Company", {}, "name")
	customer = frappe.db.get_value("Customer", {}, "name")
	run = frappe.generate_hash(length=6)
	technicians = [f"bench-{run}-{i}@example.invalid" for i in range(args.technicians)]
	jobs, rows, labour = [], [], []
	standard = ("creation", "modified", "owner", "modified_by", "docstatus", "idx")
	for i in range(args.jobs):
		name = f"RJ-BENCH-{run}-{i:06d}"
		hour = 8 + (i // args.technicians) % 10
		jobs.append(
			(
				name,
				now,
				now,
				"Administrator",
				"Administrator",
				0,
				0,
				"RJ-.YYYY.-.#####",
				company,
				customer,
				"Paid",
				"Completed",
				today,
				now.replace(hour=hour, minute=0, second=0, microsecond=0),
				now.replace(hour=hour, minute=45, second=0, microsecond=0),
				i % 2,
			)
		)
		parent = ("Repair Job", name, now, now, "Administrator", "Administrator", 0, 1)
		rows.append(
			(frappe.generate_hash(length=10), "technicians", *parent, technicians[i % args.technicians])
		)
		labour.append((frappe.generate_hash(length=10), "labour", *parent, "Repair", 0.75))
	insert_rows(
		"Repair Job",
		[
			"name",
			*standard,
			"naming_series",
			"company",
			"customer",
			"service_class",
			"status",
			"posting_date",
			"appointment",
			"completed_on",
			"first_time_fix",
		],
		jobs,
	)
	child = ["name", "parentfield", "parenttype", "parent", *standard]
	insert_rows("Repair Job Technician", [*child, "user"], rows)
	insert_rows("Repair Job Labour", [*child, "activity", "hours"], labour)
	return technicians, [job[0] for job in jobs]


def per_document_reports(technicians, today):
	"""The baseline: what drafting one document at a time costs."""
	import frappe

	from aftersales_module.policy import daily_report as policy

	for user in technicians:
		names = frappe.get_all("Repair Job Technician", filters={"user": user}, pluck="parent")
		lines = []
		for name in names:
			job = frappe.get_doc("Repair Job", name)
			line = policy.draft_line(
				policy.JobOnDay(
					job.name,
					job.customer,
					job.status,
					job.appointment,
					job.completed_on,
					bool(job.carry_in_receipt_no),
					sum(row.hours for row in job.labour),
				),
				today,
			)
			lines.append({"repair_job": line.repair_job, "hours": line.hours, "outcome": line.outcome})
		doc = frappe.get_doc(
			{"doctype": "Technician Daily Report", "technician": user, "report_date": today, "lines": lines}
		)
		doc.flags.ignore_permissions = True
		doc.flags.ignore_links = True
		doc.insert()


def per_document_visits(names):
	import frappe

	from aftersales_module.guard import app_write
	from aftersales_module.policy import visits as policy
	from aftersales_module.settings import get_settings

	settings = get_settings()
	for name in names:
		job = frappe.get_doc("Repair Job", name)
		for planned in policy.plan(
			policy.REPAIR_JOB,
			job.completed_on.date(),
			settings.satisfaction_call_days,
			settings.first_return_visit_days,
			settings.second_return_visit_days,
		):
			doc = frappe.get_doc(
				{
					"doctype": "Return Visit",
					"visit_kind": planned.kind,
					"reference_doctype": "Repair Job",
					"reference_name": job.name,
					"repair_job": job.name,
					"customer": job.customer,
					"company": job.company,
					"due_date": planned.due_date,
					"last_day": planned.last_day,
				}
			)
			doc.flags.ignore_permissions = True
			with app_write():
				doc.insert()


def set_rule_disabled(disabled: int) -> None:
	import frappe
	from frappe.cache_manager import clear_doctype_map

	from aftersales_module.tasks.return_visits import ASSIGNMENT_RULE, DOCTYPE

	frappe.db.set_value("Assignment Rule", ASSIGNMENT_RULE, "disabled", disabled)
	clear_doctype_map("Assignment Rule", DOCTYPE)


def timed(fn, *args):
	start = time.perf_counter()
	result = fn(*args)
	return time.perf_counter() - start, result


def run(args):
	import frappe
	from frappe.utils import getdate, now_datetime

	from aftersales_module.tasks import daily_reports, return_visits

	now = now_datetime()
	today = getdate(now)
	technicians, names = insert_day(args, today, now)
	frappe.db.savepoint("bench_baseline")
	sample = technicians[: args.baseline_sample]
	base_reports, _ = timed(per_document_reports, sample, today)
	frappe.db.rollback(save_point="bench_baseline")
	sample_jobs = names[: args.baseline_sample * 3]
	# the Assignment Rule is off on both sides (a per-document insert would fire it too), then timed apart
	set_rule_disabled(1)
	assign = return_visits.assign
	return_visits.assign = lambda created: None
	try:
		base_visits, _ = timed(per_document_visits, sample_jobs)
		frappe.db.rollback(save_point="bench_baseline")
		set_rule_disabled(1)

		def check_reports(created):
			assert len(created) >= len(technicians), f"{len(created)} reports for {len(technicians)}"
			assert not daily_reports.draft_reports(today), "a second run drafted again"

		def check_visits(created):
			assert len(created) == 3 * len(names), f"{len(created)} visits for {len(names)} jobs"
			assert not return_visits.create_for_sources("Repair Job", names), "a second run made visits"

		since = now_datetime()
		reports = bench_site.sweep_and_floor(
			args,
			lambda: daily_reports.draft_reports(today),
			check_reports,
			lambda: reports_floor(today, since),
		)
		ours_reports, created = reports.sweep, reports.result
		since = now_datetime()
		visit_timing = bench_site.sweep_and_floor(
			args,
			lambda: return_visits.create_for_sources("Repair Job", names),
			check_visits,
			lambda: visits_floor(names, since),
		)
		ours_visits = visit_timing.sweep
		visits = return_visits.create_for_sources("Repair Job", names)
	finally:
		return_visits.assign = assign
		set_rule_disabled(0)
	assign_time, _ = timed(assign, visits[:200])

	def rate(count, seconds):
		return count / seconds if seconds else float("inf")

	report_base = rate(len(sample), base_reports)
	report_ours = rate(len(created), ours_reports)
	visit_base = rate(len(sample_jobs), base_visits)
	visit_ours = rate(len(names), ours_visits)
	print(f"day: {len(technicians)} technicians, {len(names)} jobs")
	print(
		f"daily reports: set-based {len(created)} in {ours_reports:.2f} s ({report_ours:,.0f}/s); "
		f"per-document {report_base:,.1f}/s on {len(sample)}; ratio {report_ours / report_base:,.1f}x"
	)
	print(
		f"return visits: set-based {len(visits)} for {len(names)} jobs in {ours_visits:.2f} s "
		f"({visit_ours:,.0f} jobs/s); per-document {visit_base:,.1f} jobs/s on {len(sample_jobs)}; "
		f"ratio {visit_ours / visit_base:,.1f}x"
	)
	print(f"assignment rule on 200 new visits: {assign_time:.2f} s (one document each; not in the ratio)")
	print(reports.line("daily reports"))
	print(
		reports.breakdown(
			"daily reports",
			"per job the policy's line, its row and random name; the job's labour hours and parts read",
		)
	)
	print(visit_timing.line("return visits"))
	print(
		visit_timing.breakdown(
			"return visits",
			"per visit the policy's plan and state and its row; the INSERT IGNORE claim",
		)
	)


def written(plan, doctype: str, since) -> None:
	"""Add to `plan` the INSERT of the rows of `doctype` created since `since`, read back, with the
	columns the job set (the others are left to their defaults on both sides)."""
	columns, rows = bench_site.rows_of(f"select * from `tab{doctype}` where creation >= %s", (since,))
	kept = [i for i, _c in enumerate(columns) if any(row[i] is not None for row in rows)]
	plan.insert(f"tab{doctype}", [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows])


def series_update(plan, prefix: str) -> None:
	"""The UPDATE of the naming series counter the job moved (its block of names)."""
	_columns, rows = bench_site.rows_of(
		"select name, current from tabSeries where name like %s", (f"{prefix}%",)
	)
	plan.update("tabSeries", ["current"], rows)


def reports_floor(today, since) -> bench_site.Floor:
	"""The bare statements of drafting: the SELECT of the day's jobs and technicians, the series
	counter, the reports and their lines."""
	from frappe.utils import add_days, get_datetime

	plan = bench_site.Floor()
	plan.sql(
		"""select t.user, j.name, j.customer, j.company, j.status, j.appointment, j.completed_on,
			j.carry_in_receipt_no, j.first_time_fix
		from `tabRepair Job Technician` t join `tabRepair Job` j on j.name = t.parent and t.parenttype = 'Repair Job'
		where (j.appointment >= %(start)s and j.appointment < %(end)s)
			or (j.completed_on >= %(start)s and j.completed_on < %(end)s)
		order by t.user, j.name""",
		{"start": get_datetime(today), "end": get_datetime(add_days(today, 1))},
	)
	series_update(plan, "TDR-")
	written(plan, "Technician Daily Report", since)
	written(plan, "Technician Daily Report Line", since)
	return plan


def visits_floor(names, since) -> bench_site.Floor:
	"""The bare statements of making visits: the SELECT of the completed jobs, the series counter,
	the visits."""
	plan = bench_site.Floor()
	plan.sql(
		"""select j.name, j.completed_on, j.company, j.customer, c.customer_name, c.mobile_no, j.item_code,
			j.serial_no, j.name as repair_job,
			(select t.user from `tabRepair Job Technician` t where t.parent = j.name
				and t.parenttype = 'Repair Job' order by t.idx limit 1) as technician
		from `tabRepair Job` j left join `tabCustomer` c on c.name = j.customer
		where j.status in ('Completed', 'Invoiced', 'Closed') and j.completed_on is not null
			and j.name in %(names)s""",
		{"names": names},
	)
	series_update(plan, "RV-")
	written(plan, "Return Visit", since)
	return plan


if __name__ == "__main__":
	main()
