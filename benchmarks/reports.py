"""Script reports and number cards at a million rows: each one as Frappe runs it, against the
"Issue Summary way" (load the rows into Python with frappe.get_all and add them up there), in one run.

Run from the bench folder, with the site's Python, on a site kept for it:
	cd ~/frappe-bench && env/bin/python apps/aftersales_module/benchmarks/reports.py --site bench-reports.localhost

The data set: 1,000,000 Complaint Records (one escalation log row each escalated one), 1,000,000 Repair
Jobs (a technician row each, 1.2 parts rows on average), their 3,000,000 Return Visits, 100,000
Maintenance Contracts with 320,000 planned visits, the technicians' 79,000 daily reports (one line per job),
10,000 Product Exchanges, and 10 supervisors with 200 technicians as Employees. They are spread over the
13 months before the day of the fill (the contracts over three years) with the statuses, types,
severities and ratings of a working service department. For Key Part Failure Trend: two key parts
(Items of the benchmark's own), used on one completed job in 25, in a submitted default BOM of every
product, and 300,000 Warranty Registrations of the products (the units in the field). For Reward and
Penalty Summary: 100,000 fines and rewards of the technicians. Supplier warranty claims and Non
Conformances are not filled: the cards on them run on what the site holds. The rows are written by set-based
INSERT … SELECT from MariaDB's sequence engine (seq_1_to_N) in committed chunks, which takes some
minutes, so unlike the other benchmarks they STAY on the site: a later run fills only what is missing.
Every row it writes has a name starting with BRPT- (Employees too), and it writes and deletes
no other rows, so use a site of its own. --refill deletes its rows and fills them again (dated from
today), --drop deletes them and stops.

Then it runs every script report of the module with the filters its .js sets by default (the session
user's default company, the date range) through frappe.desk.query_report.run as Administrator, and
every number card as the desk does (Document Type cards through number_card.get_result, Custom cards
through their method), once to warm up and once timed. The Supervisor Daily Summary runs for the first
bench supervisor, as Administrator has no team. The baseline does what each one does with get_all
and Python, and must come to the same totals. It prints, per report and card, the rows it reads, both
times and the ratio, then EXPLAIN of every query it ran on the module's tables.
Targets: each report at least 25x its baseline and under 2 s on a 2-core machine; no query reads a
whole table (type ALL) of more than 10,000 rows.
"""

import sys
import time
from collections import Counter, defaultdict

import bench_site

PREFIX = "BRPT-"
TECHNICIANS = 200
SUPERVISORS = 10
HANDLERS = 40
AGENTS = 12
COMPLAINTS = 1_000_000
JOBS = 1_000_000
VISITS = 3 * JOBS
CONTRACTS = 100_000
EXCHANGES = 10_000
DAYS = 395  # about 13 months
CHUNK = 100_000
LARGE = 10_000  # a table with more rows must not be read whole

# The tables whose rows are ours (name starting with PREFIX), children before parents.
OWN_TABLES = (
	"Reward and Penalty Entry",
	"Warranty Registration",
	"BOM Item",
	"BOM",
	"Item",
	"Complaint Record Escalation",
	"Complaint Record",
	"Repair Job Technician",
	"Repair Job Part",
	"Repair Job",
	"Return Visit",
	"Maintenance Contract Visit",
	"Maintenance Contract",
	"Technician Daily Report Line",
	"Technician Daily Report",
	"Product Exchange",
	"Employee",
)

REPORTS = (
	"Complaint Aging",
	"Complaint Statistics",
	"Concealment Audit",
	"Exchange Ledger",
	"Key Part Failure Trend",
	"Parts to Issue",
	"Renewal Rate",
	"Return Visit Coverage",
	"Reward and Penalty Summary",
	"Supervisor Daily Summary",
	"Technician Performance",
	"Warranty Cost",
)


def main():
	parser = bench_site.parser(__doc__)
	parser.add_argument("--refill", action="store_true", help="delete the benchmark's rows, fill again")
	parser.add_argument("--drop", action="store_true", help="delete the benchmark's rows and stop")
	parser.add_argument("--no-explain", action="store_true")
	args = parser.parse_args()
	bench_site.run_on_site(args, run)


def run(args):
	import frappe

	if args.drop or args.refill:
		drop()
		if args.drop:
			return
	fill()
	day_totals(rebuild=args.refill)
	context = frappe._dict(
		today=frappe.utils.getdate(frappe.utils.nowdate()),
		company=frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name"),
	)
	results = []
	for report in REPORTS:
		results.append(time_report(report, context))
	for card in frappe.get_all(
		"Number Card", filters={"module": "Aftersales Module"}, pluck="name", order_by="name"
	):
		results.append(time_card(card, context))
	print_results(results)
	from_documents(context)
	if not args.no_explain:
		print_explains(results)


def day_totals(rebuild: bool):
	"""Technician Performance, Return Visit Coverage and the complaint reports read day totals that the
	hourly sweep keeps.
	The fill writes with SQL, past the documents' events, so the totals are built here as the sweep's
	first run builds them (timed), and then today is marked stale, as any save of today marks it:
	the timed reports read today from the documents and the rest from the totals."""
	import frappe

	from aftersales_module.day_totals import built, mark
	from aftersales_module.tasks import day_totals as totals

	if rebuild or not built():
		written, seconds = timed(totals.build)
		print(f"day totals built (the sweep's first run): {written:,} day rows in {seconds:.1f} s")
	mark([frappe.utils.nowdate()])
	frappe.db.commit()
	_none, seconds = timed(totals.refresh)
	print(f"day totals: one stale day added up again by the hourly sweep in {seconds:.2f} s")
	mark([frappe.utils.nowdate()])
	frappe.db.commit()


# --- the data set ----------------------------------------------------------------------------------


def sql(query, values=None):
	import frappe

	return frappe.db.sql(query, values or {"_": None})


def pick(salt: str, n: int, column: str = "seq") -> str:
	"""A pseudo-random 0 <= value < n, the same for the same row on every fill."""
	return f"mod(crc32(concat('{salt}', {column})), {n})"


def elt(index_sql: str, values) -> str:
	return "elt(1 + {}, {})".format(index_sql, ", ".join(frappe_escape(v) for v in values))


def frappe_escape(value) -> str:
	import frappe

	return frappe.db.escape(value)


def own(table: str) -> str:
	return f"`tab{table}`.name like '{PREFIX}%%'"


def padded(prefix: str, seq_sql: str, width: int = 7) -> str:
	return f"concat('{PREFIX}{prefix}-', lpad({seq_sql}, {width}, '0'))"


def chunked(table: str, prefix: str, total: int, insert_sql: str, values: dict, width: int = 7, chunk=CHUNK):
	"""Run insert_sql (with {lo} and {hi}, the seq range) for every chunk of 1..total whose rows are
	not there yet; each chunk is one committed transaction, so a chunk is there whole or not at all."""
	import frappe

	written = 0
	t0 = time.perf_counter()
	for lo in range(1, total + 1, chunk):
		hi = min(lo + chunk - 1, total)
		first = f"{PREFIX}{prefix}-{lo:0{width}d}"
		after = f"{PREFIX}{prefix}-{hi + 1:0{width}d}"
		if sql(
			f"select 1 from `tab{table}` where name >= %(first)s and name < %(after)s limit 1",
			{"first": first, "after": after},
		):
			continue
		sql(insert_sql.format(lo=lo, hi=hi), values)
		frappe.db.commit()
		written += hi - lo + 1
	if written:
		print(f"  {table}: filled seq 1..{total:,} where missing in {time.perf_counter() - t0:.1f} s")


