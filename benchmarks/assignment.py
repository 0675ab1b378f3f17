"""Assigning a day's new return visits: the app's bulk Assignment Rule against Frappe's per-document
`apply`, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/assignment.py --site test_site

It inserts a day of work in bulk (default 20,000 repair jobs completed today, as daily_reports.py
does), writes their 60,000 return visits unassigned, gives the rule "Return Visit Round Robin" five
users, then times Frappe's own `assignment_rule.apply` one visit at a time on a sample, and the app's
`assignment.assign_in_bulk` on all the others. It prints both rates, the ratio, and how evenly each
side shared the visits out.

It also times the floor of `assign_in_bulk` from the same state (a savepoint rolled back in
between): the bare SQL its writes need, i.e. the same SELECT of the visits (by name, a chunk at a
time), multi-row INSERTs of the same ToDos and desk notifications, the UPDATE of the same visits'
`_assign`, and the rule's `last_user`, read back from its own run. It prints `sweep time / floor
time` (target <= 2x) and where the rest goes. Everything it writes is rolled back.
"""

from collections import Counter

import bench_site
from daily_reports import insert_day, set_rule_disabled, timed


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("--technicians", type=int, default=2_000)
	parser.add_argument("--jobs", type=int, default=20_000)
	parser.add_argument("--users", type=int, default=5)
	parser.add_argument("--baseline-sample", type=int, default=300)
	args = parser.parse_args()
	bench_site.run_on_site(args, run)


def rule_users(count: int) -> list[str]:
	"""`count` return-visit agents, written in bulk, as the rule's users."""
	import frappe
	from frappe.utils import now_datetime

	from aftersales_module.bulk import insert_rows
	from aftersales_module.tasks.return_visits import ASSIGNMENT_RULE

	run = frappe.generate_hash(length=6)
	users = [f"bench-rv-{run}-{i}@example.invalid" for i in range(count)]
	now = now_datetime()
	standard = {"creation": now, "modified": now, "owner": "Administrator", "modified_by": "Administrator"}
	insert_rows(
		"User",
		["name", "email", "first_name", "full_name"],
		[(u, u, f"Agent {i}", f"Agent {i}") for i, u in enumerate(users)],
		{**standard, "enabled": 1, "user_type": "System User", "docstatus": 0},
	)
	rule = frappe.get_doc("Assignment Rule", ASSIGNMENT_RULE)
	rule.set("users", [{"user": u} for u in users])
	rule.disabled = 0
	rule.last_user = None
	rule.flags.ignore_permissions = True
	rule.save()
	return users


def run(args):
	import frappe
	from frappe.automation.doctype.assignment_rule.assignment_rule import apply
	from frappe.utils import getdate, now_datetime

	from aftersales_module.assignment import assign_in_bulk
	from aftersales_module.tasks import return_visits

	now = now_datetime()
	today = getdate(now)
	_technicians, names = insert_day(args, today, now)
	set_rule_disabled(1)
	assign = return_visits.assign
	return_visits.assign = lambda created: None
	try:
		visits = return_visits.create_for_sources("Repair Job", names)
	finally:
		return_visits.assign = assign
	users = rule_users(args.users)
	return_visits.sync_assignment_users = lambda: True  # keep the benchmark's agents in the rule
	sample, rest = visits[: args.baseline_sample], visits[args.baseline_sample :]

	def per_document():
		for name in sample:
			apply(doctype="Return Visit", name=name)

	base, _ = timed(per_document)

	def check(assigned):
		assert len(assigned) == len(rest), f"{len(assigned)} of {len(rest)} visits assigned"
		assert not assign_in_bulk("Return Visit", rest), "a second run assigned again"

	since = now_datetime()
	timing = bench_site.sweep_and_floor(
		args, lambda: assign_in_bulk("Return Visit", rest), check, lambda: floor(rest, since)
	)
	ours = timing.sweep
	assigned = assign_in_bulk("Return Visit", rest)

	todo = frappe.qb.DocType("ToDo")
	share = Counter(
		dict(
			frappe.qb.from_(todo)
			.select(todo.allocated_to, frappe.query_builder.functions.Count("*"))
			.where((todo.reference_type == "Return Visit") & todo.allocated_to.isin(users))
			.groupby(todo.allocated_to)
			.run()
		)
	)
	base_rate = len(sample) / base
	ours_rate = len(assigned) / ours
	print(f"visits: {len(visits)} for {len(names)} jobs; rule users: {len(users)}")
	print(f"Frappe's assignment_rule.apply: {len(sample)} visits in {base:.2f} s ({base_rate:,.1f}/s)")
	print(f"assign_in_bulk: {len(assigned)} visits in {ours:.2f} s ({ours_rate:,.0f}/s)")
	print(f"ratio {ours_rate / base_rate:,.1f}x")
	print("ToDos per agent (both sides): " + ", ".join(str(share[u]) for u in users))
	print(timing.line("assign_in_bulk"))
	print(
		timing.breakdown(
			"assign_in_bulk",
			"the rule's condition once per distinct value of the fields it reads, per visit its description rendered by Jinja (a new "
			"context each), the fields it shows escaped, the notification's subject",
		)
	)


def floor(names, since) -> bench_site.Floor:
	"""The bare statements of the bulk assignment that just ran: the SELECT of the visits, then the
	rows it wrote (read back), written again."""
	from aftersales_module.tasks.return_visits import ASSIGNMENT_RULE

	plan = bench_site.Floor()
	for start in range(0, len(names), bench_site.CHUNK):
		plan.sql(
			"select * from `tabReturn Visit` where name in %(names)s order by name",
			{"names": names[start : start + bench_site.CHUNK]},
		)
	for table, where in (
		("ToDo", "reference_type = 'Return Visit'"),
		("Notification Log", "document_type = 'Return Visit'"),
	):
		columns, rows = bench_site.rows_of(
			f"select * from `tab{table}` where {where} and creation >= %s", (since,)
		)
		# the columns the job set: the others are left to their defaults on both sides
		kept = [i for i, _c in enumerate(columns) if any(row[i] is not None for row in rows)]
		plan.insert(f"tab{table}", [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows])
	_columns, rows = bench_site.rows_of(
		"select v.name, v._assign from `tabReturn Visit` v join `tabToDo` t on t.reference_name = v.name "
		"and t.reference_type = 'Return Visit' where t.creation >= %s",
		(since,),
	)
	plan.update("tabReturn Visit", ["_assign"], rows)
	_columns, rows = bench_site.rows_of(
		"select name, last_user from `tabAssignment Rule` where name = %s", (ASSIGNMENT_RULE,)
	)
	plan.update("tabAssignment Rule", ["last_user"], rows)
	return plan


if __name__ == "__main__":
	main()
