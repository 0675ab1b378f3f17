"""The load harness's work inside the site, run with the bench's Python from the bench's sites folder
by `benchmarks/load/run` (never by hand, though it can be):

	site_tasks.py prepare   --site S --run-dir D ...  users with API keys, stock, a backlog, settings
	site_tasks.py scheduler --site S                    the site's scheduler, for this site only
	site_tasks.py sweeper   --site S --run-dir D ...  the sweeps every ~30 s onto RQ, and the fault
	site_tasks.py check     --site S --run-dir D      final sweeps, the checks, the verdict
	site_tasks.py restore   --site S --run-dir D      the settings and scheduler as they were

Everything it learns or decides is written as JSON into the run folder, so the steps (separate
processes) and the Locust users share it."""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

SWEEPS = {
	# short name: dotted path (aftersales_module/hooks.py scheduler_events)
	"escalation": "aftersales_module.tasks.escalation.sweep",
	"contracts": "aftersales_module.tasks.contracts.daily",
	"return_visits": "aftersales_module.tasks.return_visits.daily",
}
WEBHOOKS = "aftersales_module.escalation.notify.deliver_webhooks"
EMAIL_DOMAIN = "aftersales-load.example"
# Locust user classes and their weights (locustfile.py reads the same table from users.json)
ROLES = {
	"clerk": (("After Sales User",), 14),
	"technician": (("Service Technician",), 16),
	"storekeeper": (("Stock User",), 5),
	"visit_staff": (("Return Visit Staff",), 6),
	"manager": (("After Sales Manager", "After Sales User"), 9),
}
STOCK_FLOOR = 5000
RUN_TAG = "[load:{run}]"


