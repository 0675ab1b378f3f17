"""The simulated after-sales department, for Locust (started headless by benchmarks/load/run).

Each simulated user logs in as its own load user (token auth with the API key and secret that
`site_tasks.py prepare` wrote to users.json: no CSRF token, no session per user) and works as the
role does in the app:

- clerk (After Sales User): registers complaints (POST /api/resource/Complaint Record), classifies
  them (the workflow's Classify through frappe.model.workflow.apply_workflow, then a PUT of type,
  severity and validity), assigns them, opens repair jobs and dispatches them to a technician;
- technician (Service Technician): starts and completes the jobs dispatched to them (set_status)
  and drafts and edits the day's daily report (draft_my_report, PUT);
- storekeeper (Stock User): issues the spare parts of jobs in progress (the job's make_parts_issue,
  a draft Material Issue against the job) and submits the Stock Entry; a technician holds no
  Stock Entry rights, so in the app the warehouse issues parts against the job (见单发料);
- visit staff (Return Visit Staff): rates the return visits handed to them (PUT);
- manager (After Sales Manager): opens the module's script reports and list views.

Every request has a name ("clerk: register complaint", ...), so Locust's statistics group by
kind. The names of created records go to created-<pid>.jsonl, and every failed request to
failures-<pid>.jsonl, in the run folder (LOAD_RUN_DIR)."""

import itertools
import json
import os
import random
import threading
import time
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from locust import HttpUser, between, events, task

RUN_DIR = Path(os.environ["LOAD_RUN_DIR"])
SITE = os.environ["LOAD_SITE"]
CONFIG = json.loads((RUN_DIR / "users.json").read_text())
TAG = CONFIG["tag"]
ZONE = ZoneInfo(CONFIG["time_zone"] or "UTC")
PID = os.getpid()
_lock = threading.Lock()
_files = {}
_accounts = {kind: itertools.cycle(rows) for kind, rows in CONFIG["users"].items()}
ACTIVE_TECHNICIANS: list[str] = []
ACTIVE_STOREKEEPERS: list[str] = []


def append(kind: str, entry: dict) -> None:
	with _lock:
		handle = _files.get(kind)
		if handle is None:
			handle = _files[kind] = open(RUN_DIR / f"{kind}-{PID}.jsonl", "a", buffering=1)
		handle.write(json.dumps(entry, default=str) + "\n")


def site_now() -> str:
	return datetime.now(ZONE).strftime("%Y-%m-%d %H:%M:%S")


def token() -> str:
	return uuid.uuid4().hex[:12]


@events.request.add_listener
def record_failure(
	request_type, name, response_time, response_length, response=None, exception=None, **kwargs
):
	if not exception:
		return
	status = getattr(response, "status_code", 0) if response is not None else 0
	exc_type, message, traceback = "", "", ""
	try:
		body = response.json()
		exc_type = body.get("exc_type") or ""
		message = body.get("exception") or body.get("_server_messages") or ""
		exc = body.get("exc")
		if exc:
			traceback = (
				"\n".join(json.loads(exc)) if isinstance(exc, str) and exc.startswith("[") else str(exc)
			)
	except Exception:
		message = (
			(getattr(response, "text", "") or str(exception))[:500]
			if response is not None
			else str(exception)
		)
	append(
		"failures",
		{
			"at": time.time(),
			"name": name,
			"status": status,
			"exc_type": exc_type,
			"message": str(message)[:600],
			"traceback": traceback[-3000:],
			"error": str(exception)[:300],
		},
	)


class AfterSalesUser(HttpUser):
	abstract = True
	kind = ""
	wait_time = between(1, 4)

	def on_start(self):
		with _lock:
			account = next(_accounts[self.kind])
		self.login = account["login"]
		self.client.headers.update(
			{
				"Authorization": f"token {account['api_key']}:{account['api_secret']}",
				"Host": SITE,
				"X-Frappe-Site-Name": SITE,
				"Accept": "application/json",
			}
		)

	# ------------------------------------------------------------------ REST helpers
	def ok(self, response) -> dict | None:
		"""The JSON of a 2xx answer, else None (Locust counts the failure)."""
		if response.status_code // 100 != 2:
			return None
		try:
			return response.json()
		except ValueError:
			return None

	def insert(self, name: str, doctype: str, data: dict, tok: str | None = None) -> str | None:
		body = self.ok(self.client.post(f"/api/resource/{doctype}", json=data, name=name))
		if not body:
			return None
		created = body["data"]["name"]
		append(
			"created",
			{"doctype": doctype, "name": created, "token": tok, "by": self.login, "at": time.time()},
		)
		return created

	def update(self, name: str, doctype: str, docname: str, data: dict) -> dict | None:
		body = self.ok(self.client.put(f"/api/resource/{doctype}/{docname}", json=data, name=name))
		return body and body.get("data")

	def method(self, name: str, path: str, verb: str = "POST", **args):
		if verb == "POST":
			response = self.client.post(f"/api/method/{path}", json=args, name=name)
		else:
			response = self.client.get(f"/api/method/{path}", params=args, name=name)
		body = self.ok(response)
		return body.get("message") if body else None

	def listing(
		self, name: str, doctype: str, filters: list, fields=("name",), limit: int = 20
	) -> list[dict]:
		body = self.ok(
			self.client.get(
				f"/api/resource/{doctype}",
				params={
					"filters": json.dumps(filters),
					"fields": json.dumps(list(fields)),
					"limit_page_length": limit,
					"order_by": f"`tab{doctype}`.creation asc",
				},
				name=name,
			)
		)
		return body["data"] if body else []

	def workflow(self, name: str, doctype: str, docname: str, action: str) -> dict | None:
		return self.method(
			name,
			"frappe.model.workflow.apply_workflow",
			doc=json.dumps({"doctype": doctype, "name": docname}),
			action=action,
		)


