"""Maintenance-contract renewal sweep benchmark: the set-based daily sweeps against a per-document
baseline, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/renewal_sweep.py --site test_site

It inserts N submitted contracts in bulk (default 100,000) with four planned visits each (400,000)
and an account lead, a share of them at a renewal lead time today (default 1%). It times the
contract sweeps a day runs over them (status, overdue visits, renewal reminders) and, on a sample of
the same kind of contracts, what a per-document sweep would take (get_doc each open contract, ask the
policy, insert its Reminder Log and queue its email, save it). It prints both rates and the ratio, then
rolls everything back.
"""

import time

import bench_site


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("-n", "--contracts", type=int, default=100_000)
	parser.add_argument("--visits", type=int, default=4)
	parser.add_argument("--due-share", type=float, default=0.01)
	parser.add_argument("--baseline-sample", type=int, default=500)
	args = parser.parse_args()

	bench_site.run_on_site(args, run)


def insert_contracts(prefix: str, count: int, visits: int, due_every: int, today, company, customer):
	import frappe
	from frappe.utils import add_days, now_datetime

	now = now_datetime()
	contracts, visit_rows, team_rows = [], [], []
	for i in range(count):
		due = i % due_every == 0
		# due: today is the 30-day lead; otherwise the end is 200 days away (nothing due, status Active)
		end = add_days(today, 30 if due else 200)
		start = add_days(end, -364)
		name = f"{prefix}-{i:07d}"
		contracts.append(
			(
				*(name, now, now, "Administrator", "Administrator", 1, "MC-.YYYY.-.#####", "Active"),
				*("Full Service", company, customer, "Benchmark customer", start, end, 4, "Administrator"),
			)
		)
		for k in range(visits):
			planned = add_days(start, 45 + 91 * k)
			visit_rows.append(
				(
					*(f"{name}-v{k}", now, now, "Administrator", "Administrator", 1, name, "visits"),
					*("Maintenance Contract", k + 1, planned, "Done" if planned < today else "Planned"),
				)
			)
		team_rows.append(
			(
				*(f"{name}-t", now, now, "Administrator", "Administrator", 1, name, "team"),
				*("Maintenance Contract", 1, "Administrator", 1),
			)
		)
	standard = ["name", "creation", "modified", "owner", "modified_by", "docstatus"]
	frappe.db.bulk_insert(
		"Maintenance Contract",
		[
			*standard,
			"naming_series",
			"status",
			"contract_type",
			"company",
			"customer",
			"customer_name",
			"start_date",
			"end_date",
			"visits_per_year",
			"account_lead",
		],
		contracts,
		chunk_size=5000,
	)
	child = [*standard, "parent", "parentfield", "parenttype", "idx"]
	frappe.db.bulk_insert(
		"Maintenance Contract Visit", [*child, "planned_date", "status"], visit_rows, chunk_size=10000
	)
	frappe.db.bulk_insert(
		"Maintenance Contract Team Member", [*child, "user", "is_lead"], team_rows, chunk_size=10000
	)


def run(args):
	import frappe
	from frappe.utils import getdate, nowdate

	from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
		expiring_days,
		reminder_lead_days,
	)
	from aftersales_module.policy import contract as policy
	from aftersales_module.tasks import contracts as sweeps

	today = getdate(nowdate())
	company = frappe.db.get_value("Company", {}, "name")
	customer = frappe.db.get_value("Customer", {}, "name")
	due_every = max(round(1 / args.due_share), 1)
	due_count = (args.contracts + due_every - 1) // due_every

	t0 = time.perf_counter()
	insert_contracts("BENCH-MC", args.contracts, args.visits, due_every, today, company, customer)
	print(
		f"inserted {args.contracts:,} contracts, {args.contracts * args.visits:,} visits "
		f"({due_count:,} due a reminder) in {time.perf_counter() - t0:.1f} s"
	)

	t0 = time.perf_counter()
	sweeps.update_statuses(today)
	sweeps.mark_overdue_visits(today)
	reminded = sweeps.send_renewal_reminders(today)
	sweep_seconds = time.perf_counter() - t0
	mine = [name for name in reminded if name.startswith("BENCH-MC-")]
	assert len(mine) == due_count, f"the sweep reminded {len(mine)} of {due_count} due contracts"
	assert not [n for n in sweeps.send_renewal_reminders(today) if n.startswith("BENCH-MC-")], "twice"

	# Baseline: a per-document sweep reads every open contract, asks the policy, and writes per row.
	insert_contracts("BENCH-BASE", args.baseline_sample, args.visits, due_every, today, company, customer)
	leads, lead_time = reminder_lead_days(), expiring_days()
	names = frappe.get_all("Maintenance Contract", filters={"name": ("like", "BENCH-BASE-%")}, pluck="name")
	t0 = time.perf_counter()
	for name in names:
		doc = frappe.get_doc("Maintenance Contract", name)
		status = policy.status_on(getdate(doc.start_date), getdate(doc.end_date), today, lead_time)
		for visit in doc.visits:
			if policy.visit_overdue(getdate(visit.planned_date), today, visit.status):
				visit.status = policy.OVERDUE
		sent = set(
			frappe.get_all(
				"Reminder Log",
				filters={"reference_name": name, "kind": policy.CONTRACT_RENEWAL},
				pluck="lead_days",
			)
		)
		lead = policy.reminder_due(getdate(doc.end_date), today, leads, frozenset(sent))
		if lead:
			frappe.get_doc(
				{
					"doctype": "Reminder Log",
					"kind": policy.CONTRACT_RENEWAL,
					"reference_doctype": "Maintenance Contract",
					"reference_name": name,
					"lead_days": lead,
				}
			).db_insert()
			frappe.sendmail(recipients=["admin@example.com"], subject=name, message=name, delayed=True)
		if status != doc.status:
			doc.db_set("status", status)
		for visit in doc.visits:
			visit.db_update()
	baseline_seconds = time.perf_counter() - t0

	sweep_rate = args.contracts / sweep_seconds
	baseline_rate = len(names) / baseline_seconds
	print(
		f"set-based sweep:   {args.contracts:,} contracts swept in {sweep_seconds:.2f} s, "
		f"{due_count:,} reminded = {sweep_rate:,.0f} contracts/s"
	)
	print(
		f"per-document:      {len(names):,} contracts in {baseline_seconds:.2f} s = {baseline_rate:,.0f} contracts/s"
	)
	print(f"ratio:             {sweep_rate / baseline_rate:,.1f}x")


if __name__ == "__main__":
	main()