# ------------------------------------------------------------------------------------ helpers
def connect(site: str):
	import frappe

	frappe.init(site=site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	return frappe


def disconnect():
	import frappe

	try:
		frappe.db.rollback()
	except Exception:
		pass
	frappe.destroy()


def read_json(path: Path, default=None):
	return json.loads(path.read_text()) if path.exists() else default


def write_json(path: Path, data) -> None:
	tmp = path.with_suffix(".tmp")
	tmp.write_text(json.dumps(data, indent=1, default=str))
	tmp.replace(path)


def log(message: str) -> None:
	print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def innodb_status(frappe) -> str:
	"""SHOW ENGINE INNODB STATUS needs the PROCESS privilege, which a site's user lacks: as the
	bench's database root (common_site_config.json) when the site's user cannot."""
	try:
		return frappe.db.sql("show engine innodb status")[0][2]
	except Exception:
		import pymysql

		conf = frappe.get_conf()
		try:
			conn = pymysql.connect(
				host=conf.db_host or "127.0.0.1",
				port=int(conf.db_port or 3306),
				user=conf.root_login or "root",
				password=conf.root_password or "",
			)
			with conn.cursor() as cursor:
				cursor.execute("show engine innodb status")
				return cursor.fetchone()[2]
		except Exception as error:
			return f"LATEST DETECTED DEADLOCK\n*** (not readable: {error})\nTRANSACTIONS\n"


def innodb_deadlocks(frappe) -> int:
	return int(frappe.db.sql("show global status like 'Innodb_deadlocks'")[0][1])


# ------------------------------------------------------------------------------------ prepare
def accounts_per_role(users: int) -> dict[str, int]:
	total = sum(weight for _roles, weight in ROLES.values())
	return {kind: -(-users * weight // total) + 1 for kind, (_roles, weight) in ROLES.items()}


def ensure_users(frappe, users: int, password: str) -> dict[str, list[dict]]:
	"""N users per kind (load-<kind>-NNN@aftersales-load.example), each with its roles, the password
	and a new API key and secret (token auth: no CSRF, no login per simulated user)."""
	from frappe.utils.password import set_encrypted_password, update_password

	out = {}
	for kind, count in accounts_per_role(users).items():
		roles = ROLES[kind][0]
		out[kind] = []
		for i in range(1, count + 1):
			email = f"load-{kind.replace('_', '-')}-{i:03d}@{EMAIL_DOMAIN}"
			if not frappe.db.exists("User", email):
				user = frappe.get_doc(
					{
						"doctype": "User",
						"email": email,
						"first_name": f"Load {kind.replace('_', ' ').title()} {i:03d}",
						"user_type": "System User",
						"send_welcome_email": 0,
						"language": "en",
						"roles": [{"role": role} for role in roles],
					}
				)
				user.flags.ignore_permissions = True
				user.insert()
			else:
				have = set(frappe.get_roles(email))
				missing = [role for role in roles if role not in have]
				if missing:
					user = frappe.get_doc("User", email)
					user.add_roles(*missing)
				frappe.db.set_value("User", email, "enabled", 1, update_modified=False)
			key, secret = frappe.generate_hash(length=15), frappe.generate_hash(length=15)
			frappe.db.set_value("User", email, "api_key", key, update_modified=False)
			set_encrypted_password("User", email, secret, "api_secret")
			update_password(email, password)
			out[kind].append({"login": email, "api_key": key, "api_secret": secret})
	frappe.db.commit()
	# the return-visit Assignment Rule follows the users holding Return Visit Staff
	from aftersales_module.tasks.return_visits import sync_assignment_users

	sync_assignment_users()
	frappe.db.commit()
	return out


def ensure_stock(frappe, company: str, warehouse: str, items: list[str]) -> list[str]:
	"""Enough of every spare part in the spare-parts warehouse for a run: a submitted Material
	Receipt tops up whatever is below STOCK_FLOOR."""
	made = []
	rows = []
	for item in items:
		qty = frappe.db.get_value("Bin", {"item_code": item, "warehouse": warehouse}, "actual_qty") or 0
		if qty < STOCK_FLOOR:
			rate = frappe.db.get_value("Item", item, "valuation_rate") or 10
			rows.append(
				{"item_code": item, "qty": 2 * STOCK_FLOOR, "t_warehouse": warehouse, "basic_rate": rate}
			)
	if rows:
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"purpose": "Material Receipt",
				"company": company,
				"remarks": "aftersales load harness: spare parts for simulated repair jobs",
				"items": rows,
			}
		)
		entry.insert()
		entry.submit()
		made.append(entry.name)
		frappe.db.commit()
	return made


def insert_backlog(frappe, count: int, run: str, label: str) -> int:
	"""`count` open complaints registered six days ago, due for their first escalation, written in
	bulk as benchmarks/escalation_sweep.py does (the sweeps then have real work under load)."""
	from frappe.utils import add_days, now_datetime

	if count <= 0:
		return 0
	policy = frappe.db.get_value(
		"Escalation Policy",
		{"document_type": "Complaint Record", "severity": ("in", ("", None)), "enabled": 1},
	)
	if not policy:
		return 0
	company = frappe.db.get_value("Company", {}, "name")
	registered = add_days(now_datetime(), -6)
	fields = [
		"name", "creation", "modified", "owner", "modified_by", "docstatus", "naming_series", "subject",
		"complainant_name", "company", "channel", "status", "severity", "validity", "company_fault",
		"compensation_type", "registered_on", "escalation_clock_start", "escalation_policy",
		"escalation_level", "deadline", "next_escalation_at", "handler",
	]  # fmt: skip
	rows = [
		(
			f"LOAD-{run}-{label}-{i:05d}",
			registered,
			registered,
			"Administrator",
			"Administrator",
			0,
			"CR-.YYYY.-.MM.-.#####",
			f"Load backlog {label} {i} {RUN_TAG.format(run=run)}",
			"Load backlog customer",
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
		for i in range(count)
	]
	frappe.db.bulk_insert("Complaint Record", fields, rows, chunk_size=5000)
	frappe.db.commit()
	return count


def set_webhook(frappe, url: str | None, secret: str | None, hosts: str | None) -> None:
	settings = frappe.get_single("After Sales Settings")
	settings.alert_webhook_url = url
	settings.webhook_allowed_hosts = hosts
	settings.alert_webhook_secret = secret
	settings.flags.ignore_permissions = True
	settings.save()
	frappe.db.commit()


def prepare(args) -> int:
	run_dir = Path(args.run_dir)
	frappe = connect(args.site)
	try:
		from frappe.utils import now_datetime

		from aftersales_module.settings import get_settings

		settings = get_settings()
		company = settings.default_company or frappe.db.get_value("Company", {}, "name")
		warehouse = settings.spare_parts_warehouse
		spare_parts = sorted(
			{
				row.item_code
				for row in frappe.get_all(
					"Bin", filters={"warehouse": warehouse, "actual_qty": (">", 0)}, fields=["item_code"]
				)
				if frappe.db.get_value("Item", row.item_code, ["is_stock_item", "has_serial_no"]) == (1, 0)
			}
		)
		if not spare_parts:
			print(f"prepare: no spare parts in stock in {warehouse}; run the demo first")
			return 1
		made = ensure_stock(frappe, company, warehouse, spare_parts)
		users = ensure_users(frappe, args.users, args.password)
		customers = frappe.get_all(
			"Customer", filters={"disabled": 0, "name": ("not like", "\\_%")}, pluck="name", limit=20
		)
		departments = frappe.get_all(
			"Department", filters={"is_group": 0, "company": company}, pluck="name", limit=20
		)
		manager_roles = set(ROLES["manager"][0])
		reports = [
			name
			for name in frappe.get_all("Report", filters={"module": "Aftersales Module"}, pluck="name")
			if manager_roles
			& set(frappe.get_all("Has Role", filters={"parent": name, "parenttype": "Report"}, pluck="role"))
		]
		# what the run changes, to put back at the end
		saved = {
			"enable_scheduler": frappe.db.get_single_value("System Settings", "enable_scheduler"),
			"alert_webhook_url": settings.alert_webhook_url,
			"webhook_allowed_hosts": frappe.db.get_single_value(
				"After Sales Settings", "webhook_allowed_hosts"
			),
			"alert_webhook_secret": frappe.get_single("After Sales Settings").get_password(
				"alert_webhook_secret", raise_exception=False
			),
		}
		write_json(run_dir / "saved_settings.json", saved)
		if args.webhook_url:
			set_webhook(frappe, args.webhook_url, args.webhook_secret, "127.0.0.1")
		frappe.db.set_single_value("System Settings", "enable_scheduler", 1)
		frappe.db.commit()
		backlog = insert_backlog(frappe, args.backlog, args.run, "start")
		baseline = {
			"run": args.run,
			"started_at": str(now_datetime()),
			"innodb_deadlocks": innodb_deadlocks(frappe),
			"error_log_max": frappe.db.sql("select ifnull(max(creation), '1970-01-01') from `tabError Log`")[
				0
			][0],
			"duplicates": duplicate_counts(frappe),
			"time_zone": frappe.db.get_single_value("System Settings", "time_zone"),
		}
		write_json(run_dir / "baseline.json", baseline)
		write_json(
			run_dir / "users.json",
			{
				"run": args.run,
				"tag": RUN_TAG.format(run=args.run),
				"site": args.site,
				"company": company,
				"customers": customers,
				"departments": departments,
				"spare_parts": spare_parts,
				"reports": reports,
				"time_zone": baseline["time_zone"],
				"weights": {kind: weight for kind, (_roles, weight) in ROLES.items()},
				"users": users,
			},
		)
		print(
			f"prepare: {sum(len(v) for v in users.values())} load users with API keys "
			f"({', '.join(f'{len(v)} {k}' for k, v in users.items())}), password set; "
			f"stock top-up {', '.join(made) or 'not needed'}; backlog of {backlog} due complaints; "
			f"scheduler enabled; webhook to {args.webhook_url or 'unchanged'}"
		)
		return 0
	finally:
		disconnect()


def restore(args) -> int:
	run_dir = Path(args.run_dir)
	saved = read_json(run_dir / "saved_settings.json")
	if not saved:
		return 0
	frappe = connect(args.site)
	try:
		frappe.db.set_single_value("System Settings", "enable_scheduler", saved["enable_scheduler"] or 0)
		frappe.db.commit()
		set_webhook(
			frappe, saved["alert_webhook_url"], saved["alert_webhook_secret"], saved["webhook_allowed_hosts"]
		)
		print(
			f"restore: scheduler {'enabled' if saved['enable_scheduler'] else 'disabled'} again, "
			f"alert webhook URL back to {saved['alert_webhook_url'] or '(none)'}"
		)
		return 0
	finally:
		disconnect()


# ------------------------------------------------------------------------------------ scheduler
def scheduler(args) -> int:
	"""Frappe's scheduler loop (frappe.utils.scheduler.start_scheduler, what `bench schedule` runs)
	for this one site: `bench schedule` serves every site of the bench and holds a bench-wide lock."""
	from frappe.utils.scheduler import enqueue_events_for_site

	stop = []
	signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
	log(f"scheduler: ticking every {args.tick} s for {args.site}")
	while not stop:
		try:
			enqueue_events_for_site(args.site)
		except Exception as error:  # keep ticking, as Frappe's loop does
			log(f"scheduler: tick failed: {error}")
		for _ in range(args.tick):
			if stop:
				break
			time.sleep(1)
	return 0


# ------------------------------------------------------------------------------------ sweeper
def rq_workers(frappe):
	from frappe.utils.background_jobs import get_redis_conn
	from rq import Worker

	return Worker.all(connection=get_redis_conn())


def enqueue_sweeps(frappe, run: str, counter: int) -> list[str]:
	"""Each sweep onto the long queue (as the scheduler's *_long events go), unless the previous one
	the sweeper enqueued of that kind is still waiting or running."""
	queued = []
	for short, path in SWEEPS.items():
		job = frappe.enqueue(
			path, queue="long", job_id=f"aftersales-load-{run}-{short}", deduplicate=True, timeout=1500
		)
		if job:
			queued.append(short)
	return queued


def inject_fault(args, run_dir: Path) -> None:
	"""Mid-run: a fresh backlog, an escalation sweep onto the queue, and once an RQ worker is busy
	with it (and has been for `--fault-delay` s), kill -9 that worker and its work horse
	(`kill-worker`; the runner starts a new worker), or restart MariaDB (`restart-db`)."""
	fault = {"mode": args.fault, "started": time.time()}
	frappe = connect(args.site)
	try:
		fault["backlog"] = insert_backlog(frappe, args.fault_backlog, args.run, "fault")
		job_id = f"aftersales-load-{args.run}-fault-sweep"
		frappe.enqueue(SWEEPS["escalation"], queue="long", job_id=job_id, timeout=1500)
		frappe.db.commit()
		full_id = f"{args.site}::{job_id}"
		fault["job_id"] = full_id
		log(f"fault: {fault['backlog']} due complaints added, escalation sweep {full_id} enqueued")
		busy, deadline = None, time.time() + 180
		while time.time() < deadline and not busy:
			for worker in rq_workers(frappe):
				if worker.get_current_job_id() == full_id:
					busy = worker
					break
			else:
				time.sleep(0.05)
		if not busy:
			fault["error"] = "no worker picked up the sweep within 180 s"
			log(f"fault: {fault['error']}")
			return
		fault["busy_since"] = time.time()
		time.sleep(args.fault_delay)
		fault["job_still_running"] = busy.get_current_job_id() == full_id
		if args.fault == "kill-worker":
			pid = int(busy.pid)
			fault["worker"] = busy.name
			fault["worker_pid"] = pid
			children = subprocess.run(
				["pgrep", "-P", str(pid)], capture_output=True, text=True
			).stdout.split()
			fault["horse_pids"] = [int(c) for c in children]
			# the runner starts each worker in its own session: the group is the worker and its horse
			if os.getpgid(pid) == pid:
				os.killpg(pid, signal.SIGKILL)
			else:
				for victim in [*fault["horse_pids"], pid]:
					os.kill(victim, signal.SIGKILL)
			write_json(
				run_dir / "fault.json", {**fault, "ended": time.time()}
			)  # the runner expects this death
			time.sleep(1)
			frappe.db.commit()
			fault["due_right_after"] = left_to_do(frappe)["escalations due, not fired"]
			log(
				f"fault: kill -9 RQ worker {busy.name} (pid {pid}, work horse {fault['horse_pids']}) "
				f"while it ran {full_id} ({args.fault_delay} s in: still running={fault['job_still_running']})"
			)
		else:
			# `service mariadb restart` cannot stop a server whose root needs a password (the init
			# script shuts down through debian.cnf): shut it down with the bench's root password,
			# wait until it is gone, then start it again, and prove it by its Uptime.
			log("fault: MariaDB shutdown, then service mariadb start")
			t0 = time.time()
			admin = [
				"mysqladmin",
				"--user=root",
				f"--password={frappe.conf.get('root_password') or ''}",
				f"--host={frappe.conf.get('db_host') or '127.0.0.1'}",
			]
			outputs = []
			done = subprocess.run([*admin, "shutdown"], capture_output=True, text=True)
			outputs.append(done.stdout + done.stderr)
			# gone means the process has exited, not just stopped answering: a server still writing
			# its buffers holds the data files, and a second one started then fails
			for _ in range(480):
				if subprocess.run(["pgrep", "-x", "mariadbd"], capture_output=True).returncode != 0:
					break
				time.sleep(0.25)
			fault["down_after_seconds"] = round(time.time() - t0, 1)
			# its own session, and no pipe of ours: the run stops its process groups at the end, and
			# the server must outlive the run
			with tempfile.TemporaryFile(mode="w+") as output:
				done = subprocess.run(
					["service", "mariadb", "start"], stdout=output, stderr=output, start_new_session=True
				)
				output.seek(0)
				outputs.append(output.read())
			fault["restart_seconds"] = round(time.time() - t0, 1)
			fault["restart_rc"] = done.returncode
			fault["restart_output"] = "".join(outputs)[-2000:]
			log(f"fault: mariadb restarted in {fault['restart_seconds']} s (rc {done.returncode})")
			disconnect()
			frappe = connect(args.site)
			fault["server_uptime_after"] = int(frappe.db.sql("show global status like 'Uptime'")[0][1])
			fault["due_right_after"] = left_to_do(frappe)["escalations due, not fired"]
	finally:
		fault["ended"] = time.time()
		write_json(run_dir / "fault.json", fault)
		try:
			disconnect()
		except Exception:
			pass


def sweeper(args) -> int:
	run_dir = Path(args.run_dir)
	stop = []
	signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
	started = time.time()
	fault_at = started + args.fault_after if args.fault else None
	counter, log_rows = 0, []
	next_sweep = started + 5
	while not stop:
		now = time.time()
		if fault_at and now >= fault_at:
			fault_at = None
			try:
				inject_fault(args, run_dir)
			except Exception as error:
				log(f"fault: failed: {error!r}")
				write_json(run_dir / "fault.json", {"mode": args.fault, "error": repr(error)})
		if now >= next_sweep:
			counter += 1
			try:
				frappe = connect(args.site)
				try:
					queued = enqueue_sweeps(frappe, args.run, counter)
				finally:
					disconnect()
				log_rows.append({"at": now, "queued": queued})
				log(
					f"sweeper: round {counter}, enqueued {', '.join(queued) or 'nothing (previous still queued)'}"
				)
			except Exception as error:  # the database may be restarting
				log(f"sweeper: round {counter} could not enqueue: {error!r}")
				log_rows.append({"at": now, "error": repr(error)})
			write_json(run_dir / "sweeper.json", log_rows)
			next_sweep = now + args.interval
		time.sleep(0.5)
	return 0


# ------------------------------------------------------------------------------------ checks
ESCALATING = {
	# doctype: (log doctype, active statuses)
	"Complaint Record": "Complaint Record Escalation",
	"Repair Job": "After Sales Escalation Entry",
	"Return Visit": "After Sales Escalation Entry",
}


def duplicate_counts(frappe) -> dict[str, int]:
	"""Rows that would mean something was done twice, counted over the whole site."""
	sql = frappe.db.sql
	out = {}
	out["escalation log rows for a level fired twice"] = sum(
		sql(
			f"""select count(*) from (select parenttype, parent, to_level from `tab{log_doctype}`
			where ifnull(is_manual, 0) = 0 group by parenttype, parent, to_level having count(*) > 1) d"""
		)[0][0]
		for log_doctype in sorted(set(ESCALATING.values()))
	)
	out["reminder logs sent twice"] = sql(
		"""select count(*) from (select 1 from `tabReminder Log` group by reference_doctype,
		reference_name, kind, lead_days having count(*) > 1) d"""
	)[0][0]
	out["return visits made twice"] = sql(
		"""select count(*) from (select 1 from `tabReturn Visit` group by reference_doctype,
		reference_name, visit_kind having count(*) > 1) d"""
	)[0][0]
	out["inspection jobs opened twice for a visit"] = sql(
		"""select count(*) from (select 1 from `tabRepair Job` where ifnull(contract_visit, '') != ''
		group by contract_visit having count(*) > 1) d"""
	)[0][0]
	out["contract periods billed twice"] = sql(
		"""select count(*) from (select 1 from `tabMaintenance Contract Billing`
		where ifnull(sales_invoice, '') != '' group by maintenance_contract, period_start
		having count(*) > 1) d"""
	)[0][0]
	return out


def left_to_do(frappe) -> dict[str, int]:
	"""What a finished sweep leaves at zero."""
	from frappe.utils import add_days, now_datetime, nowdate

	from aftersales_module.escalation.registry import escalatables
	from aftersales_module.settings import get_settings

	sql, now = frappe.db.sql, now_datetime()
	out = {}
	due = 0
	for doctype, config in escalatables().items():
		due += sql(
			f"""select count(*) from `tab{doctype}` where status in %(active)s
			and ifnull(escalation_policy, '') != '' and next_escalation_at <= %(now)s""",
			{"active": list(config.active_statuses), "now": now},
		)[0][0]
	out["escalations due, not fired"] = due
	out["escalation level without its log row"] = sum(
		sql(
			f"""select count(*) from `tab{doctype}` d where ifnull(d.escalation_level, 0) > 0
			and not exists (select 1 from `tab{log_doctype}` l where l.parent = d.name
			and l.parenttype = %(dt)s and l.to_level = d.escalation_level)""",
			{"dt": doctype},
		)[0][0]
		for doctype, log_doctype in ESCALATING.items()
	)
	out["webhook events pending, failed or claimed"] = sum(
		sql(
			f"""select count(*) from `tab{log_doctype}` where webhook_status in ('Pending', 'Failed', 'Sending')
			and ifnull(webhook_attempts, 0) < 10"""
		)[0][0]
		for log_doctype in sorted(set(ESCALATING.values()))
	)
	lead = int(get_settings().get("inspection_job_lead_days") or 7)
	out["contract visits due without an inspection job"] = sql(
		"""select count(*) from `tabMaintenance Contract Visit` v join `tabMaintenance Contract` c
		on c.name = v.parent where v.parenttype = 'Maintenance Contract' and c.docstatus = 1
		and c.status != 'Cancelled' and v.status in ('Planned', 'Overdue')
		and ifnull(v.repair_job, '') = '' and v.planned_date <= %s""",
		add_days(nowdate(), lead),
	)[0][0]
	out["completed jobs without return visits"] = sql(
		"""select count(*) from `tabRepair Job` j where j.status in ('Completed', 'Invoiced', 'Closed')
		and j.completed_on >= %s and not exists (select 1 from `tabReturn Visit` v
		where v.reference_doctype = 'Repair Job' and v.reference_name = j.name)""",
		add_days(nowdate(), -2),
	)[0][0]
	out["open return visits past their last day"] = sql(
		"select count(*) from `tabReturn Visit` where status = 'Open' and last_day < %s", nowdate()
	)[0][0]
	return out


def totals(frappe) -> dict[str, int]:
	sql = frappe.db.sql
	return {
		"escalation log rows": sum(
			sql(f"select count(*) from `tab{t}`")[0][0] for t in sorted(set(ESCALATING.values()))
		),
		"reminder logs": sql("select count(*) from `tabReminder Log`")[0][0],
		"return visits": sql("select count(*) from `tabReturn Visit`")[0][0],
		"inspection jobs": sql("select count(*) from `tabRepair Job` where ifnull(contract_visit, '') != ''")[
			0
		][0],
		"contract billings": sql("select count(*) from `tabMaintenance Contract Billing`")[0][0],
		"webhook events sent": sum(
			sql(f"select count(*) from `tab{t}` where webhook_status = 'Sent'")[0][0]
			for t in sorted(set(ESCALATING.values()))
		),
	}


def snapshot(frappe) -> dict:
	frappe.db.commit()  # a fresh read view
	return {"dups": duplicate_counts(frappe), "left": left_to_do(frappe), "totals": totals(frappe)}


def alive(pid) -> bool:
	"""Whether an RQ worker's process is there (a killed worker stays registered until its TTL)."""
	try:
		os.kill(int(pid), 0)
		return True
	except (OSError, TypeError, ValueError):
		return False


def wait_for_queues(frappe, seconds: int) -> str:
	"""Until the RQ queues are empty and no worker is busy (or `seconds` pass)."""
	from frappe.utils.background_jobs import generate_qname, get_redis_conn
	from rq import Queue

	conn = get_redis_conn()
	deadline = time.time() + seconds
	while True:
		waiting = sum(len(Queue(generate_qname(q), connection=conn)) for q in ("short", "default", "long"))
		busy = [w.name for w in rq_workers(frappe) if w.get_state() == "busy" and alive(w.pid)]
		if not waiting and not busy:
			return "drained"
		if time.time() > deadline:
			return f"still {waiting} queued, {len(busy)} busy after {seconds} s"
		time.sleep(1)


def run_sweeps_now(frappe) -> list[str]:
	"""Each sweep synchronously, as `bench --site S execute <path>` runs it (and commits), then the
	webhook delivery the sweep would have queued."""
	lines = []
	for path in [*SWEEPS.values(), WEBHOOKS]:
		t0 = time.time()
		try:
			result = frappe.get_attr(path)()
			frappe.db.commit()
			lines.append(f"{path}: {result!r} ({time.time() - t0:.1f} s)")
		except Exception as error:
			frappe.db.rollback()
			lines.append(f"{path}: FAILED {error!r}")
	return lines


def created_records(frappe, run_dir: Path, tag: str) -> tuple[list[list], list[str]]:
	"""The records the simulated users created (their POSTs' answers, one JSON line each in
	created-<pid>.jsonl): each must exist, none twice; every row carrying the run's tag must be one
	a user was told about (else a request created it but its answer was lost)."""
	logged = []
	for path in sorted(run_dir.glob("created-*.jsonl")):
		logged += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
	rows, problems = [], []
	by_doctype = defaultdict(list)
	for entry in logged:
		by_doctype[entry["doctype"]].append(entry)
	for doctype, entries in sorted(by_doctype.items()):
		names = Counter(e["name"] for e in entries)
		repeated = [n for n, c in names.items() if c > 1]
		existing = set()
		unique = sorted(names)
		for start in range(0, len(unique), 1000):
			existing |= set(
				frappe.get_all(doctype, filters={"name": ("in", unique[start : start + 1000])}, pluck="name")
			)
		missing = [n for n in unique if n not in existing]
		doubled, orphans = 0, 0
		tagged_field = {"Complaint Record": "subject", "Repair Job": "reported_symptom"}.get(doctype)
		if tagged_field:
			tokens = Counter(e.get("token") for e in entries if e.get("token"))
			in_db = Counter(
				value.split(tag, 1)[1].strip()
				for (value,) in frappe.db.sql(
					f"""select `{tagged_field}` from `tab{doctype}` where `{tagged_field}` like %s
					and name not like 'LOAD-%%'""",
					f"%{tag}%",
				)
			)
			doubled = sum(1 for token, count in in_db.items() if count > 1)
			orphans = sum(1 for token in in_db if token not in tokens)
		rows.append([doctype, len(entries), len(missing), len(repeated), doubled, orphans])
		if missing:
			problems.append(f"{doctype}: {len(missing)} created but missing, e.g. {missing[:5]}")
		if repeated:
			problems.append(
				f"{doctype}: the same name answered to {len(repeated)} POSTs, e.g. {repeated[:5]}"
			)
		if doubled:
			problems.append(f"{doctype}: {doubled} POSTs stored twice")
	return rows, problems


def parts_ledger(frappe, tag: str) -> tuple[int, int, list[str]]:
	"""The run's repair jobs: the issued quantity on each part row equals the submitted Stock
	Entries against it (nothing lost between the entry and the job)."""
	rows = frappe.db.sql(
		"""select p.parent, p.name, p.issued_qty,
			(select ifnull(sum(d.qty), 0) from `tabStock Entry Detail` d join `tabStock Entry` e
			 on e.name = d.parent where d.repair_job_part = p.name and e.docstatus = 1
			 and e.purpose = 'Material Issue') as ledger
		from `tabRepair Job Part` p join `tabRepair Job` j on j.name = p.parent
		where p.parenttype = 'Repair Job' and j.reported_symptom like %s""",
		f"%{tag}%",
		as_dict=True,
	)
	wrong = [
		f"{r.parent}/{r.name}: issued {r.issued_qty:g}, ledger {r.ledger:g}"
		for r in rows
		if abs((r.issued_qty or 0) - r.ledger) > 1e-9
	]
	return len(rows), sum(1 for r in rows if r.ledger), wrong


def error_logs(frappe, since) -> list:
	# request errors are deferred inserts (Redis) until the scheduler's save_to_db: flush them first
	try:
		from frappe.deferred_insert import save_to_db

		save_to_db()
		frappe.db.commit()
	except Exception:
		pass
	return frappe.db.sql(
		"select name, creation, method, error from `tabError Log` where creation > %s order by creation",
		since,
		as_dict=True,
	)


def received_webhooks(run_dir: Path) -> tuple[Counter, int]:
	path = run_dir / "webhooks.jsonl"
	events, bad = Counter(), 0
	if path.exists():
		for line in path.read_text().splitlines():
			entry = json.loads(line)
			bad += 0 if entry.get("signature_ok") else 1
			events.update(entry.get("event_ids") or [])
	return events, bad


def check(args) -> int:
	run_dir = Path(args.run_dir)
	baseline = read_json(run_dir / "baseline.json")
	users = read_json(run_dir / "users.json")
	fault = read_json(run_dir / "fault.json")
	frappe = connect(args.site)
	problems = []
	try:
		drained = wait_for_queues(frappe, args.drain)
		print(f"RQ queues after the run: {drained}")
		before = snapshot(frappe)
		print("final sweeps, synchronously (as `bench --site SITE execute PATH`):")
		for line in run_sweeps_now(frappe):
			print("  " + line)
		wait_for_queues(frappe, 60)
		after = snapshot(frappe)
		run_sweeps_now(frappe)  # a second round: it must find nothing left
		wait_for_queues(frappe, 60)
		again = snapshot(frappe)

		# ---- the table: check, before, after, verdict
		table = []
		if fault and "due_right_after" in fault:
			value = after["left"]["escalations due, not fired"]
			table.append(
				[
					"escalations due right after the fault",
					fault["due_right_after"],
					value,
					"ok" if not value else "FAIL",
				]
			)
		for key, value in after["left"].items():
			ok = value == 0
			table.append([key, before["left"][key], value, "ok" if ok else "FAIL"])
			if not ok:
				problems.append(f"{key}: {value} after the final sweep")
		for key, value in after["dups"].items():
			base = baseline["duplicates"].get(key, 0)
			ok = value <= base
			table.append([key, before["dups"][key], value, "ok" if ok else "FAIL"])
			if not ok:
				problems.append(f"{key}: {value} (before the run: {base})")
		for key, value in after["totals"].items():
			extra = again["totals"][key] - value
			ok = extra == 0
			table.append(
				[
					f"{key} (total; a 2nd final sweep adds {extra})",
					before["totals"][key],
					value,
					"ok" if ok else "FAIL",
				]
			)
			if not ok:
				problems.append(f"a second final sweep still added {extra} {key}")
		events, bad_signatures = received_webhooks(run_dir)
		twice = sum(1 for count in events.values() if count > 1)
		sent_ids = set()
		for log_doctype in sorted(set(ESCALATING.values())):
			sent_ids |= set(
				frappe.db.sql_list(
					f"""select name from `tab{log_doctype}` where webhook_status = 'Sent'
					and webhook_claimed_at >= %s""",
					baseline["started_at"],
				)
			)
		never = len(sent_ids - set(events))
		table.append(["webhook events received twice", "", twice, "ok" if not twice else "FAIL"])
		table.append(["webhook events marked Sent, never received", "", never, "ok" if not never else "FAIL"])
		table.append(
			[
				"webhook deliveries with a bad signature",
				"",
				bad_signatures,
				"ok" if not bad_signatures else "FAIL",
			]
		)
		if twice:
			problems.append(f"{twice} webhook events were POSTed twice")
		if never:
			problems.append(f"{never} webhook events marked Sent never arrived")
		if bad_signatures:
			problems.append(f"{bad_signatures} webhook deliveries had a bad signature")
		width = max(len(row[0]) for row in table)
		print(f"\n{'check':<{width}}  {'before':>8}  {'after':>8}  verdict")
		for name, b, a, verdict in table:
			print(f"{name:<{width}}  {b!s:>8}  {a!s:>8}  {verdict}")
		print(
			"(before/after: around the final synchronous sweeps; duplicates are compared with the site before the run)"
		)

		# ---- records the simulated users created
		rows, record_problems = created_records(frappe, run_dir, users["tag"])
		problems += record_problems
		print(
			f"\n{'created by simulated users':<28} {'logged':>7} {'missing':>8} {'same name':>10} {'stored twice':>13} {'unanswered':>11}"
		)
		for doctype, n, missing, repeated, doubled, orphans in rows:
			print(f"{doctype:<28} {n:>7} {missing:>8} {repeated:>10} {doubled:>13} {orphans:>11}")
		parts_rows, issued, wrong = parts_ledger(frappe, users["tag"])
		print(
			f"repair job part rows of this run: {parts_rows}, {issued} issued; issued qty differing from the ledger: {len(wrong)}"
		)
		if wrong:
			problems.append(f"{len(wrong)} part rows disagree with their Stock Entries, e.g. {wrong[:3]}")

		# ---- deadlocks and the Error Log
		deadlocks = innodb_deadlocks(frappe)
		print(
			f"\nInnodb_deadlocks: {baseline['innodb_deadlocks']} before, {deadlocks} after "
			f"(+{deadlocks - baseline['innodb_deadlocks']}; server-wide, other sites included)"
		)
		if deadlocks > baseline["innodb_deadlocks"]:
			status = innodb_status(frappe)
			section = status.split("LATEST DETECTED DEADLOCK", 1)[-1].split("TRANSACTIONS\n", 1)[0]
			print("  the latest deadlock (SHOW ENGINE INNODB STATUS):")
			for line in section.splitlines():
				if line.startswith(
					("*** (", "*** WE ROLL BACK", "UPDATE", "INSERT", "DELETE", "SELECT", "RECORD LOCKS")
				):
					print("    " + line[:300])
		errors = error_logs(frappe, baseline["error_log_max"])
		by_title = Counter((e.method or "").splitlines()[0][:140] for e in errors)
		print(f"Error Log rows created during the run: {len(errors)}")
		for title, count in by_title.most_common():
			print(f"  {count:>5} x {title}")
		shown = set()
		for entry in errors:
			title = (entry.method or "").splitlines()[0][:140]
			if title in shown or len(shown) >= args.tracebacks:
				continue
			shown.add(title)
			# Frappe's error snapshots list each frame's locals ("          name = value"): leave them out
			lines = [
				line
				for line in (entry.error or "").strip().splitlines()
				if not re.match(r"^ {6,}\w+ = ", line)
			]
			tail = "\n".join(lines[-args.traceback_lines :])
			print(
				f"  --- {entry.name} ({entry.creation}) {title}\n"
				+ "\n".join("    " + l for l in tail.splitlines())
			)
		result = {
			"problems": problems,
			"error_logs": len(errors),
			"deadlocks": deadlocks - baseline["innodb_deadlocks"],
			"records": rows,
			"fault": fault,
		}
		write_json(run_dir / "check.json", result)
		return 0 if not problems else 1
	finally:
		disconnect()


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("step", choices=("prepare", "scheduler", "sweeper", "check", "restore"))
	parser.add_argument("--site", required=True)
	parser.add_argument("--run-dir")
	parser.add_argument("--run", default="run")
	parser.add_argument("--users", type=int, default=50)
	parser.add_argument("--password", default="aftersales-load")
	parser.add_argument("--backlog", type=int, default=2000)
	parser.add_argument("--webhook-url")
	parser.add_argument("--webhook-secret")
	parser.add_argument("--tick", type=int, default=60)
	parser.add_argument("--interval", type=int, default=30)
	parser.add_argument("--fault", choices=("kill-worker", "restart-db"))
	parser.add_argument("--fault-after", type=float, default=150)
	parser.add_argument("--fault-backlog", type=int, default=5000)
	parser.add_argument("--fault-delay", type=float, default=1.0)
	parser.add_argument("--drain", type=int, default=180)
	parser.add_argument("--tracebacks", type=int, default=8)
	parser.add_argument("--traceback-lines", type=int, default=14)
	args = parser.parse_args()
	return {
		"prepare": prepare,
		"scheduler": scheduler,
		"sweeper": sweeper,
		"check": check,
		"restore": restore,
	}[args.step](args)


if __name__ == "__main__":
	sys.exit(main())