def fill():
	import frappe
	from frappe.utils import add_days, getdate, now_datetime, nowdate

	today = getdate(nowdate())
	company = frappe.defaults.get_user_default("Company") or frappe.db.get_value("Company", {}, "name")
	customers = frappe.get_all("Customer", pluck="name", order_by="name") or ["Benchmark Customer"]
	# the site's own items (the key parts below are the benchmark's)
	theirs = ("name", "not like", f"{PREFIX}%")
	products = frappe.get_all(
		"Item", filters=[["has_serial_no", "=", 1], theirs], pluck="name", order_by="name"
	)
	parts = frappe.get_all(
		"Item",
		filters=[["has_serial_no", "=", 0], ["is_stock_item", "=", 1], theirs],
		pluck="name",
		order_by="name",
	)
	products = products or parts or ["Benchmark Item"]
	parts = parts or products
	categories = frappe.get_all("Complaint Category", pluck="name", order_by="name") or [""]
	departments = frappe.get_all(
		"Department", filters={"company": company, "is_group": 0}, pluck="name", order_by="name"
	) or [""]
	values = {"today": today, "now": now_datetime(), "company": company}
	print(f"filling what is missing of the data set on {frappe.local.site} (company {company}) ...")
	t_all = time.perf_counter()

	fill_employees(company, today)

	tech = "concat('brpt-tech-', lpad({t}, 3, '0'), '@reports.bench')"
	sup = "concat('brpt-sup-', lpad({s}, 2, '0'), '@reports.bench')"
	handler = f"concat('brpt-handler-', lpad({pick('h', HANDLERS)}, 2, '0'), '@reports.bench')"

	# Complaints: registered evenly over DAYS days; the newer, the more of them still open.
	age = f"({DAYS - 1} - floor((seq - 1) * {DAYS} / {COMPLAINTS}))"
	active = (
		f"{pick('s', 1000)} < case when age <= 2 then 900 when age <= 5 then 600 when age <= 15 then 300 "
		"when age <= 30 then 120 else 25 end"
	)
	active_status = elt(
		pick("a", 9),
		(
			*("Registered", "Classified", "Assigned", "Investigating", "Solution Proposed"),
			*("Approved", "Agreed", "In Execution", "Reopened"),
		),
	)
	done_status = (
		f"case when {pick('c', 100)} < 7 then 'Invalid' when {pick('c', 100)} < 12 then 'Resolved' "
		f"when {pick('c', 100)} < 18 then 'Return Visited' else 'Closed' end"
	)
	chunked(
		"Complaint Record",
		"CR",
		COMPLAINTS,
		f"""insert into `tabComplaint Record` (name, creation, modified, modified_by, owner, docstatus,
			naming_series, subject, customer, complainant_name, status, registered_on, channel, company,
			is_overdue, escalation_level, complaint_type, complaint_category, severity, validity, handler,
			responsible_department, responsible_employee, deadline, is_repeat, last_escalated_at,
			escalation_clock_start, item_code, serial_no, company_fault, compensation_type)
		select name, registered_on, registered_on, 'Administrator', 'Administrator', 0,
			'CR-.YYYY.-.MM.-.#####', concat('Benchmark complaint ', seq), customer, customer, status,
			registered_on, channel, %(company)s, overdue,
			case when overdue then 1 + {pick("l", 3)} when age > 5 and {pick("l", 100)} < 20 then 1 else 0 end,
			complaint_type, category, severity,
			case when status = 'Invalid' then 'Invalid' when status in ('Registered', 'Classified') then 'Pending'
				when {pick("v", 100)} < 80 then 'Valid' else 'Assisted' end,
			handler, department, employee, timestampadd(day, 15, registered_on),
			{pick("r", 100)} < 6, null, registered_on, item_code, serial_no, 'None', 'None'
		from (
			select *, (is_active and age > 15) or (not is_active and {pick("o", 100)} < 12) as overdue
			from (
				select seq, age, is_active, {padded("CR", "seq")} as name,
					least(%(now)s, timestampadd(second, 28800 + {pick("t", 36000)}, date_sub(%(today)s, interval age day)))
						as registered_on,
					case when is_active then {active_status} else {done_status} end as status,
					{elt(pick("cu", len(customers)), customers)} as customer,
					{elt(pick("ch", 5), ("Phone", "Hotline", "Email", "Walk-in", "Website"))} as channel,
					{elt(pick("ty", 10), ["Product Quality"] * 5 + ["Service"] * 4 + ["Suggestion"])} as complaint_type,
					{elt(pick("ca", len(categories)), categories)} as category,
					{elt(pick("se", 20), ["General"] * 16 + ["Written"] * 3 + ["Major"])} as severity,
					{handler} as handler,
					{elt(pick("d", len(departments)), departments)} as department,
					case when {pick("e", 100)} < 40 then concat('{PREFIX}EMP-T', lpad({pick("t", TECHNICIANS)}, 3, '0'))
						end as employee,
					{elt(pick("i", len(products)), products)} as item_code,
					concat('{PREFIX}SN-', lpad({pick("sn", 800_000)}, 6, '0')) as serial_no
				from (
					select seq, age, {active} as is_active
					from (select seq, {age} as age from seq_{{lo}}_to_{{hi}}) ages
				) actives
			) rows_
		) complaints""",
		values,
	)
	# One escalation log row per escalated complaint; a third escalated by hand by the handler.
	chunked(
		"Complaint Record Escalation",
		"CRE",
		COMPLAINTS,
		f"""insert into `tabComplaint Record Escalation` (name, creation, modified, modified_by, owner,
			docstatus, idx, parent, parentfield, parenttype, escalated_at, from_level, to_level, level_label,
			reason, is_manual, escalated_by, channels)
		select concat('{PREFIX}CRE-', substring(c.name, 9)), c.registered_on, c.registered_on,
			'Administrator', 'Administrator', 0, 1, c.name, 'escalation_log', 'Complaint Record',
			timestampadd(day, 5, c.registered_on), 0, 1, 'Level 1', 'Benchmark', manual,
			case when manual then c.handler else 'Administrator' end, 'Desk'
		from (
			select name, registered_on, handler, {pick("m", 100, "name")} < 35 as manual
			from `tabComplaint Record`
			where name >= concat('{PREFIX}CR-', lpad({{lo}}, 7, '0'))
				and name <= concat('{PREFIX}CR-', lpad({{hi}}, 7, '0')) and escalation_level > 0
		) c""",
		values,
	)
	sql(
		f"""update `tabComplaint Record` set last_escalated_at = timestampadd(day,
			case escalation_level when 1 then 5 when 2 then 12 else 15 end, registered_on)
		where {own("Complaint Record")} and escalation_level > 0 and last_escalated_at is null""",
		values,
	)
	frappe.db.commit()

	# Repair jobs: evenly over DAYS days; the last days' jobs still being worked on.
	job_age = f"({DAYS - 1} - floor((seq - 1) * {DAYS} / {JOBS}))"
	working = elt(pick("ws", 4), ("Open", "Dispatched", "In Progress", "Awaiting Parts"))
	chunked(
		"Repair Job",
		"RJ",
		JOBS,
		f"""insert into `tabRepair Job` (name, creation, modified, modified_by, owner, docstatus,
			naming_series, service_class, job_kind, status, company, posting_date, customer, customer_name,
			item_code, serial_no, appointment, supervisor, first_time_fix, fault_cause, labour_total,
			total_cost, completed_on, reported_symptom)
		select name, creation, creation, 'Administrator', 'Administrator', 0, 'RJ-.YYYY.-.#####',
			service_class, case when service_class = 'Contract' and {pick("jk", 2)} = 0 then 'Inspection'
				else 'Repair' end,
			status, %(company)s, posting_date, customer, customer, item_code, serial_no, appointment,
			{sup.format(s=f"floor({pick('t', TECHNICIANS)} / {TECHNICIANS // SUPERVISORS})")},
			done and {pick("ff", 100)} < 82,
			case when done then {elt(pick("fc", 6), ("Product Defect", "Wear and Tear", "Improper Use", "Installation", "External Damage", "Unknown"))} end,
			labour, labour,
			case when done then least(%(now)s, timestampadd(minute, 60 + {pick("du", 360)}, appointment)) end,
			'Benchmark symptom'
		from (
			select *, status in ('Completed', 'Invoiced', 'Closed') as done
			from (
				select seq, {padded("RJ", "seq")} as name, posting_date,
					least(%(now)s, timestampadd(second, 28800 + {pick("ct", 36000)}, posting_date)) as creation,
					timestampadd(second, 32400 + {pick("ap", 28800)}, timestampadd(day, {pick("ad", 2)}, posting_date))
						as appointment,
					service_class,
					case
						when age <= 1 then {elt(pick("ws", 5), ("Open", "Dispatched", "In Progress", "Awaiting Parts", "Completed"))}
						when age <= 4 and {pick("st", 2)} = 0 then {working}
						when {pick("st", 1000)} < 4 then 'Awaiting Parts'
						when service_class = 'Paid' then case when {pick("dn", 10)} < 7 then 'Invoiced' else 'Closed' end
						when age <= 10 and {pick("dn", 10)} < 5 then 'Completed'
						else 'Closed'
					end as status,
					{elt(pick("cu", len(customers)), customers)} as customer,
					{elt(pick("i", len(products)), products)} as item_code,
					concat('{PREFIX}SN-', lpad({pick("sn", 800_000)}, 6, '0')) as serial_no,
					80 + 40 * {pick("lb", 8)} as labour
				from (
					select seq, age, date_sub(%(today)s, interval age day) as posting_date,
						{elt(pick("sc", 20), ["Paid"] * 8 + ["Warranty"] * 7 + ["Contract"] * 4 + ["Goodwill"])}
							as service_class
					from (select seq, {job_age} as age from seq_{{lo}}_to_{{hi}}) ages
				) classes
			) jobs
		) rows_""",
		values,
	)
	chunked(
		"Repair Job Technician",
		"RJT",
		JOBS,
		f"""insert into `tabRepair Job Technician` (name, creation, modified, modified_by, owner, docstatus,
			idx, parent, parentfield, parenttype, user, employee, full_name)
		select {padded("RJT", "seq")}, %(now)s, %(now)s, 'Administrator', 'Administrator', 0, 1,
			{padded("RJ", "seq")}, 'technicians', 'Repair Job', {tech.format(t=pick("t", TECHNICIANS))},
			concat('{PREFIX}EMP-T', lpad({pick("t", TECHNICIANS)}, 3, '0')),
			concat('Bench Technician ', {pick("t", TECHNICIANS)})
		from seq_{{lo}}_to_{{hi}}""",
		values,
	)
	# Parts: every job asks for one part, a fifth for a second; issued once the work has started.
	for line, share in ((1, 100), (2, 20)):
		chunked(
			"Repair Job Part",
			f"RJP{line}",
			JOBS,
			f"""insert into `tabRepair Job Part` (name, creation, modified, modified_by, owner, docstatus,
				idx, parent, parentfield, parenttype, item_code, item_name, qty, issued_qty, is_used, rate,
				amount)
			select concat('{PREFIX}RJP{line}-', substring(j.name, 9)), j.creation, j.creation, 'Administrator',
				'Administrator', 0, {line}, j.name, 'parts', 'Repair Job', item, item, qty,
				case when j.status in ('Open', 'Dispatched', 'Awaiting Parts') then 0 else qty end,
				j.status in ('Completed', 'Invoiced', 'Closed'), 25, 25 * qty
			from (
				select seq, {padded("RJ", "seq")} as name, {elt(pick(f"p{line}", len(parts)), parts)} as item,
					1 + {pick(f"q{line}", 3)} as qty
				from seq_{{lo}}_to_{{hi}} where {pick(f"has{line}", 100)} < {share}
			) s
			join `tabRepair Job` j on j.name = s.name""",
			values,
		)

	# Return visits: the three of each completed job; a job not completed yet stands for a complaint's.
	chunked(
		"Return Visit",
		"RV",
		VISITS,
		f"""insert into `tabReturn Visit` (name, creation, modified, modified_by, owner, docstatus,
			naming_series, visit_kind, status, is_overdue, customer, customer_name, due_date, last_day,
			missed_on, contact_method, reached, attempts, visited_on, visited_by, rating_attitude,
			rating_skill, rating_punctuality, rating_result, average_rating, satisfied, reference_doctype,
			reference_name, repair_job, technician, company, service_date, item_code, serial_no)
		select name, creation, creation, 'Administrator', 'Administrator', 0, 'RV-.YYYY.-.#####', kind,
			status, status != 'Done' and due_date < %(today)s, customer, customer, due_date, last_day,
			case when status = 'Missed' then timestampadd(day, 1, last_day) end, 'Phone', status = 'Done',
			case when status = 'Open' then 0 else 1 + {pick("at", 3)} end,
			case when status = 'Done' then timestampadd(hour, 10, due_date) end,
			case when status = 'Done' then concat('brpt-agent-', lpad({pick("ag", AGENTS)}, 2, '0'), '@reports.bench') end,
			case when status = 'Done' then r1 end, case when status = 'Done' then r2 end,
			case when status = 'Done' then r3 end, case when status = 'Done' then r4 end,
			case when status = 'Done' then (s1 + s2 + s3 + s4) / 4 else 0 end,
			status = 'Done' and s1 >= 3 and s2 >= 3 and s3 >= 3 and s4 >= 3,
			case when done then 'Repair Job' else 'Complaint Record' end,
			case when done then job else concat('{PREFIX}CR-', substring(job, 9)) end,
			case when done then job end, case when done then technician end, %(company)s,
			service_date, item_code, serial_no
		from (
			select *,
				case when s1 = 4 then 'Excellent' when s1 = 3 then 'Good' when s1 = 2 then 'Fair' else 'Poor' end as r1,
				case when s2 = 4 then 'Excellent' when s2 = 3 then 'Good' when s2 = 2 then 'Fair' else 'Poor' end as r2,
				case when s3 = 4 then 'Excellent' when s3 = 3 then 'Good' when s3 = 2 then 'Fair' else 'Poor' end as r3,
				case when s4 = 4 then 'Excellent' when s4 = 3 then 'Good' when s4 = 2 then 'Fair' else 'Poor' end as r4,
				case
					when last_day < %(today)s then case when {pick("ms", 100)} < 5 then 'Missed' else 'Done' end
					when due_date <= %(today)s and {pick("ms", 2)} = 0 then 'Done'
					else 'Open'
				end as status
			from (
				select seq, name, job, kind, technician, customer, item_code, serial_no, done, service_date,
					least(%(now)s, coalesce(completed_on, creation)) as creation,
					timestampadd(day, elt(k + 1, 1, 3, 7), coalesce(service_date, %(today)s)) as due_date,
					timestampadd(day, elt(k + 1, 2, 7, 10), coalesce(service_date, %(today)s)) as last_day,
					{score("s1")} as s1, {score("s2")} as s2, {score("s3")} as s3, {score("s4")} as s4
				from (
					select s.seq, {padded("RV", "s.seq")} as name, j.name as job, mod(s.seq - 1, 3) as k,
						{elt("mod(s.seq - 1, 3)", ("Satisfaction Call", "First Follow-up", "Second Follow-up"))} as kind,
						t.user as technician, j.customer, j.item_code, j.serial_no, j.creation, j.completed_on,
						j.completed_on is not null as done, date(j.completed_on) as service_date
					from seq_{{lo}}_to_{{hi}} s
					join `tabRepair Job` j on j.name = {padded("RJ", "floor((s.seq - 1) / 3) + 1")}
					join `tabRepair Job Technician` t on t.name = {padded("RJT", "floor((s.seq - 1) / 3) + 1")}
				) visits
			) scored
		) rows_""",
		values,
		chunk=3 * CHUNK,
	)

	# Maintenance contracts: a year each, starting evenly over three years; two thirds of those that
	# ended were renewed by the contract that starts a year after them.
	renewal_gap = CONTRACTS // 3
	start = f"date_sub(%(today)s, interval {3 * 365 - 1} - floor((seq - 1) * {3 * 365} / {CONTRACTS}) day)"
	renewed = f"({pick('rn', 100)} < 68 and seq + {renewal_gap} <= {CONTRACTS})"
	chunked(
		"Maintenance Contract",
		"MC",
		CONTRACTS,
		f"""insert into `tabMaintenance Contract` (name, creation, modified, modified_by, owner, docstatus,
			naming_series, status, contract_type, company, customer, customer_name, start_date, end_date,
			response_hours, resolution_hours, visits_per_year, billing_amount, billing_interval,
			account_lead, renewed_to, renewed_from)
		select name, start_date, start_date, 'Administrator', 'Administrator', docstatus, 'MC-.YYYY.-.#####',
			case
				when docstatus = 2 then 'Cancelled' when docstatus = 0 then 'Draft'
				when end_date < %(today)s and renewed then 'Renewed'
				when end_date < %(today)s then 'Expired'
				when datediff(end_date, %(today)s) <= 90 then 'Expiring'
				else 'Active'
			end,
			contract_type, %(company)s, customer, customer, start_date, end_date, 8, 48, visits, billing,
			'Yearly', lead_,
			case when docstatus = 1 and end_date < %(today)s and renewed then {padded("MC", f"seq + {renewal_gap}", 6)} end,
			renewed_from
		from (
			select seq, {padded("MC", "seq", 6)} as name, start_date, timestampadd(day, 364, start_date) as end_date,
				case when {pick("cx", 100)} < 2 then 2 when {pick("cx", 100)} < 3 then 0 else 1 end as docstatus,
				{renewed} as renewed,
				case when seq > {renewal_gap} and {pick("rn", 100, f"seq - {renewal_gap}")} < 68
					then {padded("MC", f"seq - {renewal_gap}", 6)} end as renewed_from,
				{elt(pick("ct", 4), ("Full Service", "Parts Only", "Labour Only", "Inspection Only"))} as contract_type,
				{elt(pick("cu", len(customers)), customers)} as customer,
				case when {pick("vp", 10)} < 4 then 2 else 4 end as visits,
				1200 + 600 * {pick("bi", 6)} as billing,
				{sup.format(s=pick("ld", SUPERVISORS))} as lead_
			from (select seq, {start} as start_date from seq_{{lo}}_to_{{hi}}) starts
		) contracts""",
		values,
		width=6,
		chunk=CONTRACTS,
	)
	chunked(
		"Maintenance Contract Visit",
		"MCV",
		4 * CONTRACTS,
		f"""insert into `tabMaintenance Contract Visit` (name, creation, modified, modified_by, owner,
			docstatus, idx, parent, parentfield, parenttype, planned_date, status, completed_on)
		select v.name, c.creation, c.creation, 'Administrator', 'Administrator', c.docstatus, k + 1, c.name,
			'visits', 'Maintenance Contract', planned,
			case
				when c.docstatus = 2 then 'Cancelled'
				when planned >= %(today)s then case when datediff(planned, %(today)s) <= 7 then 'Due' else 'Planned' end
				when c.status in ('Active', 'Expiring') and {pick("ov", 100, "v.name")} < 6 then 'Overdue'
				else 'Done'
			end,
			case when planned < %(today)s and c.docstatus = 1 then timestampadd(hour, 10, planned) end
		from (
			select s.seq, {padded("MCV", "s.seq", 6)} as name, mod(s.seq - 1, 4) as k, c.name as contract,
				timestampadd(day, floor(365 / c.visits_per_year / 2) + mod(s.seq - 1, 4) * floor(365 / c.visits_per_year),
					c.start_date) as planned
			from seq_{{lo}}_to_{{hi}} s
			join `tabMaintenance Contract` c on c.name = {padded("MC", "floor((s.seq - 1) / 4) + 1", 6)}
			where mod(s.seq - 1, 4) < c.visits_per_year
		) v
		join `tabMaintenance Contract` c on c.name = v.contract""",
		values,
		width=6,
		chunk=4 * CONTRACTS,
	)

	# Daily reports: one line per job, on the day of its appointment; one report per technician and day.
	chunked(
		"Technician Daily Report Line",
		"TDRL",
		JOBS,
		f"""insert into `tabTechnician Daily Report Line` (name, creation, modified, modified_by, owner,
			docstatus, idx, parent, parentfield, parenttype, repair_job, customer, work_category, outcome,
			start_time, end_time, hours, travel_hours, first_time_fix)
		select concat('{PREFIX}TDRL-', substring(j.name, 9)), j.appointment, j.appointment, 'Administrator',
			'Administrator', date(j.appointment) < %(today)s, 1,
			concat('{PREFIX}TDR-', substring(t.employee, 11, 3), '-', date(j.appointment)), 'lines',
			'Technician Daily Report', j.name, j.customer, 'On-site Repair',
			case when j.completed_on is not null then 'Completed' else 'In Progress' end,
			j.appointment, timestampadd(minute, 60 * hours, j.appointment), hours, 0.5, j.first_time_fix
		from (
			select seq, {padded("RJ", "seq")} as job, {padded("RJT", "seq")} as tech, 1 + {pick("hr", 7)} / 2 as hours
			from seq_{{lo}}_to_{{hi}}
		) s
		join `tabRepair Job` j on j.name = s.job
		join `tabRepair Job Technician` t on t.name = s.tech
		where j.appointment < %(tomorrow)s""",
		{**values, "tomorrow": add_days(today, 1)},
	)
	if not sql(
		f"select 1 from `tabTechnician Daily Report` where {own('Technician Daily Report')} limit 1", values
	):
		t0 = time.perf_counter()
		sql(
			f"""insert into `tabTechnician Daily Report` (name, creation, modified, modified_by, owner,
				docstatus, naming_series, technician, technician_name, report_date, workflow_state,
				total_hours, employee, company, supervisor, unique_key)
			select parent, timestampadd(hour, 18, report_date), timestampadd(hour, 18, report_date),
				'Administrator', 'Administrator', report_date < %(today)s, 'TDR-.YYYY.-.#####', technician,
				concat('Bench Technician ', tech_no), report_date,
				case when report_date = %(today)s then 'Draft'
					when report_date = date_sub(%(today)s, interval 1 day) then 'Submitted' else 'Approved' end,
				hours, concat('{PREFIX}EMP-T', tech_no), %(company)s,
				concat('brpt-sup-', lpad(floor(tech_no / {TECHNICIANS // SUPERVISORS}), 2, '0'), '@reports.bench'),
				concat(technician, '|', report_date)
			from (
				select parent, substring(parent, 10, 3) as tech_no,
					concat('brpt-tech-', substring(parent, 10, 3), '@reports.bench') as technician,
					cast(substring(parent, 14) as date) as report_date, sum(hours + travel_hours) as hours
				from `tabTechnician Daily Report Line`
				where {own("Technician Daily Report Line")}
				group by parent
			) days""",
			values,
		)
		frappe.db.commit()
		print(f"  Technician Daily Report: filled in {time.perf_counter() - t0:.1f} s")

	# Product exchanges: one job in a hundred ends in an exchange.
	chunked(
		"Product Exchange",
		"PEX",
		EXCHANGES,
		f"""insert into `tabProduct Exchange` (name, creation, modified, modified_by, owner, docstatus,
			naming_series, workflow_state, company, posting_date, customer, customer_name, item_code,
			faulty_serial_no, replacement_serial_no, reason, handled_by, regional_approved_by,
			office_verified_by, gm_approved_by)
		select {padded("PEX", "s.seq", 6)}, j.creation, j.creation, 'Administrator', 'Administrator',
			case when {pick("px", 10, "s.seq")} = 0 then 0 else 1 end, 'PEX-.YYYY.-.#####',
			case when {pick("px", 10, "s.seq")} = 0 then 'Pending Regional Manager' else 'Approved' end,
			%(company)s, j.posting_date, j.customer, j.customer, j.item_code, j.serial_no,
			concat('{PREFIX}SNX-', lpad(s.seq, 6, '0')), 'Repeated fault, beyond repair', j.supervisor,
			'brpt-regional@reports.bench', 'brpt-office@reports.bench', 'brpt-gm@reports.bench'
		from seq_{{lo}}_to_{{hi}} s
		join `tabRepair Job` j on j.name = {padded("RJ", f"s.seq * {JOBS // EXCHANGES}")}""",
		values,
		width=6,
		chunk=EXCHANGES,
	)
	fill_key_parts(company, products, customers, values)
	fill_rewards_and_penalties(departments, values)
	print(f"data set complete ({time.perf_counter() - t_all:.1f} s)")


