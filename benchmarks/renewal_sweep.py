"""Maintenance-contract renewal sweep benchmark: the set-based daily sweeps against a per-document
baseline, in one run.

Run from the bench folder, with the site's Python:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/renewal_sweep.py --site test_site

It inserts N submitted contracts in bulk (default 100,000) with four planned visits each (400,000)
and an account lead, a share of them at a renewal lead time today (default 1%). It times the
contract sweeps a day runs over them (status, overdue visits, renewal reminders) and, on a sample of
the same kind of contracts, what a per-document sweep would take (get_doc each open contract, ask the
policy, insert its Reminder Log and queue its email, save it). It prints both rates and the ratio.

It also times the floor from the same state (a savepoint rolled back in between): the bare SQL the
sweeps' writes need, i.e. the SELECTs of the contracts near their end and of the reminders due, the
overdue-visits UPDATE, the UPDATEs of the same contracts' statuses, and multi-row INSERTs of the same
Reminder Logs, ToDos, desk notifications and queued emails (Email Queue and its recipients) the
sweeps wrote, read back from their own run. It prints `sweep time / floor time` (target <= 2x) and
where the rest goes. Everything it writes is rolled back.
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
	from frappe.utils import add_days, now_datetime

	from aftersales_module.bulk import insert_rows

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
	insert_rows(
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
	)
	child = [*standard, "parent", "parentfield", "parenttype", "idx"]
	insert_rows("Maintenance Contract Visit", [*child, "planned_date", "status"], visit_rows)
	insert_rows("Maintenance Contract Team Member", [*child, "user", "is_lead"], team_rows)


def run(args):
	import frappe
	from frappe.utils import getdate, now_datetime, nowdate

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

	def sweep():
		sweeps.update_statuses(today)
		sweeps.mark_overdue_visits(today)
		return sweeps.send_renewal_reminders(today)

	def check(reminded):
		mine = [name for name in reminded if name.startswith("BENCH-MC-")]
		assert len(mine) == due_count, f"the sweep reminded {len(mine)} of {due_count} due contracts"
		assert not [n for n in sweeps.send_renewal_reminders(today) if n.startswith("BENCH-MC-")], "twice"

	since = now_datetime()
	timing = bench_site.sweep_and_floor(args, sweep, check, lambda: floor(today, since))
	sweep_seconds = timing.sweep

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
	print(timing.line("contract sweeps"))
	print(
		timing.breakdown(
			"contract sweeps",
			"per reminder the policy's lead, the translated ToDo, notification and email text, and the "
			"claim (INSERT IGNORE, then the email status), and frappe.sendmail for each email (which "
			"builds it, and drops it when its recipients have unsubscribed)",
		)
	)


def floor(today, since) -> bench_site.Floor:
	"""The bare statements of the sweeps that just ran: their SELECTs of what is due and the overdue
	UPDATE as they are, then the rows they wrote (read back), written again."""
	from frappe.utils import add_days

	from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
		expiring_days,
		reminder_lead_days,
	)

	plan = bench_site.Floor()
	plan.sql(
		"select name, start_date, end_date, status, renewed_to from `tabMaintenance Contract` "
		"where docstatus = 1 and status in ('Active', 'Expiring') and end_date <= %s",
		(add_days(today, expiring_days()),),
	)
	plan.sql(
		"update `tabMaintenance Contract Visit` set status = 'Overdue' "
		"where parenttype = 'Maintenance Contract' and status in ('Planned', 'Due') and planned_date < %s "
		"and parent in (select name from `tabMaintenance Contract` where docstatus = 1)",
		(today,),
	)
	plan.sql(
		"""select mc.name, mc.customer, mc.customer_name, mc.end_date, mc.account_lead,
			contact.email_id as contact_email,
			coalesce(nullif(user.language, ''), nullif(customer.language, '')) as contact_language
		from `tabMaintenance Contract` mc
		left join `tabCustomer` customer on customer.name = mc.customer
		left join `tabContact` contact
			on contact.name = coalesce(nullif(mc.customer_contact, ''), customer.customer_primary_contact)
		left join `tabUser` user on user.name = contact.user
		where mc.docstatus = 1 and mc.status in ('Active', 'Expiring')
			and (mc.renewed_to is null or mc.renewed_to = '') and mc.end_date >= %s and mc.end_date <= %s""",
		(today, add_days(today, max(reminder_lead_days()))),
	)
	_columns, rows = bench_site.rows_of(
		"select name, status, modified from `tabMaintenance Contract` where modified >= %s", (since,)
	)
	plan.update("tabMaintenance Contract", ["status", "modified"], rows)
	for table in ("Reminder Log", "ToDo", "Notification Log", "Email Queue"):
		columns, rows = bench_site.rows_of(f"select * from `tab{table}` where creation >= %s", (since,))
		# the columns the sweep set: the others are left to their defaults on both sides
		kept = [i for i, _c in enumerate(columns) if any(row[i] is not None for row in rows)]
		plan.insert(f"tab{table}", [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows])
	columns, rows = bench_site.rows_of(
		"select r.* from `tabEmail Queue Recipient` r join `tabEmail Queue` q on q.name = r.parent "
		"where q.creation >= %s",
		(since,),
	)
	kept = [i for i, _c in enumerate(columns) if any(row[i] is not None for row in rows)]
	plan.insert(
		"tabEmail Queue Recipient", [columns[i] for i in kept], [tuple(row[i] for i in kept) for row in rows]
	)
	return plan


if __name__ == "__main__":
	main()
