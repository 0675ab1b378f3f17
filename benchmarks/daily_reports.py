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
and timed apart. It prints the rates and the ratios. Everything it writes is rolled back.
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
	frappe.db.bulk_insert(
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
	frappe.db.bulk_insert("Repair Job Technician", [*child, "user"], rows)
	frappe.db.bulk_insert("Repair Job Labour", [*child, "activity", "hours"], labour)
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
		ours_reports, created = timed(daily_reports.draft_reports, today)
		ours_visits, visits = timed(return_visits.create_for_sources, "Repair Job", names)
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


if __name__ == "__main__":
	main()