class Clerk(AfterSalesUser):
	kind = "clerk"
	weight = CONFIG["weights"]["clerk"]

	def on_start(self):
		super().on_start()
		self.registered: list[str] = []
		self.classified: list[str] = []

	@task(4)
	def register_complaint(self):
		tok = token()
		data = {
			"subject": f"{random.choice(['Pump leaks', 'Noisy compressor', 'Late technician', 'Wrong part'])} {TAG} {tok}",
			"customer": random.choice(CONFIG["customers"]),
			"company": CONFIG["company"],
			"channel": random.choice(["Phone", "Hotline", "Email", "Walk-in"]),
			"description": "Registered by the load harness",
		}
		if random.random() < 0.1:  # a Major case escalates to the After Sales Manager at once
			data["severity"] = "Major"
		name = self.insert("clerk: register complaint", "Complaint Record", data, tok)
		if name:
			self.registered.append(name)

	@task(4)
	def classify_complaint(self):
		if not self.registered:
			return
		name = self.registered.pop(0)
		if not self.workflow(
			"clerk: classify (apply_workflow Classify)", "Complaint Record", name, "Classify"
		):
			return
		values = {
			"complaint_type": random.choice(["Product Quality", "Service"]),
			"validity": "Valid",
			"responsible_department": random.choice(CONFIG["departments"]) if CONFIG["departments"] else None,
		}
		if values["complaint_type"] == "Product Quality":
			values["quality_sub_type"] = "Product Fault"
		if self.update("clerk: classify (PUT type, severity, validity)", "Complaint Record", name, values):
			self.classified.append(name)

	@task(2)
	def assign_complaint(self):
		if not self.classified:
			return
		name = self.classified.pop(0)
		self.workflow("clerk: assign (apply_workflow Assign)", "Complaint Record", name, "Assign")

	@task(3)
	def open_and_dispatch_job(self):
		technician = random.choice(ACTIVE_TECHNICIANS or [u["login"] for u in CONFIG["users"]["technician"]])
		tok = token()
		name = self.insert(
			"clerk: create repair job",
			"Repair Job",
			{
				"company": CONFIG["company"],
				"customer": random.choice(CONFIG["customers"]),
				"service_class": "Paid",
				"reported_symptom": f"Unit stops after a few minutes {TAG} {tok}",
				"appointment": site_now(),
				"technicians": [{"user": technician}],
				"parts": [
					{"item_code": random.choice(CONFIG["spare_parts"]), "qty": random.choice([1, 1, 2])}
				],
			},
			tok,
		)
		if name:
			self.method(
				"clerk: dispatch repair job (set_status)",
				"aftersales_module.aftersales_module.doctype.repair_job.repair_job.set_status",
				repair_job=name,
				status="Dispatched",
			)

	@task(2)
	def list_complaints(self):
		self.method(
			"clerk: complaint list view",
			"frappe.desk.reportview.get",
			verb="GET",
			doctype="Complaint Record",
			fields=json.dumps(["name", "subject", "status", "severity", "customer"]),
			filters=json.dumps([["status", "in", ["Registered", "Classified", "Assigned"]]]),
			order_by="modified desc",
			page_length=20,
		)


