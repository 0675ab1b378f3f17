"""What a newcomer does on a fresh site, over HTTP, as .ci/run's install check runs it.

  newcomer.py setup --url URL --site SITE --admin-password PW
      completes the setup wizard as a person would in the browser: Administrator logs in, picks
      简体中文 (load_messages), and submits the wizard for a Chinese company (China, CNY,
      Asia/Shanghai) with the first chart of accounts the wizard offers. No email account is added.

  newcomer.py crawl --url URL --site SITE --password PW
      logs in as each demo user and opens, through the REST API, every list, form and report of the
      module, and the desk page of each list. A 5xx anywhere fails, and so does a 403 where the role
      matrix (aftersales_module/tests/test_role_matrix.py) or the report's roles allow the user.

Each prints one plain line at the end and exits non-zero on a failure. Run it with the bench's
Python (it imports the app's role matrix); it talks to the site only over HTTP, on loopback."""

import argparse
import json
import sys
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
MODULE = "Aftersales Module"
TIMEOUT = 120


class Site:
	def __init__(self, url: str, site: str):
		self.url = url.rstrip("/")
		self.session = requests.Session()
		# Frappe picks the site from the Host header; the server listens on loopback
		self.session.headers.update({"Host": site, "Accept": "application/json"})
		self.requests = 0

	def call(self, verb: str, path: str, **kwargs) -> requests.Response:
		self.requests += 1
		return self.session.request(verb, f"{self.url}{path}", timeout=TIMEOUT, **kwargs)

	def login(self, user: str, password: str) -> None:
		response = self.call("POST", "/api/method/login", data={"usr": user, "pwd": password})
		if response.status_code != 200:
			raise SystemExit(f"login as {user} failed: HTTP {response.status_code} {response.text[:300]}")

	def method(self, method: str, verb: str = "POST", **args):
		response = self.call(
			verb,
			f"/api/method/{method}",
			data=args if verb == "POST" else None,
			params=args if verb == "GET" else None,
		)
		if response.status_code != 200:
			raise SystemExit(f"{method} failed: HTTP {response.status_code} {response.text[:500]}")
		return response.json().get("message")

	def get_list(self, doctype: str, **params):
		params = {k: json.dumps(v) if not isinstance(v, str | int) else v for k, v in params.items()}
		response = self.call("GET", f"/api/resource/{doctype}", params=params)
		if response.status_code != 200:
			raise SystemExit(f"list {doctype} failed: HTTP {response.status_code} {response.text[:300]}")
		return response.json()["data"]


# ----------------------------------------------------------------------------------- setup wizard
def setup(args) -> int:
	site = Site(args.url, args.site)
	site.login("Administrator", args.admin_password)
	language = "简体中文"
	site.method("frappe.desk.page.setup_wizard.setup_wizard.load_messages", language=language)
	charts = site.method(
		"erpnext.accounts.doctype.account.chart_of_accounts.chart_of_accounts.get_charts_for_country",
		country="China",
		with_standard=1,
	)
	year = args.year
	values = {
		"language": language,
		"country": "China",
		"timezone": "Asia/Shanghai",
		"currency": "CNY",
		"full_name": "赵新",
		"email": "zhao.xin@newcomer.example",
		"password": args.admin_password + "-owner",
		"company_name": "华东设备服务有限公司",
		"company_abbr": "HDSB",
		"chart_of_accounts": charts[0],
		"fy_start_date": f"{year}-01-01",
		"fy_end_date": f"{year}-12-31",
		"setup_demo": 0,
		"enable_telemetry": 0,
	}
	result = site.method("frappe.desk.page.setup_wizard.setup_wizard.setup_complete", args=json.dumps(values))
	settings = site.method(
		"frappe.client.get_value",
		verb="GET",
		doctype="System Settings",
		fieldname=json.dumps(["language", "time_zone", "country", "setup_complete"]),
	)
	accounts = site.get_list("Email Account", filters=[["enable_outgoing", "=", 1]], limit_page_length=0)
	problems = []
	if (result or {}).get("status") != "ok":
		problems.append(f"setup_complete said {result}")
	if settings.get("language") != "zh" or settings.get("time_zone") != "Asia/Shanghai":
		problems.append(f"System Settings are {settings}")
	if accounts:
		problems.append(f"the site has an outgoing email account: {accounts}")
	if problems:
		print("zh newcomer: setup wizard FAILED: " + "; ".join(problems))
		return 1
	print(
		f"zh newcomer: setup wizard completed in {language} for {values['company_name']} "
		f"(China, CNY, Asia/Shanghai, chart '{charts[0]}'), no outgoing email account"
	)
	return 0


# ----------------------------------------------------------------------------------- the crawl
def role_matrix():
	"""MATRIX and its cell values from the tier-2 role matrix, the one place that says who may read
	what (importing it needs frappe on the path, not a site)."""
	sys.path.insert(0, str(REPO))
	from aftersales_module.tests import test_role_matrix as matrix

	return matrix.MATRIX, {matrix.Y, matrix.OWN}