KEY_PARTS = (
	(f"{PREFIX}KP-1", "Bench Key Compressor", 2.0),
	(f"{PREFIX}KP-2", "Bench Key Control Board", 1.0),
)
REGISTRATIONS = 300_000
REWARDS_AND_PENALTIES = 100_000


def fill_key_parts(company: str, products: list[str], customers: list[str], values: dict):
	"""Two key parts with a failure threshold (in %), replaced on one completed job in 25; every product
	has a submitted, active, default BOM listing one or both; 300,000 units registered under warranty,
	started evenly over the three years before the fill, for one or two years."""
	import frappe

	if not frappe.db.exists("Item", KEY_PARTS[0][0]):
		group = frappe.db.get_value("Item Group", {"is_group": 0}, "name", order_by="lft")
		uom = frappe.db.get_value("Item", {"name": ("in", products)}, "stock_uom") or frappe.db.get_value(
			"UOM", {}, "name"
		)
		now = frappe.utils.now_datetime()
		frappe.db.bulk_insert(
			"Item",
			[
				*("name", "creation", "modified", "owner", "modified_by", "item_code", "item_name"),
				*("item_group", "stock_uom", "is_stock_item", "include_item_in_manufacturing"),
				*("is_key_part", "key_part_failure_threshold"),
			],
			[
				(
					name,
					now,
					now,
					"Administrator",
					"Administrator",
					name,
					title,
					group,
					uom,
					1,
					1,
					1,
					threshold,
				)
				for name, title, threshold in KEY_PARTS
			],
		)
		frappe.db.commit()
	key_parts = [name for name, _title, _threshold in KEY_PARTS]
	chunked(
		"Repair Job Part",
		"RJPK",
		JOBS,
		f"""insert into `tabRepair Job Part` (name, creation, modified, modified_by, owner, docstatus,
			idx, parent, parentfield, parenttype, item_code, item_name, qty, issued_qty, returned_qty,
			is_used, rate, amount)
		select concat('{PREFIX}RJPK-', substring(j.name, 9)), j.creation, j.creation, 'Administrator',
			'Administrator', 0, 3, j.name, 'parts', 'Repair Job', item, item, 1, 1,
			{pick("kr", 10, "s.seq")} = 0, 1, 300, 300
		from (
			select seq, {padded("RJ", "seq")} as name, {elt(pick("kp", len(key_parts)), key_parts)} as item
			from seq_{{lo}}_to_{{hi}} where {pick("hk", 25)} = 0
		) s
		join `tabRepair Job` j on j.name = s.name and j.status in ('Completed', 'Invoiced', 'Closed')""",
		values,
	)
	if products and not frappe.db.exists("BOM", f"{PREFIX}BOM-001"):
		now = frappe.utils.now_datetime()
		boms, lines = [], []
		for number, product in enumerate(products, 1):
			bom = f"{PREFIX}BOM-{number:03d}"
			boms.append(
				(bom, now, now, "Administrator", "Administrator", 1, product, product, company, 1, 1, 1)
			)
			for idx, part in enumerate(key_parts[: 1 + number % 2], 1):
				row = (
					f"{bom}-{idx}",
					now,
					now,
					"Administrator",
					"Administrator",
					1,
					idx,
					bom,
					"items",
					"BOM",
				)
				lines.append((*row, part, part, 1, 1))
		frappe.db.bulk_insert(
			"BOM",
			[
				*("name", "creation", "modified", "owner", "modified_by", "docstatus", "item", "item_name"),
				*("company", "quantity", "is_active", "is_default"),
			],
			boms,
		)
		frappe.db.bulk_insert(
			"BOM Item",
			[
				*("name", "creation", "modified", "owner", "modified_by", "docstatus", "idx", "parent"),
				*("parentfield", "parenttype", "item_code", "item_name", "qty", "stock_qty"),
			],
			lines,
		)
		frappe.db.commit()
	three_years = 3 * 365
	chunked(
		"Warranty Registration",
		"WR",
		REGISTRATIONS,
		f"""insert into `tabWarranty Registration` (name, creation, modified, modified_by, owner, docstatus,
			status, company, customer, customer_name, item_code, item_name, installed_serial_no, qty,
			start_basis, start_date, warranty_days, end_date)
		select name, start_date, start_date, 'Administrator', 'Administrator', 0,
			case when date_add(start_date, interval warranty_days day) < %(today)s then 'Expired'
				else 'Active' end,
			%(company)s, customer, customer, item_code, item_code, concat('{PREFIX}WSN-', seq), 1,
			'Delivery Date', start_date, warranty_days, date_add(start_date, interval warranty_days day)
		from (
			select seq, {padded("WR", "seq")} as name,
				date_sub(%(today)s, interval floor((seq - 1) * {three_years} / {REGISTRATIONS}) day) as start_date,
				365 * (1 + {pick("wd", 2)}) as warranty_days,
				{elt(pick("wcu", len(customers)), customers)} as customer,
				{elt(pick("wi", len(products)), products)} as item_code
			from seq_{{lo}}_to_{{hi}}
		) units""",
		values,
	)


