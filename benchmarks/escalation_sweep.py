"""Escalation sweep benchmark: our set-based sweep against a per-document baseline, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/escalation_sweep.py --site test_site

It inserts N open complaints in bulk (default 100,000), a tenth of them due, times
`escalation.sweep` over all of them, then times the baseline a per-document sweep would take
(get_doc and save for each due case) on a sample, and prints both rates and the ratio. Targets: at
least 50x the baseline, and the 100,000 open cases swept in under 2 s on a 2-core machine.

It also times the floor from the same state (a savepoint rolled back in between): the bare SQL the
sweep's writes need, i.e. each escalating doctype's SELECT ... FOR UPDATE SKIP LOCKED of what is
due and its overdue UPDATE, then the multi-row INSERTs of the same log rows, ToDos and desk
notifications the sweep wrote and the UPDATE of the same complaints, with the values read back from
the sweep's own run. It prints `sweep time / floor time` (target <= 2x) and where the rest goes.
Everything it writes is rolled back at the end.
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

	from aftersales_module.bulk import insert_rows
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
	insert_rows("Complaint Record", fields, rows)
	due_count = (args.cases + due_every - 1) // due_every
	print(f"inserted {args.cases:,} open complaints ({due_count:,} due) in {time.perf_counter() - t0:.1f} s")

	def check(fired):
		assert fired["Complaint Record"] >= due_count, f"the sweep fired {fired} levels for {due_count} due"
		again = escalation.sweep(now)["Complaint Record"]
		assert again == 0, "a second sweep at the same instant fired again"

	timing = bench_site.sweep_and_floor(args, lambda: escalation.sweep(now), check, lambda: floor(now))
	sweep_seconds = timing.sweep

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
	print(timing.line("escalation sweep"))
	print(
		timing.breakdown(
			"escalation sweep",
			"per due case the policy's due levels, then a log row, a ToDo and a desk notification, "
			"each with its escaped text and a random name",
		)
	)


def floor(now) -> bench_site.Floor:
	"""The bare statements of the sweep that just ran: each escalating doctype's locked SELECT of what
	is due and its overdue UPDATE, then the rows it wrote (read back), inserted and updated again."""
	import frappe

	from aftersales_module.escalation.registry import escalatables

	plan = bench_site.Floor()
	for doctype, config in escalatables().items():
		columns = {
			"name",
			"escalation_policy",
			"escalation_level",
			"last_escalated_at",
			"escalation_clock_start",
			"creation",
			"_assign",
			config.title_field,
			*config.payload_fields,
		}
		handler = f"`{config.handler_field}`" if config.handler_field else "null"
		statuses = ", ".join(frappe.db.escape(s) for s in config.active_statuses)
		plan.sql(
			f"select {', '.join(f'`{c}`' for c in sorted(columns))}, {handler} as handler "
			f"from `tab{doctype}` where status in ({statuses}) and escalation_policy is not null "
			"and next_escalation_at <= %(now)s for update skip locked",
			{"now": now},
		)
		if config.deadline_field and config.overdue_field:
			plan.sql(
				f"update `tab{doctype}` set `{config.overdue_field}` = 1 where `{config.overdue_field}` = 0 "
				f"and `{config.deadline_field}` < %(now)s and status in ({statuses})",
				{"now": now},
			)
	# what the sweep wrote, in every escalating doctype (the site's own due cases too): its rows carry
	# the sweep's instant as their creation, the documents it moved as their modified
	at = {"now": now}
	for doctype, config in escalatables().items():
		for table, where in (
			(f"tab{config.log_doctype}", "parenttype = %(doctype)s"),
			("tabToDo", "reference_type = %(doctype)s"),
			("tabNotification Log", "document_type = %(doctype)s"),
		):
			columns, rows = bench_site.rows_of(
				f"select * from `{table}` where {where} and creation = %(now)s", {**at, "doctype": doctype}
			)
			# the columns the sweep set: the others are left to their defaults on both sides
			kept = [i for i, _c in enumerate(columns) if any(row[i] is not None for row in rows)]
			plan.insert(table, [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows])
		changed = [
			"escalation_level",
			"last_escalated_at",
			"next_escalation_at",
			"_assign",
			"modified",
			"modified_by",
		]
		_columns, rows = bench_site.rows_of(
			f"select name, {', '.join(f'`{c}`' for c in changed)} from `tab{doctype}` where modified = %(now)s",
			at,
		)
		plan.update(f"tab{doctype}", changed, rows)
	return plan


if __name__ == "__main__":
	sys.exit(main())
