"""Load run of the after-sales module: the site under gunicorn, RQ workers and the scheduler on
loopback, Locust's simulated department against it, the sweeps under load, an optional fault, and
the checks that nothing was lost or done twice. Started by `benchmarks/load/run` (see README.md).

Standard library only: it runs in the Locust virtualenv and starts the bench's processes."""

import argparse
import csv
import hashlib
import hmac
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections import Counter
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HERE = Path(__file__).resolve().parent
SITE_TASKS = HERE / "site_tasks.py"
FAULT_GRACE = 30  # seconds after a fault in which failed requests are the fault's


def log(message: str) -> None:
	print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def free_port() -> int:
	with socket.socket() as s:
		s.bind(("127.0.0.1", 0))
		return s.getsockname()[1]


# ------------------------------------------------------------------------------ webhook receiver
class Receiver:
	"""The alert webhook's destination during the run: records every delivery's event ids and
	whether its signature matched, one JSON line each in webhooks.jsonl."""

	def __init__(self, run_dir: Path, secret: str):
		self.path, self.secret, self.lock = run_dir / "webhooks.jsonl", secret, threading.Lock()
		receiver = self

		class Handler(BaseHTTPRequestHandler):
			def do_POST(self):
				body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
				expected = "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
				try:
					payload = json.loads(body)
				except ValueError:
					payload = {}
				entry = {
					"at": time.time(),
					"delivery_id": payload.get("delivery_id"),
					"signature_ok": hmac.compare_digest(
						expected, self.headers.get("X-Aftersales-Signature") or ""
					),
					"event_ids": [e.get("event_id") for e in payload.get("escalations") or []],
				}
				with receiver.lock, receiver.path.open("a") as handle:
					handle.write(json.dumps(entry) + "\n")
				self.send_response(200)
				self.end_headers()
				self.wfile.write(b"ok")

			def log_message(self, *args):
				pass

		self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
		self.url = f"http://127.0.0.1:{self.server.server_address[1]}/aftersales-webhook"
		threading.Thread(target=self.server.serve_forever, daemon=True).start()

	def stop(self):
		self.server.shutdown()


# ------------------------------------------------------------------------------ processes
class Processes:
	"""The bench's processes for the run, each in its own session (so a kill takes its children)."""

	def __init__(self, bench: Path, run_dir: Path, env: dict):
		self.bench, self.run_dir, self.env = bench, run_dir, env
		self.procs: dict[str, subprocess.Popen] = {}
		self.replaced: list[str] = []

	def start(self, name: str, cmd: list[str], cwd: Path) -> subprocess.Popen:
		out = open(self.run_dir / f"{name.split('#')[0]}.log", "a")
		proc = subprocess.Popen(
			cmd, cwd=cwd, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
		)
		self.procs[name] = proc
		return proc

	def python(self) -> str:
		return str(self.bench / "env" / "bin" / "python")

	def worker(self, index: int) -> subprocess.Popen:
		return self.start(
			f"worker-{index}",
			[
				self.python(),
				"-m",
				"frappe.utils.bench_helper",
				"frappe",
				"worker",
				"--queue",
				"short,default,long",
			],
			self.bench / "sites",
		)

	def stop(self, name: str, timeout: float = 15) -> None:
		proc = self.procs.pop(name, None)
		if not proc or proc.poll() is not None:
			return
		try:
			os.killpg(proc.pid, signal.SIGTERM)
		except ProcessLookupError:
			return
		try:
			proc.wait(timeout)
		except subprocess.TimeoutExpired:
			try:
				os.killpg(proc.pid, signal.SIGKILL)
			except ProcessLookupError:
				pass
			proc.wait()

	def stop_all(self) -> None:
		for name in list(self.procs):
			self.stop(name)

	def supervise(self, expected_deaths: set[str]) -> list[str]:
		"""Restart a dead RQ worker (the fault killed it, or it died); return what died unexpectedly."""
		died = []
		for name, proc in list(self.procs.items()):
			if proc.poll() is None:
				continue
			if name.startswith("worker-"):
				index = int(name.split("-")[1])
				how = "killed by the fault" if name in expected_deaths else f"died (exit {proc.returncode})"
				new = self.worker(index)
				self.replaced.append(f"{name} (pid {proc.pid}) {how}, new worker pid {new.pid}")
				log(f"RQ {name} (pid {proc.pid}) {how}: started a new one, pid {new.pid}")
				if name not in expected_deaths:
					died.append(f"{name} pid {proc.pid} exit {proc.returncode}")
				expected_deaths.discard(name)
			elif name in ("gunicorn", "scheduler", "sweeper"):
				died.append(f"{name} pid {proc.pid} exit {proc.returncode}")
				self.procs.pop(name)
				log(f"{name} (pid {proc.pid}) exited with {proc.returncode}")
		return died