def fill_rewards_and_penalties(departments: list[str], values: dict):
	"""Fines (70%) and rewards of the technicians (each technician in one department), evenly over the
	days of the data set; one in ten still a draft awaiting approval."""
	chunked(
		"Reward and Penalty Entry",
		"RPE",
		REWARDS_AND_PENALTIES,
		f"""insert into `tabReward and Penalty Entry` (name, creation, modified, modified_by, owner,
			docstatus, naming_series, kind, rule, posting_date, employee, employee_name, department,
			company, amount, reason)
		select name, posting_date, posting_date, 'Administrator', 'Administrator',
			{pick("rd", 10)} != 0, 'RPE-.YYYY.-.#####',
			case when {pick("rk", 10)} < 7 then 'Fine' else 'Reward' end,
			{elt(pick("rr", 5), ("Complaint Loss", "Concealment", "Escalation", "Service Rule Breach", "Other"))},
			posting_date, concat('{PREFIX}EMP-T', lpad(t, 3, '0')), concat('Bench Technician ', t),
			{elt(f"mod(t, {len(departments)})", departments)}, %(company)s, 50 * (1 + {pick("ra", 10)}),
			'Benchmark entry'
		from (
			select seq, {padded("RPE", "seq")} as name, {pick("rt", TECHNICIANS)} as t,
				date_sub(%(today)s, interval floor((seq - 1) * {DAYS} / {REWARDS_AND_PENALTIES}) day)
					as posting_date
			from seq_{{lo}}_to_{{hi}}
		) entries""",
		values,
	)