def demo_logins() -> list[str]:
	people = json.loads((REPO / "aftersales_module/setup/demo_data/people.json").read_text("utf-8"))
	return [f"{p['login']}@{people['email_domain']}" for p in people["people"]]


def catalogue(admin: Site) -> tuple[list[dict], list[dict]]:
	"""The module's doctypes (not child tables) and its reports with their roles, read as
	Administrator."""
	doctypes = admin.get_list(
		"DocType",
		filters=[["module", "=", MODULE], ["istable", "=", 0]],
		fields=["name", "issingle"],
		limit_page_length=0,
	)
	reports = []
	for report in admin.get_list(
		"Report", filters=[["module", "=", MODULE]], fields=["name"], limit_page_length=0
	):
		response = admin.call(
			"GET",
			"/api/method/frappe.desk.form.load.getdoc",
			params={"doctype": "Report", "name": report["name"]},
		)
		roles = {row["role"] for row in response.json()["docs"][0].get("roles", [])}
		reports.append({"name": report["name"], "roles": roles})
	return doctypes, reports


def slug(doctype: str) -> str:
	return doctype.lower().replace(" ", "-")


def crawl(args) -> int:
	matrix, allowed_cells = role_matrix()
	admin = Site(args.url, args.site)
	admin.login("Administrator", args.admin_password)
	doctypes, reports = catalogue(admin)
	failures, checked, users, codes = [], 0, 0, {}

	def check(user, what, response, allowed):
		nonlocal checked
		checked += 1
		code = response.status_code
		codes[code] = codes.get(code, 0) + 1
		if code >= 500:
			failures.append(f"{user} {what}: HTTP {code} {response.text[:300]}")
		elif code == 403 and allowed:
			failures.append(f"{user} {what}: HTTP 403, the role matrix allows it")
		elif allowed and code != 200:
			failures.append(f"{user} {what}: HTTP {code} {response.text[:300]}")
		return code == 200

	for login in demo_logins():
		user_roles = set(admin.method("frappe.core.doctype.user.user.get_roles", verb="GET", uid=login) or [])
		site = Site(args.url, args.site)
		site.login(login, args.password)
		users += 1
		check(login, "desk /app", site.call("GET", "/app"), True)
		for doctype in doctypes:
			name = doctype["name"]
			cells = matrix.get(name, {})
			allowed = any(cells.get(role, ("no",))[0] in allowed_cells for role in user_roles)
			if doctype["issingle"]:
				response = site.call(
					"GET", "/api/method/frappe.desk.form.load.getdoc", params={"doctype": name, "name": name}
				)
				check(login, f"form {name}", response, allowed)
				continue
			check(login, f"desk /app/{slug(name)}", site.call("GET", f"/app/{slug(name)}"), True)
			response = site.call(
				"GET", f"/api/resource/{name}", params={"limit_page_length": 20, "fields": '["name"]'}
			)
			if not check(login, f"list {name}", response, allowed):
				continue
			response = site.call(
				"GET",
				"/api/method/frappe.desk.reportview.get",
				params={"doctype": name, "fields": '["name"]', "page_length": 20},
			)
			check(login, f"list view {name}", response, allowed)
			for row in site_list(site, name)[:2]:
				response = site.call(
					"GET", "/api/method/frappe.desk.form.load.getdoc", params={"doctype": name, "name": row}
				)
				check(login, f"form {name} {row}", response, allowed)
		for report in reports:
			allowed = bool(report["roles"] & user_roles)
			response = site.call(
				"GET",
				"/api/method/frappe.desk.query_report.run",
				params={"report_name": report["name"], "filters": "{}"},
			)
			check(login, f"report {report['name']}", response, allowed)
	line = (
		f"zh newcomer: REST as {users} demo users, {checked} lists, forms, reports and desk pages: "
		f"{len(failures)} failed (5xx, or 403 where allowed); HTTP "
		+ ", ".join(f"{code} x{count}" for code, count in sorted(codes.items()))
	)
	for failure in failures:
		print("  " + failure)
	print(line)
	return 1 if failures or not users else 0


def site_list(site: Site, doctype: str) -> list[str]:
	response = site.call("GET", f"/api/resource/{doctype}", params={"limit_page_length": 2})
	return [row["name"] for row in response.json().get("data", [])] if response.status_code == 200 else []


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("step", choices=("setup", "crawl"))
	parser.add_argument("--url", required=True)
	parser.add_argument("--site", required=True)
	parser.add_argument("--admin-password", required=True)
	parser.add_argument("--password", help="the demo users' password (crawl)")
	parser.add_argument("--year", type=int, help="the fiscal year to set up (setup)")
	args = parser.parse_args()
	if args.step == "setup":
		if not args.year:
			# the fiscal year the company is in now, in its own time zone
			from datetime import datetime
			from zoneinfo import ZoneInfo

			args.year = datetime.now(ZoneInfo("Asia/Shanghai")).year
		return setup(args)
	return crawl(args)


if __name__ == "__main__":
	sys.exit(main())