# ------------------------------------------------------------------------------ reporting
def locust_stats(run_dir: Path) -> list[dict]:
	path = run_dir / "locust_stats.csv"
	if not path.exists():
		return []
	with path.open() as handle:
		return list(csv.DictReader(handle))


def print_stats(rows: list[dict]) -> None:
	if not rows:
		print("no Locust statistics (locust_stats.csv missing)")
		return
	width = max(len(r["Name"]) for r in rows)
	print(
		f"\n{'kind of request':<{width}}  {'requests':>8}  {'failures':>8}  {'p50 ms':>7}  {'p95 ms':>7}  {'req/s':>6}"
	)
	for r in rows:
		name = r["Name"] if r["Name"] != "Aggregated" else "all requests"
		print(
			f"{name:<{width}}  {r['Request Count']:>8}  {r['Failure Count']:>8}  {r['50%']:>7}  {r['95%']:>7}  "
			f"{float(r['Requests/s']):>6.2f}"
		)


def failures(run_dir: Path, fault: dict | None) -> tuple[list[dict], list[dict]]:
	"""Failed requests, split into those outside and inside the fault's window."""
	rows = []
	for path in sorted(run_dir.glob("failures-*.jsonl")):
		rows += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
	if not fault or "started" not in fault:
		return rows, []
	start, end = fault["started"], fault.get("ended", fault["started"]) + FAULT_GRACE
	inside = [r for r in rows if start <= r["at"] <= end]
	return [r for r in rows if not (start <= r["at"] <= end)], inside


def print_failures(rows: list[dict], title: str) -> None:
	if not rows:
		return
	print(f"\n{title}: {len(rows)}")
	counts = Counter((r["name"], r["status"], r["exc_type"] or "-") for r in rows)
	for (name, status, exc_type), count in counts.most_common():
		print(f"  {count:>5} x HTTP {status} {exc_type}  {name}")
	shown = set()
	for r in rows:
		key = (r["status"], r["exc_type"])
		if key in shown or len(shown) >= 6:
			continue
		shown.add(key)
		message = r["message"] if isinstance(r["message"], str) else json.dumps(r["message"])
		print(f"  --- HTTP {r['status']} {r['exc_type']} on {r['name']}: {message[:400]}")
		if r.get("traceback"):
			print("\n".join("    " + line for line in r["traceback"].strip().splitlines()[-16:]))


def server_errors(rows: list[dict]) -> list[dict]:
	return [r for r in rows if r["status"] >= 500 or r["status"] == 0]