def score(salt: str) -> str:
	"""A rating as a score: Excellent 4 (62%), Good 3 (28%), Fair 2 (8%), Poor 1 (2%)."""
	value = pick(salt, 100)
	return f"case when {value} < 62 then 4 when {value} < 90 then 3 when {value} < 98 then 2 else 1 end"


def fill_employees(company: str, today):
	"""SUPERVISORS supervisors, each with TECHNICIANS / SUPERVISORS technicians reporting to them, as
	new roots of the Employee tree after the site's own (lft/rgt past its largest rgt)."""
	import frappe
	from frappe.utils import now_datetime

	if frappe.db.exists("Employee", f"{PREFIX}EMP-S00"):
		return
	now = now_datetime()
	base = (frappe.db.sql("select max(rgt) from tabEmployee")[0][0] or 0) + 1
	per = TECHNICIANS // SUPERVISORS
	rows = []
	for s in range(SUPERVISORS):
		left = base + s * (2 * per + 2)
		sup = f"{PREFIX}EMP-S{s:02d}"
		rows.append(
			(sup, f"brpt-sup-{s:02d}@reports.bench", f"Bench Supervisor {s}", None, left, left + 2 * per + 1)
		)
		for k in range(per):
			t = s * per + k
			rows.append(
				(
					f"{PREFIX}EMP-T{t:03d}",
					f"brpt-tech-{t:03d}@reports.bench",
					f"Bench Technician {t}",
					sup,
					left + 1 + 2 * k,
					left + 2 + 2 * k,
				)
			)
	frappe.db.bulk_insert(
		"Employee",
		[
			*("name", "employee", "creation", "modified", "owner", "modified_by", "naming_series"),
			*("first_name", "employee_name", "gender", "date_of_birth", "date_of_joining", "status"),
			*("user_id", "company", "reports_to", "lft", "rgt", "create_user_permission"),
		],
		[
			(
				*(name, name, now, now, "Administrator", "Administrator", "HR-EMP-", full_name, full_name),
				*("Male", "1990-01-01", "2020-01-01", "Active", user, company, reports_to, lft, rgt, 0),
			)
			for name, user, full_name, reports_to, lft, rgt in rows
		],
	)
	frappe.db.commit()


def drop():
	import frappe

	t0 = time.perf_counter()
	for table in OWN_TABLES:
		deleted = 0
		while True:
			sql(f"delete from `tab{table}` where {own(table)} limit 50000")
			count = frappe.db._cursor.rowcount
			frappe.db.commit()
			deleted += count
			if count < 50000:
				break
		if deleted:
			print(f"  deleted {deleted:,} rows of {table}")
	print(f"dropped the data set ({time.perf_counter() - t0:.1f} s)")


# --- the runs --------------------------------------------------------------------------------------


class Recorder:
	"""Records every query frappe.db.sql runs while active."""

	def __init__(self):
		self.queries = []

	def __enter__(self):
		import frappe

		self.original = frappe.db.sql

		def recording(*args, **kwargs):
			result = self.original(*args, **kwargs)
			self.queries.append(frappe.db.last_query)
			return result

		frappe.db.sql = recording
		return self

	def __exit__(self, *exc):
		import frappe

		frappe.db.sql = self.original


def timed(function):
	t0 = time.perf_counter()
	result = function()
	return result, time.perf_counter() - t0


def report_filters(report: str, context) -> dict:
	"""The filters the report's .js sets by default (aftersales_reports.bundle.js: the company, and
	for `months` the range up to today; Key Part Failure Trend and Reward and Penalty Summary set
	their own dates: the last 12 whole months, this one included, and this year)."""
	from frappe.utils import add_months, get_first_day

	months = {
		"Complaint Aging": 12,
		"Complaint Statistics": 6,
		"Concealment Audit": 12,
		"Renewal Rate": 12,
		"Return Visit Coverage": 12,
		"Technician Performance": 3,
		"Warranty Cost": 1,
	}
	filters = {"company": context.company}
	if report in months:
		filters.update(from_date=add_months(context.today, -months[report]), to_date=context.today)
	filters.update(
		{
			"Complaint Statistics": {"group_by": "Category"},
			"Key Part Failure Trend": {
				"from_date": get_first_day(add_months(context.today, -11)),
				"to_date": context.today,
			},
			"Renewal Rate": {"group_by": "Month"},
			"Reward and Penalty Summary": {
				"from_date": f"{context.today.year}-01-01",
				"to_date": f"{context.today.year}-12-31",
			},
			"Warranty Cost": {"group_by": "Repair Job"},
			"Supervisor Daily Summary": {
				"report_date": context.today,
				"supervisor": "brpt-sup-00@reports.bench",
			},
		}.get(report, {})
	)
	return filters


def time_report(report: str, context):
	import frappe
	from frappe.desk.query_report import run as run_report

	filters = report_filters(report, context)
	run_report(report, filters=frappe._dict(filters), ignore_prepared_report=True)  # warm up
	with Recorder() as recorder:
		result, seconds = timed(
			lambda: run_report(report, filters=frappe._dict(filters), ignore_prepared_report=True)
		)
	(rows_read, expected), baseline_seconds = timed(lambda: BASELINES[report](frappe._dict(filters)))
	got = REPORT_TOTALS[report](result["result"])
	return frappe._dict(
		name=report,
		kind="report",
		rows=rows_read,
		seconds=seconds,
		floor=floor_of(recorder.queries),
		baseline=baseline_seconds,
		same=got == expected,
		got=got,
		expected=expected,
		queries=recorder.queries,
		output_rows=len(result["result"]),
	)


def floor_of(queries: list[str]) -> float:
	"""The report's floor: the SELECTs it ran, run again bare (best of two), with nothing around them:
	no filters to read, no columns to build, no rows to format. What a report that lists its rows
	rather than adding them up can at best come to."""
	import frappe

	selects = [query for query in queries if query and query.lstrip()[:6].lower() in ("select", "(selec")]
	best = float("inf")
	for _round in range(2):
		t0 = time.perf_counter()
		for query in selects:
			frappe.db.sql(query, as_dict=True)
		best = min(best, time.perf_counter() - t0)
	return best


def time_card(card: str, context):
	import frappe
	from frappe.desk.doctype.number_card.number_card import get_result

	doc = frappe.get_doc("Number Card", card)
	if doc.type == "Custom":
		method = frappe.get_attr(doc.method)

		def value():
			return method(filters=doc.filters_json)["value"]
	else:

		def value():
			return get_result(doc.as_json(), doc.filters_json)

	value()  # warm up
	with Recorder() as recorder:
		got, seconds = timed(value)
	(rows_read, expected), baseline_seconds = timed(lambda: CARD_BASELINES[card](context))
	return frappe._dict(
		name=card,
		kind="card",
		rows=rows_read,
		seconds=seconds,
		baseline=baseline_seconds,
		same=round(float(got), 2) == round(float(expected), 2),
		got=got,
		expected=expected,
		queries=recorder.queries,
		output_rows=1,
	)


def from_documents(context):
	"""The reports with day totals as they read before the totals are built: every figure from the
	documents (what they did before the totals existed)."""
	import frappe
	from frappe.desk.query_report import run as run_report

	from aftersales_module.day_totals import set_built

	for report in (
		"Complaint Aging",
		"Complaint Statistics",
		"Concealment Audit",
		"Return Visit Coverage",
		"Technician Performance",
	):
		filters = frappe._dict(report_filters(report, context))
		set_built(None)
		try:
			_result, seconds = timed(lambda: run_report(report, filters=filters, ignore_prepared_report=True))
		finally:
			frappe.db.rollback()
			frappe.clear_cache()
		print(f"{report} read from the documents instead of its day totals: {seconds:.3f} s")


