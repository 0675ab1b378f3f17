"""Escalation sweep benchmark: our set-based sweep against a per-document baseline, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/escalation_sweep.py --site test_site

It inserts N open complaints in bulk (default 100,000), a tenth of them due, times
`escalation.sweep` over all of them, then times the baseline a per-document sweep would take
(get_doc and save for each due case) on a sample, and prints both rates and the ratio. Everything it
writes is rolled back at the end. Targets: at least 50x the baseline, and the 100,000 open cases
swept in under 2 s on a 2-core machine.
"""

import sys
import time

import bench_site


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("-n", "--cases", type=int, default=100_000)
	parser.add_argument("--due-share", type=float, default=0.1)
	parser.add_argument("--baseline-sample", type=int, default=300)
	args = parser.parse_args()

	bench_site.run_on_site(args, run)


def run(args):
	import frappe
	from frappe.utils import add_days, now_datetime

	from aftersales_module.guard import app_write
	from aftersales_module.tasks import escalation

	policy = frappe.db.get_value(
		"Escalation Policy", {"document_type": "Complaint Record", "severity": ("in", ("", None))}
	)
	company = frappe.db.get_value("Company", {}, "name")
	now = now_datetime()
	# One recipient per escalation, whatever users a test site has gathered: the sweep writes a ToDo
	# and a notification per recipient, so the fan-out would otherwise decide the timing. (Rolled back.)
	managers = frappe.get_all(
		"Has Role",
		filters={"role": "After Sales Manager", "parenttype": "User"},
		pluck="parent",
		distinct=True,
	)
	keep = sorted(m for m in managers if m not in ("Administrator", "Guest"))[:1]
	frappe.db.sql(
		"update tabUser set enabled = 0 where name in %(others)s",
		{"others": [m for m in managers if m not in (*keep, "Administrator", "Guest")] or [""]},
	)
	print(f"recipients per escalation: {len(keep)} ({', '.join(keep)})")
	due_every = max(round(1 / args.due_share), 1)
	fields = [
		"name",
		"creation",
		"modified",
		"owner",
		"modified_by",
		"docstatus",
		"naming_series",
		"subject",
		"complainant_name",
		"company",
		"channel",
		"status",
		"severity",
		"validity",
		"company_fault",
		"compensation_type",
		"registered_on",
		"escalation_clock_start",
		"escalation_policy",
		"escalation_level",
		"deadline",
		"next_escalation_at",
		"handler",
	]
	started = add_days(now, -6)
	rows = []
	for i in range(args.cases):
		due = i % due_every == 0
		registered = started if due else add_days(now, -1)
		rows.append(
			(
				f"BENCH-CR-{i:07d}",
				registered,
				registered,
				"Administrator",
				"Administrator",
				0,
				"CR-.YYYY.-.MM.-.#####",
				f"Benchmark complaint {i}",
				"Benchmark customer",
				company,
				"Phone",
				"Registered",
				"General",
				"Pending",
				"None",
				"None",
				registered,
				registered,
				policy,
				0,
				add_days(registered, 15),
				add_days(registered, 5),
				"Administrator",
			)
		)
	t0 = time.perf_counter()
	frappe.db.bulk_insert("Complaint Record", fields, rows, chunk_size=5000)
	due_count = (args.cases + due_every - 1) // due_every
	print(f"inserted {args.cases:,} open complaints ({due_count:,} due) in {time.perf_counter() - t0:.1f} s")

	t0 = time.perf_counter()
	fired = escalation.sweep(now)["Complaint Record"]
	sweep_seconds = time.perf_counter() - t0
	assert fired >= due_count, f"the sweep fired {fired} levels for {due_count} due cases"
	again = escalation.sweep(now)["Complaint Record"]
	assert again == 0, "a second sweep at the same instant fired again"

	# Baseline: what a per-document sweep costs, measured on due cases the sweep has not touched.
	sample = [f"BENCH-BASE-{i:05d}" for i in range(args.baseline_sample)]
	frappe.db.bulk_insert(
		"Complaint Record",
		fields,
		[(name, *rows[0][1:]) for name in sample],
	)
	t0 = time.perf_counter()
	# the baseline is the engine's own write, done per document
	with app_write():
		for name in sample:
			doc = frappe.get_doc("Complaint Record", name)
			doc.append(
				"escalation_log",
				{
					"escalated_at": now,
					"from_level": 0,
					"to_level": 1,
					"level_label": "baseline",
					"reason": "baseline",
				},
			)
			doc.escalation_level = 1
			doc.save(ignore_permissions=True)
	baseline_seconds = time.perf_counter() - t0

	sweep_rate = due_count / sweep_seconds
	baseline_rate = args.baseline_sample / baseline_seconds
	print(
		f"set-based sweep:   {args.cases:,} open cases swept in {sweep_seconds:.2f} s, "
		f"{due_count:,} escalated = {sweep_rate:,.0f} escalations/s"
	)
	print(
		f"per-document base: {args.baseline_sample:,} due cases in {baseline_seconds:.2f} s "
		f"= {baseline_rate:,.0f} escalations/s"
	)
	print(f"ratio: {sweep_rate / baseline_rate:,.1f}x (target >= 50x); sweep time target < 2 s")


if __name__ == "__main__":
	sys.exit(main())