class Technician(AfterSalesUser):
	kind = "technician"
	weight = CONFIG["weights"]["technician"]

	def on_start(self):
		super().on_start()
		with _lock:
			ACTIVE_TECHNICIANS.append(self.login)
		self.started_at: dict[str, float] = {}
		self.report: str | None = None
		self.completed = 0

	def on_stop(self):
		with _lock:
			if self.login in ACTIVE_TECHNICIANS:
				ACTIVE_TECHNICIANS.remove(self.login)

	@task(5)
	def work_on_jobs(self):
		jobs = self.listing(
			"technician: my jobs",
			"Repair Job",
			[["status", "in", ["Dispatched", "In Progress"]]],
			fields=("name", "status"),
		)
		for job in jobs:
			if job["status"] == "Dispatched":
				if self.set_status(
					"technician: start job (set_status In Progress)", job["name"], "In Progress"
				):
					self.started_at[job["name"]] = time.time()
				return
		for job in jobs:
			# parts are issued by the store meanwhile; a job is finished after some work on it
			started = self.started_at.setdefault(job["name"], time.time())
			if time.time() - started > 20:
				if self.set_status(
					"technician: complete job (set_status Completed)", job["name"], "Completed"
				):
					self.started_at.pop(job["name"], None)
					self.completed += 1
				return

	def set_status(self, name: str, job: str, status: str):
		return self.method(
			name,
			"aftersales_module.aftersales_module.doctype.repair_job.repair_job.set_status",
			repair_job=job,
			status=status,
		)

	@task(1)
	def daily_report(self):
		if not self.completed:
			return
		report = self.method(
			"technician: draft my daily report",
			"aftersales_module.aftersales_module.doctype.technician_daily_report.technician_daily_report.draft_my_report",
		)
		if not report:
			return
		if report != self.report:
			self.report = report
			append("drafted", {"doctype": "Technician Daily Report", "name": report, "by": self.login})
		self.update(
			"technician: edit daily report (PUT)",
			"Technician Daily Report",
			report,
			{"notes": f"{self.completed} jobs done so far", "tomorrow_plan": "Follow up the open jobs"},
		)


class Storekeeper(AfterSalesUser):
	kind = "storekeeper"
	weight = CONFIG["weights"]["storekeeper"]

	def on_start(self):
		super().on_start()
		with _lock:
			ACTIVE_STOREKEEPERS.append(self.login)

	def on_stop(self):
		with _lock:
			if self.login in ACTIVE_STOREKEEPERS:
				ACTIVE_STOREKEEPERS.remove(self.login)

	@task
	def issue_parts(self):
		jobs = self.listing(
			"storekeeper: jobs waiting for parts",
			"Repair Job",
			[
				["status", "=", "In Progress"],
				["Repair Job Part", "issued_qty", "=", 0],
				["reported_symptom", "like", f"%{TAG}%"],
			],
			fields=("name",),
			limit=50,
		)
		# each storekeeper serves its own share of the jobs, as two counters of one store would
		with _lock:
			slots, slot = len(ACTIVE_STOREKEEPERS) or 1, ACTIVE_STOREKEEPERS.index(self.login)
		mine = [job["name"] for job in jobs if int(job["name"].rsplit("-", 1)[-1]) % slots == slot]
		if not mine:
			return
		entry = self.method(
			"storekeeper: issue parts (make_parts_issue)",
			"aftersales_module.aftersales_module.doctype.repair_job.parts.make_parts_issue",
			repair_job=mine[0],
		)
		if not entry:
			return
		append("created", {"doctype": "Stock Entry", "name": entry, "by": self.login, "at": time.time()})
		# Two counters may serve one job at once; the app then refuses the second issue (HTTP 417,
		# ValidationError: more than the job asked for), which is the right answer, not a failure.
		with self.client.put(
			f"/api/resource/Stock Entry/{entry}",
			json={"docstatus": 1},
			name="storekeeper: submit stock entry (PUT docstatus 1)",
			catch_response=True,
		) as response:
			if response.status_code == 417 and (response.json() or {}).get("exc_type") == "ValidationError":
				response.success()
				append(
					"refused", {"doctype": "Stock Entry", "name": entry, "by": self.login, "at": time.time()}
				)


class VisitStaff(AfterSalesUser):
	kind = "visit_staff"
	weight = CONFIG["weights"]["visit_staff"]

	@task
	def rate_visit(self):
		visits = self.listing(
			"visit staff: my open visits",
			"Return Visit",
			[["status", "=", "Open"], ["_assign", "like", f"%{self.login}%"]],
			fields=("name",),
			limit=10,
		)
		if not visits:
			return
		visit = random.choice(visits)["name"]
		good = ["Excellent", "Good"]
		ratings = {
			field: random.choice(good) if random.random() > 0.03 else "Poor"
			for field in ("rating_attitude", "rating_skill", "rating_punctuality", "rating_result")
		}
		self.update(
			"visit staff: rate visit (PUT)",
			"Return Visit",
			visit,
			{"reached": 1, "contact_method": "Phone", "attempts": 1, **ratings},
		)


class Manager(AfterSalesUser):
	kind = "manager"
	weight = CONFIG["weights"]["manager"]

	@task(3)
	def open_report(self):
		report = random.choice(CONFIG["reports"])
		self.method(
			f"manager: report {report}",
			"frappe.desk.query_report.run",
			verb="GET",
			report_name=report,
			filters="{}",
		)

	@task(2)
	def list_view(self):
		doctype = random.choice(["Complaint Record", "Repair Job", "Return Visit", "Technician Daily Report"])
		self.method(
			f"manager: list view {doctype}",
			"frappe.desk.reportview.get",
			verb="GET",
			doctype=doctype,
			fields=json.dumps(
				["name", "status" if doctype != "Technician Daily Report" else "workflow_state"]
			),
			order_by="modified desc",
			page_length=20,
		)