# The reports that list documents (a ledger, a warehouse's queue, warranty jobs one by one: Warranty
# Cost's default grouping) rather than add them up: every row they read is a row of their output, so
# reading the rows into Python is no slower than the report, and 25x over it cannot be. They are held
# to their floor instead: at most twice the bare SELECTs of their rows.
LISTINGS = ("Exchange Ledger", "Parts to Issue", "Warranty Cost")


def is_listing(r) -> bool:
	return r.name in LISTINGS


def print_results(results):
	print()
	print(
		f"{'report / number card':<34}{'rows read':>11}{'out':>8}{'time':>9}{'floor':>8}{'x floor':>8}"
		f"{'baseline':>10}{'ratio':>9}  same"
	)
	for r in results:
		ratio = r.baseline / r.seconds if r.seconds else float("inf")
		over_floor = r.seconds / r.floor if r.get("floor") else None
		flags = []
		if r.kind == "report" and is_listing(r):
			flags.append("a listing: " + ("within 2x its floor" if over_floor <= 2 else "OVER 2x its floor"))
		elif r.kind == "report" and ratio < 25:
			flags.append("below 25x")
		if r.seconds >= 2:
			flags.append("over 2 s")
		print(
			f"{r.name:<34}{r.rows:>11,}{r.output_rows:>8,}{r.seconds:>8.3f}s"
			+ (f"{r.floor:>7.3f}s{over_floor:>7.1f}x" if over_floor else f"{'':>15}")
			+ f"{r.baseline:>9.2f}s{ratio:>8.1f}x"
			f"  {'yes' if r.same else f'NO: {r.got!r} != {r.expected!r}'}"
			+ (f"  ({', '.join(flags)})" if flags else "")
		)
	reports = [r for r in results if r.kind == "report"]
	summing = [r for r in reports if not is_listing(r)]
	listings = [r for r in reports if is_listing(r)]
	print(
		f"reports: {sum(r.seconds for r in reports):.2f} s in all, slowest {max(r.seconds for r in reports):.3f} s; "
		f"those that add up: lowest ratio {min(r.baseline / r.seconds for r in summing):.1f}x (target >= 25x); "
		+ (
			f"listings: at most {max(r.seconds / r.floor for r in listings):.1f}x their floor (target <= 2x); "
			if listings
			else ""
		)
		+ "each under 2 s"
	)


def table_sizes():
	import frappe

	return {
		name: rows
		for name, rows in frappe.db.sql(
			"select table_name, table_rows from information_schema.tables where table_schema = database()"
		)
	}


def print_explains(results):
	import frappe

	sizes = table_sizes()
	module_tables = {f"tab{t}" for t in OWN_TABLES} | {
		*("tabGL Entry", "tabStock Entry", "tabDelivery Note", "tabWarranty Registration"),
		*("tabReward and Penalty Entry", "tabSupplier Warranty Claim", "tabNon Conformance"),
		# the day totals the reports read
		*(
			"tabTechnician Performance Day",
			"tabReturn Visit Day",
			"tabComplaint Day",
			"tabAfter Sales Stale Day",
		),
	}
	whole_scans = []
	print()
	print("EXPLAIN of every query each report and card ran on the module's tables")
	for r in results:
		seen = set()
		for query in r.queries:
			query = query.decode() if isinstance(query, bytes) else query
			if not query.lstrip().lower().startswith("select") or query in seen:
				continue
			if not any(f"`{t}`" in query for t in module_tables):
				continue
			seen.add(query)
			plan = frappe.db.sql(f"explain {query}", as_dict=True)
			print(f"\n[{r.name}] {' '.join(query.split())[:600]}")
			for step in plan:
				table = step.table or ""
				large = (sizes.get(table) or 0) > LARGE
				mark = "  <-- whole table" if step.type == "ALL" and large else ""
				if mark:
					whole_scans.append((r.name, table))
				print(
					f"  {step.id!s:>2} {step.select_type:<18} {table:<32} {step.type or '':<7} "
					f"{step.key or '':<34} rows={step.rows or 0:<9} {step.Extra or ''}{mark}"
				)
	print()
	if whole_scans:
		print("whole-table scans: " + "; ".join(f"{name}: {table}" for name, table in whole_scans))
	else:
		print(f"no query reads a whole table of more than {LARGE:,} rows")


# --- the baselines: get_all and Python, as ERPNext's Issue Summary does -----------------------------


def date_filter(field, filters):
	from frappe.utils import add_days

	if filters.get("from_date") and filters.get("to_date"):
		return {field: ("between", (filters.from_date, filters.to_date))}
	return {}


def base_complaint_aging(filters):
	import frappe

	from aftersales_module.policy.complaint import ACTIVE_STATUSES, AGE_BUCKETS

	rows = frappe.get_all(
		"Complaint Record",
		filters={
			"status": ("in", ACTIVE_STATUSES),
			"company": filters.company,
			**date_filter("registered_on", filters),
		},
		fields=["registered_on", "is_overdue", "severity", "escalation_level"],
	)
	today = frappe.utils.getdate()
	buckets = defaultdict(Counter)
	for row in rows:
		age = (today - row.registered_on.date()).days
		label = next(label for _low, high, label in AGE_BUCKETS if high is None or age <= high)
		bucket = buckets[label]
		bucket["open"] += 1
		bucket["overdue"] += row.is_overdue
		bucket["major"] += row.severity == "Major"
		bucket["escalated"] += row.escalation_level > 0
	return len(rows), [
		(b["open"], b["overdue"], b["major"], b["escalated"])
		for b in (buckets[label] for *_x, label in AGE_BUCKETS)
	]


def base_complaint_statistics(filters):
	import frappe

	rows = frappe.get_all(
		"Complaint Record",
		filters={"company": filters.company, **date_filter("registered_on", filters)},
		fields=["complaint_category", "is_repeat", "is_overdue", "validity"],
	)
	groups = defaultdict(Counter)
	for row in rows:
		group = groups[row.complaint_category or ""]
		group["count"] += 1
		group["repeats"] += row.is_repeat
		group["overdue"] += row.is_overdue
		group["invalid"] += row.validity == "Invalid"
	return len(rows), sorted((g["count"], g["repeats"], g["overdue"], g["invalid"]) for g in groups.values())


def base_concealment_audit(filters):
	import frappe

	rows = frappe.get_all(
		"Complaint Record",
		filters={"is_overdue": 1, "company": filters.company, **date_filter("registered_on", filters)},
		fields=["name", "handler"],
	)
	reported = set(
		frappe.get_all(
			"Complaint Record Escalation",
			filters={"parenttype": "Complaint Record", "is_manual": 1},
			pluck="parent",
		)
	)
	handlers = defaultdict(Counter)
	for row in rows:
		handlers[row.handler]["overdue"] += 1
		handlers[row.handler]["not_escalated"] += row.name not in reported
	return len(rows) + len(reported), sorted((h["overdue"], h["not_escalated"]) for h in handlers.values())


def base_exchange_ledger(filters):
	import frappe

	rows = frappe.get_all(
		"Product Exchange",
		filters={"docstatus": 1, "company": filters.company},
		fields=["name", "posting_date", "customer", "item_code", "delivery_note", "return_entry"],
		order_by="posting_date, name",
	)
	notes = {row.delivery_note for row in rows if row.delivery_note}
	entries = {row.return_entry for row in rows if row.return_entry}
	shipped = (
		set(frappe.get_all("Delivery Note", filters={"name": ("in", notes), "docstatus": 1}, pluck="name"))
		if notes
		else set()
	)
	received = (
		set(frappe.get_all("Stock Entry", filters={"name": ("in", entries), "docstatus": 1}, pluck="name"))
		if entries
		else set()
	)
	return len(rows), (
		len(rows),
		sum(r.delivery_note in shipped for r in rows),
		sum(r.return_entry in received for r in rows),
	)