# ------------------------------------------------------------------------------ main
def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--site", required=True)
	parser.add_argument("--users", type=int, default=50)
	parser.add_argument("--minutes", type=float, default=5)
	parser.add_argument("--fault", choices=("kill-worker", "restart-db"))
	parser.add_argument("--fault-after", type=float, help="seconds into the run (default: half way)")
	parser.add_argument(
		"--fault-backlog", type=int, default=5000, help="due complaints added for the faulted sweep"
	)
	parser.add_argument("--backlog", type=int, default=2000, help="due complaints added before the run")
	parser.add_argument("--bench", default=os.environ.get("BENCH_PATH", str(Path.home() / "frappe-bench")))
	parser.add_argument("--port", type=int, default=0)
	parser.add_argument("--gunicorn-workers", type=int, default=4)
	parser.add_argument("--rq-workers", type=int, default=2)
	parser.add_argument(
		"--password", default="aftersales-load", help="the load users' (and demo users') password"
	)
	parser.add_argument("--redis-db", type=int, default=3, help="Redis database of this run's RQ queues")
	parser.add_argument("--sweep-interval", type=int, default=30)
	args = parser.parse_args()

	bench = Path(args.bench).expanduser()
	if not (bench / "sites" / args.site / "site_config.json").exists():
		print(f"no site {args.site} in {bench}/sites")
		return 2
	if args.fault == "restart-db" and os.geteuid() != 0:
		print("--fault restart-db runs `service mariadb restart`: run it as root")
		return 2
	stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
	run = datetime.now().strftime("%m%d%H%M%S")
	run_dir = Path.home() / ".cache" / "aftersales-load" / "runs" / f"{args.site}-{stamp}"
	run_dir.mkdir(parents=True)
	seconds = int(args.minutes * 60)
	port = args.port or free_port()
	common = json.loads((bench / "sites" / "common_site_config.json").read_text())
	redis_queue = (common.get("redis_queue") or "redis://127.0.0.1:11000").rstrip("/")
	env = dict(os.environ)
	# this run's jobs in their own Redis database: its workers take no other site's jobs, and no
	# other worker of the bench takes this run's
	env["FRAPPE_REDIS_QUEUE"] = (
		f"{redis_queue.rsplit('/', 1)[0] if redis_queue.count('/') > 2 else redis_queue}/{args.redis_db}"
	)
	env["PYTHONUNBUFFERED"] = "1"
	print(
		f"aftersales load run: site {args.site}, {args.users} users for {args.minutes:g} min"
		f"{', fault ' + args.fault if args.fault else ''}; files in {run_dir}"
	)
	procs = Processes(bench, run_dir, env)
	sites = bench / "sites"
	python = procs.python()

	def site_task(step: str, *extra: str, check: bool = True) -> int:
		done = subprocess.run(
			[python, str(SITE_TASKS), step, "--site", args.site, "--run-dir", str(run_dir), *extra],
			cwd=sites,
			env=env,
		)
		if check and done.returncode:
			raise SystemExit(f"site_tasks.py {step} failed (exit {done.returncode})")
		return done.returncode

	def on_signal(signum, _frame):
		raise SystemExit(f"stopped by signal {signum}")

	signal.signal(signal.SIGTERM, on_signal)
	signal.signal(signal.SIGINT, on_signal)
	secret = secrets.token_hex(16)
	receiver = Receiver(run_dir, secret)
	prepared = False
	verdict_rc = 1
	try:
		# ---- 1. users and data
		demo = subprocess.run(
			[python, "-c", "import frappe,sys; frappe.init(site=sys.argv[1], sites_path='.'); frappe.connect(); "
			 "print(1 if frappe.db.exists('User', 'zhang.min@aftersales-demo.example') else 0)", args.site],
			cwd=sites, env=env, capture_output=True, text=True,
		)  # fmt: skip
		if demo.stdout.strip().endswith("0"):
			log("the site has no demo users: bench --site SITE aftersales-demo")
			subprocess.run(
				["bench", "--site", args.site, "aftersales-demo", "--password", args.password],
				cwd=bench,
				env=env,
				check=True,
			)
		prepared = True
		site_task(
			"prepare", "--run", run, "--users", str(args.users), "--password", args.password,
			"--backlog", str(args.backlog), "--webhook-url", receiver.url, "--webhook-secret", secret,
		)  # fmt: skip

		# ---- 2. the site's processes
		procs.start(
			"gunicorn",
			[str(bench / "env" / "bin" / "gunicorn"), "-b", f"127.0.0.1:{port}", "-w", str(args.gunicorn_workers),
			 "-t", "120", "--chdir", str(sites), "frappe.app:application"],
			bench,
		)  # fmt: skip
		for index in range(1, args.rq_workers + 1):
			procs.worker(index)
		procs.start("scheduler", [python, str(SITE_TASKS), "scheduler", "--site", args.site], sites)
		deadline = time.time() + 90
		while True:
			try:
				request = urllib.request.Request(
					f"http://127.0.0.1:{port}/api/method/ping", headers={"Host": args.site}
				)
				if urllib.request.urlopen(request, timeout=5).status == 200:
					break
			except OSError:
				pass
			if time.time() > deadline or procs.procs["gunicorn"].poll() is not None:
				raise SystemExit(f"gunicorn did not answer on 127.0.0.1:{port}; see {run_dir}/gunicorn.log")
			time.sleep(1)
		log(
			f"serving {args.site} on 127.0.0.1:{port} (gunicorn, {args.gunicorn_workers} workers), "
			f"{args.rq_workers} RQ workers, scheduler; RQ on {env['FRAPPE_REDIS_QUEUE']}"
		)
		fault_after = args.fault_after if args.fault_after is not None else seconds / 2
		sweeper = [python, str(SITE_TASKS), "sweeper", "--site", args.site, "--run-dir", str(run_dir), "--run", run,
				   "--interval", str(args.sweep_interval)]  # fmt: skip
		if args.fault:
			sweeper += [
				"--fault",
				args.fault,
				"--fault-after",
				str(fault_after),
				"--fault-backlog",
				str(args.fault_backlog),
			]
		procs.start("sweeper", sweeper, sites)

		# ---- 3. Locust
		locust = Path(sys.executable).parent / "locust"
		locust_env = {**env, "LOAD_RUN_DIR": str(run_dir), "LOAD_SITE": args.site}
		with open(run_dir / "locust.log", "w") as out:
			runner = subprocess.Popen(
				[str(locust), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
				 "-r", str(max(args.users / 10, 1)), "-t", f"{seconds}s", "--stop-timeout", "15",
				 "--host", f"http://127.0.0.1:{port}", "--csv", str(run_dir / "locust"),
				 "--exit-code-on-error", "0", "--only-summary"],
				cwd=HERE, env=locust_env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
			)  # fmt: skip
			procs.procs["locust"] = runner
			log(f"Locust: {args.users} users for {seconds} s (log: {run_dir}/locust.log)")
			expected = set()
			died, started, last_note = [], time.time(), time.time()
			while runner.poll() is None:
				time.sleep(1)
				if any(proc.poll() is not None for proc in procs.procs.values()):
					time.sleep(1)  # the fault injector writes fault.json right after its kill
					path = run_dir / "fault.json"
					fault = json.loads(path.read_text()) if path.exists() else {}
					for name, proc in procs.procs.items():
						if fault.get("worker_pid") == proc.pid:
							expected.add(name)
					died += procs.supervise(expected)
				if time.time() - last_note >= 60:
					last_note = time.time()
					total = next((r for r in locust_stats(run_dir) if r["Name"] == "Aggregated"), None)
					if total:
						log(
							f"{int(time.time() - started)} s: {total['Request Count']} requests, {total['Failure Count']} failed"
						)
			procs.procs.pop("locust", None)
		log("Locust finished")
		procs.stop("sweeper")
		procs.stop("scheduler")
		died += procs.supervise(expected)

		# ---- 4. what happened
		stats = locust_stats(run_dir)
		print_stats(stats)
		fault = (
			json.loads((run_dir / "fault.json").read_text()) if (run_dir / "fault.json").exists() else None
		)
		if args.fault:
			print(f"\nfault {args.fault}: " + json.dumps(fault or {}, default=str))
			for line in procs.replaced:
				print(f"  {line}")
		outside, inside = failures(run_dir, fault)
		print_failures(outside, "failed requests" + (" outside the fault's window" if args.fault else ""))
		print_failures(inside, f"failed requests during the fault (and {FAULT_GRACE} s after)")
		refused = sum(len(path.read_text().splitlines()) for path in run_dir.glob("refused-*.jsonl"))
		print(
			f"parts issues refused because another storekeeper had issued them (HTTP 417, not failures): {refused}"
		)
		print()
		check_rc = site_task("check", check=False)
		result = json.loads((run_dir / "check.json").read_text()) if (run_dir / "check.json").exists() else {}

		# ---- 5. the verdict
		total = next(
			(r for r in stats if r["Name"] == "Aggregated"), {"Request Count": "0", "Failure Count": "0"}
		)
		errors = server_errors(outside)
		problems = list(result.get("problems") or [])
		if check_rc and not problems:
			problems.append(f"the checks did not finish (exit {check_rc})")
		if errors:
			problems.append(
				f"{len(errors)} server errors (5xx or no answer)"
				+ (" outside the fault" if args.fault else "")
			)
		if result.get("error_logs") and not args.fault:
			problems.append(
				f"{result['error_logs']} Error Log rows (full job tracebacks in {run_dir}/worker-*.log)"
			)
		if died:
			problems.append("processes died: " + ", ".join(died))
		if int(total["Request Count"]) == 0:
			problems.append("no requests were made")
		restarted = (
			bool(fault) and fault.get("restart_rc") == 0 and fault.get("server_uptime_after", 1e9) < 120
		)
		if args.fault and not (fault and (fault.get("worker_pid") or restarted)):
			problems.append(f"the fault was not injected: {(fault or {}).get('error', 'no fault.json')}")
		records = result.get("records") or []
		created = sum(r[1] for r in records)
		missing = sum(r[2] for r in records)
		doubled = sum(r[3] + r[4] for r in records)
		deadlocks = sum(1 for r in outside + inside if r["exc_type"] == "QueryDeadlockError")
		verdict = "PASS" if not problems else "FAIL"
		print(
			f"\nVERDICT: {verdict}: {total['Request Count']} requests, {total['Failure Count']} failed "
			f"({len(errors)} server errors{f', {len(inside)} during the fault' if args.fault else ''}, "
			f"{deadlocks} deadlock answers); {created} records created, {missing} missing, {doubled} doubled; "
			f"Innodb_deadlocks +{result.get('deadlocks', '?')}; Error Log +{result.get('error_logs', '?')}"
			+ ("" if not problems else "; " + "; ".join(problems))
		)
		verdict_rc = 0 if verdict == "PASS" else 1
	finally:
		procs.stop_all()
		if prepared:
			site_task("restore", check=False)
		receiver.stop()
		print(f"files: {run_dir}")
	return verdict_rc


if __name__ == "__main__":
	sys.exit(main())
