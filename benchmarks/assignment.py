"""Assigning a day's new return visits: the app's bulk Assignment Rule against Frappe's per-document
`apply`, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/assignment.py --site test_site

It inserts a day of work in bulk (default 20,000 repair jobs completed today, as daily_reports.py
does), writes their 60,000 return visits unassigned, gives the rule "Return Visit Round Robin" five
users, then times Frappe's own `assignment_rule.apply` one visit at a time on a sample, and the app's
`assignment.assign_in_bulk` on all the others. It prints both rates, the ratio, and how evenly each
side shared the visits out. Everything it writes is rolled back.
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
	ours, assigned = timed(assign_in_bulk, "Return Visit", rest)

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


if __name__ == "__main__":
	main()