def base_key_part_failure_trend(filters):
	import frappe
	from frappe.utils import add_days

	from aftersales_module.aftersales_module.report.key_part_failure_trend.key_part_failure_trend import (
		DONE,
		VOID,
	)
	from aftersales_module.policy import key_parts as policy

	months = policy.months_between(
		frappe.utils.getdate(filters.from_date), frappe.utils.getdate(filters.to_date)
	)
	month_ends = [(policy.month_key(month), policy.month_end(month)) for month in months]
	start, end = months[0], add_days(policy.month_end(months[-1]), 1)
	thresholds = dict(
		frappe.get_all(
			"Item", filters={"is_key_part": 1}, fields=["name", "key_part_failure_threshold"], as_list=True
		)
	)
	# every key part used on a completed job: the failures, and the products it has been used on
	used = (
		frappe.get_all(
			"Repair Job",
			filters=[
				["Repair Job Part", "item_code", "in", list(thresholds)],
				["Repair Job", "status", "in", DONE],
			],
			fields=[
				"name",
				"company",
				"completed_on",
				"`tabRepair Job`.item_code as product",
				"`tabRepair Job Part`.item_code as part",
				"`tabRepair Job Part`.issued_qty",
				"`tabRepair Job Part`.returned_qty",
			],
		)
		if thresholds
		else []
	)
	failed = defaultdict(Counter)
	jobs = defaultdict(set)
	products = defaultdict(set)
	for row in used:
		if (row.issued_qty or 0) <= (row.returned_qty or 0):
			continue
		if row.product:
			products[row.part].add(row.product)
		if row.company == filters.company and row.completed_on and start <= row.completed_on.date() < end:
			key = (row.company, row.completed_on.strftime("%Y-%m"), row.part)
			failed[key]["failures"] += policy.failure_qty(row.issued_qty, row.returned_qty)
			jobs[key].add(row.name)
	# the products whose default, active, submitted BOM lists the part, at any level
	boms = []
	for child in ("BOM Item", "BOM Explosion Item") if thresholds else ():
		boms += frappe.get_all(
			"BOM",
			filters=[
				[child, "item_code", "in", list(thresholds)],
				["BOM", "is_active", "=", 1],
				["BOM", "is_default", "=", 1],
				["BOM", "docstatus", "=", 1],
			],
			fields=["item", f"`tab{child}`.item_code as part"],
		)
	for row in boms:
		products[row.part].add(row.item)
	contained = defaultdict(set)
	for part, items in products.items():
		for product in items:
			contained[product].add(part)
	registrations = (
		frappe.get_all(
			"Warranty Registration",
			filters={
				"status": ("!=", VOID),
				"company": filters.company,
				"item_code": ("in", list(contained)),
				"start_date": ("<=", month_ends[-1][1]),
				"end_date": (">=", month_ends[0][1]),
			},
			fields=["company", "item_code", "qty", "start_date", "end_date"],
		)
		if contained
		else []
	)
	units = Counter()
	for reg in registrations:
		for month, month_end in month_ends:
			if reg.start_date and reg.end_date and reg.start_date <= month_end <= reg.end_date:
				for part in contained[reg.item_code]:
					units[(reg.company, month, part)] += reg.qty if (reg.qty or 0) > 0 else 1
	totals = []
	for key in set(failed) | set(units):
		failures, in_field = float(failed[key]["failures"]), float(units[key])
		rate = policy.failure_rate(failures, in_field)
		totals.append(
			(
				*key,
				round(failures, 2),
				len(jobs[key]),
				round(in_field, 2),
				int(policy.over_threshold(rate, thresholds.get(key[2]))),
			)
		)
	return len(thresholds) + len(used) + len(boms) + len(registrations), sorted(totals)


def base_parts_to_issue(filters):
	import frappe

	from aftersales_module.policy.repair import WORKING_STATUSES

	jobs = frappe.get_all(
		"Repair Job", filters={"status": ("in", WORKING_STATUSES), "company": filters.company}, pluck="name"
	)
	parts = (
		frappe.get_all(
			"Repair Job Part",
			filters={"parent": ("in", jobs), "parenttype": "Repair Job"},
			fields=["parent", "item_code", "warehouse", "qty", "issued_qty", "returned_qty"],
		)
		if jobs
		else []
	)
	to_issue = Counter()
	for part in parts:
		to_issue[(part.parent, part.item_code, part.warehouse)] += (
			part.qty - part.issued_qty + part.returned_qty
		)
	return len(jobs) + len(parts), (
		sum(1 for v in to_issue.values() if v > 0),
		float(sum(v for v in to_issue.values() if v > 0)),
	)


def base_renewal_rate(filters):
	import frappe

	rows = frappe.get_all(
		"Maintenance Contract",
		filters={
			"docstatus": 1,
			"status": ("in", ("Active", "Expiring", "Expired", "Renewed")),
			"company": filters.company,
			**date_filter("end_date", filters),
		},
		fields=["end_date", "renewed_to"],
	)
	months = defaultdict(Counter)
	for row in rows:
		month = months[row.end_date.strftime("%Y-%m")]
		month["ending"] += 1
		month["renewed"] += bool(row.renewed_to)
	return len(rows), [(m, c["ending"], c["renewed"]) for m, c in sorted(months.items())]


def base_return_visit_coverage(filters):
	import frappe

	to_date = min(frappe.utils.getdate(filters.to_date), frappe.utils.getdate())
	rows = frappe.get_all(
		"Return Visit",
		filters={"company": filters.company, "due_date": ("between", (filters.from_date, to_date))},
		fields=["due_date", "status", "satisfied"],
	)
	months = defaultdict(Counter)
	for row in rows:
		month = months[row.due_date.strftime("%Y-%m")]
		month["due"] += 1
		month[row.status] += 1
		month["satisfied"] += row.status == "Done" and row.satisfied
	return len(rows), [
		(m, c["due"], c["Done"], c["Missed"], c["Open"], c["satisfied"]) for m, c in sorted(months.items())
	]


def base_reward_and_penalty_summary(filters):
	import frappe

	from aftersales_module.policy.accountability import FINE, REWARD

	rows = frappe.get_all(
		"Reward and Penalty Entry",
		filters={"docstatus": 1, "company": filters.company, **date_filter("posting_date", filters)},
		fields=["posting_date", "employee", "department", "kind", "amount"],
	)
	groups = defaultdict(Counter)
	for row in rows:
		group = groups[(row.posting_date.strftime("%Y-%m"), row.employee, row.department)]
		group["fines"] += float(row.amount or 0) if row.kind == FINE else 0
		group["rewards"] += float(row.amount or 0) if row.kind == REWARD else 0
		group["count"] += 1
	return len(rows), sorted(
		(month, employee or "", department or "", round(g["fines"], 2), round(g["rewards"], 2), g["count"])
		for (month, employee, department), g in groups.items()
	)


def base_supervisor_daily_summary(filters):
	import frappe
	from frappe.utils import add_days, get_datetime

	manager = frappe.db.get_value("Employee", {"user_id": filters.supervisor, "status": "Active"})
	team = frappe.get_all(
		"Employee",
		filters={
			"reports_to": manager,
			"status": "Active",
			"company": filters.company,
			"user_id": ("is", "set"),
		},
		pluck="user_id",
	)
	start = get_datetime(filters.report_date)
	end = get_datetime(add_days(filters.report_date, 1))
	jobs = frappe.get_all(
		"Repair Job",
		filters=[
			["Repair Job Technician", "user", "in", team],
			["Repair Job", "company", "=", filters.company],
		],
		or_filters=[
			["Repair Job", "appointment", ">=", start],
			["Repair Job", "completed_on", ">=", start],
			["Repair Job", "status", "in", ("Open", "Dispatched", "In Progress", "Awaiting Parts")],
		],
		fields=[
			"name",
			"appointment",
			"completed_on",
			"status",
			"first_time_fix",
			"`tabRepair Job Technician`.user as tech",
		],
	)
	per = defaultdict(lambda: defaultdict(set))
	for job in jobs:
		in_day = lambda value: value is not None and start <= value < end  # noqa: E731
		if in_day(job.appointment) or in_day(job.completed_on):
			per[job.tech]["jobs"].add(job.name)
		if job.status in ("Open", "Dispatched", "In Progress", "Awaiting Parts"):
			per[job.tech]["pending"].add(job.name)
	reports = frappe.get_all(
		"Technician Daily Report",
		filters={"report_date": filters.report_date, "docstatus": ("<", 2), "technician": ("in", team)},
		fields=["technician", "total_hours"],
	)
	return len(jobs) + len(reports), (
		len(team),
		sum(len(per[u]["jobs"]) for u in team),
		sum(len(per[u]["pending"]) for u in team),
		round(sum(float(r.total_hours) for r in reports), 2),
	)


def base_technician_performance(filters):
	import frappe
	from frappe.utils import add_days, getdate

	date_range = date_filter("completed_on", filters)
	jobs = frappe.get_all(
		"Repair Job",
		filters={"company": filters.company, "completed_on": ("is", "set"), **date_range},
		fields=[
			"name",
			"completed_on",
			"first_time_fix",
			"serial_no",
			"`tabRepair Job Technician`.user as tech",
		],
	)
	per = defaultdict(Counter)
	done = set()
	for job in jobs:
		key = (job.tech, job.completed_on.strftime("%Y-%m"))
		if (key, job.name) not in done:
			done.add((key, job.name))
			per[key]["jobs"] += 1
			per[key]["first_time_fixes"] += job.first_time_fix
	# repeat repairs: another job on the serial opened within 30 days of completion
	later = defaultdict(list)
	for row in frappe.get_all(
		"Repair Job",
		filters={
			"serial_no": ("is", "set"),
			"posting_date": ("between", (filters.from_date, add_days(filters.to_date, 31))),
		},
		fields=["name", "serial_no", "posting_date", "creation"],
	):
		later[row.serial_no].append(row)
	repeats = set()
	for job in jobs:
		if not job.serial_no:
			continue
		for other in later.get(job.serial_no, ()):
			if (
				other.name != job.name
				and job.completed_on.date() <= other.posting_date <= add_days(job.completed_on.date(), 30)
				and other.creation > job.completed_on
			):
				repeats.add(((job.tech, job.completed_on.strftime("%Y-%m")), job.name))
				break
	for key, _name in repeats:
		per[key]["repeat_repairs"] += 1
	lines = frappe.get_all(
		"Technician Daily Report",
		filters={"docstatus": 1, "company": filters.company, **date_filter("report_date", filters)},
		fields=[
			"technician",
			"report_date",
			"`tabTechnician Daily Report Line`.hours",
			"`tabTechnician Daily Report Line`.travel_hours",
		],
	)
	for line in lines:
		per[(line.technician, line.report_date.strftime("%Y-%m"))]["hours"] += float(
			(line.hours or 0) + (line.travel_hours or 0)
		)
	users = dict(
		frappe.get_all(
			"Employee", filters={"user_id": ("is", "set")}, fields=["name", "user_id"], as_list=True
		)
	)
	complaints = frappe.get_all(
		"Complaint Record",
		filters={
			"company": filters.company,
			"responsible_employee": ("is", "set"),
			**date_filter("registered_on", filters),
		},
		fields=["responsible_employee", "registered_on"],
	)
	for row in complaints:
		if users.get(row.responsible_employee):
			per[(users[row.responsible_employee], row.registered_on.strftime("%Y-%m"))]["complaints"] += 1
	visits = frappe.get_all(
		"Return Visit",
		filters={
			"status": "Done",
			"technician": ("is", "set"),
			"company": filters.company,
			**date_filter("service_date", filters),
		},
		fields=["technician", "service_date", "average_rating"],
	)
	for row in visits:
		per[(row.technician, row.service_date.strftime("%Y-%m"))]["visits"] += 1
	rows = len(jobs) + sum(len(v) for v in later.values()) + len(lines) + len(complaints) + len(visits)
	kept = [v for k, v in per.items() if k[0]]
	return rows, (
		len(kept),
		*(sum(v[key] for v in kept) for key in ("jobs", "repeat_repairs", "complaints", "visits")),
	)


def base_warranty_cost(filters):
	import frappe

	from aftersales_module.aftersales_module.report.warranty_cost.warranty_cost import COMPANY_PAID
	from aftersales_module.settings import get_settings

	jobs = frappe.get_all(
		"Repair Job",
		filters={
			"service_class": ("in", COMPANY_PAID),
			"company": filters.company,
			**date_filter("posting_date", filters),
		},
		fields=[
			"name",
			"posting_date",
			"service_class",
			"customer",
			"item_code",
			"serial_no",
			"product_warranty_claim",
			"labour_total",
		],
		order_by="posting_date, name",
	)
	ledger = frappe.get_all(
		"GL Entry",
		filters={
			"account": get_settings().warranty_expense_account,
			"is_cancelled": 0,
			"voucher_type": "Stock Entry",
			**date_filter("posting_date", filters),
		},
		fields=["voucher_no", "debit", "credit"],
	)
	entry_job = (
		dict(
			frappe.get_all(
				"Stock Entry",
				filters={"name": ("in", {g.voucher_no for g in ledger}), "repair_job": ("is", "set")},
				fields=["name", "repair_job"],
				as_list=True,
			)
		)
		if ledger
		else {}
	)
	cost = Counter()
	for g in ledger:
		if g.voucher_no in entry_job:
			cost[entry_job[g.voucher_no]] += g.debit - g.credit
	total = sum(float(cost.get(job.name, 0) + job.labour_total) for job in jobs)
	return len(jobs) + len(ledger), (len(jobs), round(total, 2))


BASELINES = {
	"Complaint Aging": base_complaint_aging,
	"Complaint Statistics": base_complaint_statistics,
	"Concealment Audit": base_concealment_audit,
	"Exchange Ledger": base_exchange_ledger,
	"Key Part Failure Trend": base_key_part_failure_trend,
	"Parts to Issue": base_parts_to_issue,
	"Renewal Rate": base_renewal_rate,
	"Return Visit Coverage": base_return_visit_coverage,
	"Reward and Penalty Summary": base_reward_and_penalty_summary,
	"Supervisor Daily Summary": base_supervisor_daily_summary,
	"Technician Performance": base_technician_performance,
	"Warranty Cost": base_warranty_cost,
}

# What each report's output comes to, in the shape its baseline returns.
REPORT_TOTALS = {
	"Complaint Aging": lambda rows: [(r["open"], r["overdue"], r["major"], r["escalated"]) for r in rows],
	"Complaint Statistics": lambda rows: sorted(
		(r["count"], r["repeats"], r["overdue"], r["invalid"]) for r in rows
	),
	"Concealment Audit": lambda rows: sorted((r["overdue"], r["not_escalated"]) for r in rows),
	"Exchange Ledger": lambda rows: (
		len(rows),
		sum(bool(r["shipped"]) for r in rows),
		sum(bool(r["received"]) for r in rows),
	),
	"Key Part Failure Trend": lambda rows: sorted(
		(
			r["company"],
			r["month"],
			r["item_code"],
			round(float(r["failures"]), 2),
			r["jobs"],
			round(float(r["units_in_field"]), 2),
			r["over_threshold"],
		)
		for r in rows
	),
	"Parts to Issue": lambda rows: (len(rows), float(sum(r["to_issue"] for r in rows))),
	"Renewal Rate": lambda rows: [(r["value"], r["ending"], r["renewed"]) for r in rows],
	"Return Visit Coverage": lambda rows: [
		(r["month"], r["due"], r["visited"], r["missed"], r["open"], r["satisfied"]) for r in rows
	],
	# the report adds a total row (a list) after its rows
	"Reward and Penalty Summary": lambda rows: sorted(
		(
			r["month"],
			r["employee"] or "",
			r["department"] or "",
			round(r["fines"], 2),
			round(r["rewards"], 2),
			r["count"],
		)
		for r in rows
		if isinstance(r, dict)
	),
	"Supervisor Daily Summary": lambda rows: (
		len(rows),
		sum(r["jobs"] for r in rows),
		sum(r["pending"] for r in rows),
		round(sum(r["hours"] for r in rows), 2),
	),
	"Technician Performance": lambda rows: (
		len(rows),
		sum(r["jobs"] for r in rows),
		sum(r["repeat_repairs"] for r in rows),
		sum(r["complaints"] for r in rows),
		sum(r["visits"] for r in rows),
	),
	"Warranty Cost": lambda rows: (len(rows), round(sum(float(r["total_cost"]) for r in rows), 2)),
}


def card_open_complaints(context, overdue=False):
	import frappe

	from aftersales_module.policy.complaint import ACTIVE_STATUSES

	rows = frappe.get_all(
		"Complaint Record",
		filters={"status": ("in", ACTIVE_STATUSES), **({"is_overdue": 1} if overdue else {})},
		fields=["name", "status"],
	)
	return len(rows), len(rows)


def card_escalated_today(context):
	import frappe

	rows = frappe.get_all(
		"Complaint Record",
		filters={"last_escalated_at": ("between", (context.today, context.today))},
		fields=["name", "last_escalated_at"],
	)
	return len(rows), len(rows)


def card_expiring(context):
	import frappe
	from frappe.utils import add_days

	rows = frappe.get_all(
		"Maintenance Contract",
		filters={"docstatus": 1, "status": ("in", ("Active", "Expiring"))},
		fields=["name", "end_date"],
	)
	end = add_days(context.today, 90)
	return len(rows), sum(1 for row in rows if context.today <= row.end_date <= end)


def card_overdue_visits(context):
	import frappe

	submitted = set(frappe.get_all("Maintenance Contract", filters={"docstatus": 1}, pluck="name"))
	visits = frappe.get_all("Maintenance Contract Visit", filters={"status": "Overdue"}, fields=["parent"])
	return len(submitted) + len(visits), sum(1 for v in visits if v.parent in submitted)


def card_coverage(context):
	import frappe

	from aftersales_module.policy import visits as policy

	rows = frappe.get_all(
		"Return Visit",
		filters={"due_date": ("between", (context.today.replace(day=1), context.today))},
		fields=["status"],
	)
	return len(rows), policy.rate(sum(1 for r in rows if r.status == policy.DONE), len(rows)) or 0


def card_fines_awaiting_approval(context):
	import frappe

	from aftersales_module.policy.accountability import FINE

	rows = frappe.get_all("Reward and Penalty Entry", filters={"docstatus": 0}, fields=["name", "kind"])
	return len(rows), sum(1 for row in rows if row.kind == FINE)


def card_key_parts_over_threshold(context):
	import frappe

	from aftersales_module.tasks.key_parts import NON_CONFORMANCE, OPEN

	rows = frappe.get_all(NON_CONFORMANCE, filters={"status": OPEN}, fields=["name", "aftersales_key_part"])
	return len(rows), sum(1 for row in rows if row.aftersales_key_part)


def card_supplier_claims(context):
	import frappe

	from aftersales_module.policy.supplier_claims import CLAIMED

	rows = frappe.get_all(
		"Supplier Warranty Claim", filters={"docstatus": 1, "status": CLAIMED}, fields=["name", "status"]
	)
	return len(rows), len(rows)


CARD_BASELINES = {
	"Complaints Escalated Today": card_escalated_today,
	"Contracts Expiring in 90 Days": card_expiring,
	"Fines Awaiting Approval": card_fines_awaiting_approval,
	"Key Parts Over Threshold": card_key_parts_over_threshold,
	"Open Complaints": card_open_complaints,
	"Overdue Complaints": lambda context: card_open_complaints(context, overdue=True),
	"Overdue Contract Visits": card_overdue_visits,
	"Return Visit Coverage": card_coverage,
	"Supplier Claims Awaiting Answer": card_supplier_claims,
}


if __name__ == "__main__":
	sys.exit(main())
