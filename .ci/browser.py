"""Tier 3: a real browser (headless Chromium through Selenium) on the newcomer's demo site, as
.ci/run's zh newcomer check leaves it running.

  browser.py --url URL --site SITE --admin-password PW --password DEMO_PW --shots DIR

1. Administrator (over REST) gives two demo customers a portal user each.
2. The first customer logs in, registers a complaint with a photo on /after-sales and sees it listed.
3. Opening the other customer's complaint, unit certificate or repair job by URL is refused.
4. A return visit's survey link is answered in a 400-px-wide window; a reused link gets a clear page.
5. The demo's service manager opens the new complaint in the desk.

Prints one plain line at the end ("browser: ...") and exits non-zero on a failure. Skipped (exit 0,
one line) when chromium or chromium-driver is not installed."""

import argparse
import base64
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from newcomer import Site

CHROMIUM = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
DRIVER = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
PORTAL_PASSWORD = "Portal-Browser-2026!"
PNG = base64.b64decode(
	"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGBgAAAABQABpfZFQAAAAABJRU5ErkJggg=="
)


def found(paths) -> str | None:
	return next((p for p in paths if Path(p).exists()), None)


class Browser:
	def __init__(self, url: str, site: str, shots: Path):
		from selenium import webdriver
		from selenium.webdriver.chrome.service import Service

		options = webdriver.ChromeOptions()
		for arg in (
			"--headless=new",
			"--no-sandbox",
			"--disable-gpu",
			"--disable-dev-shm-usage",
			f"--host-resolver-rules=MAP {site} 127.0.0.1",
			"--lang=zh-CN",
		):
			options.add_argument(arg)
		options.binary_location = found(CHROMIUM)
		self.driver = webdriver.Chrome(service=Service(found(DRIVER)), options=options)
		port = url.rsplit(":", 1)[-1].strip("/")
		self.base = f"http://{site}:{port}"
		self.shots = shots
		self.size(1280, 900)

	def size(self, width: int, height: int):
		self.driver.set_window_size(width, height)

	def open(self, path: str):
		self.driver.get(self.base + path)

	def wait_for(self, predicate, seconds: int = 30, what: str = "the page"):
		deadline = time.time() + seconds
		while time.time() < deadline:
			try:
				if predicate():
					return
			except Exception:
				pass
			time.sleep(0.5)
		self.shot("timeout")
		raise SystemExit(f"browser: FAILED (waited {seconds}s for {what}: {self.driver.current_url})")

	def text(self) -> str:
		return self.driver.find_element("tag name", "body").text

	def login(self, user: str, password: str):
		self.driver.delete_all_cookies()
		self.open("/login")
		self.wait_for(lambda: self.driver.find_element("id", "login_email"), what="the login form")
		self.driver.find_element("id", "login_email").send_keys(user)
		self.driver.find_element("id", "login_password").send_keys(password)
		self.driver.find_element("css selector", ".btn-login").click()
		self.wait_for(lambda: "/login" not in self.driver.current_url, what="the login")

	def shot(self, name: str) -> str:
		path = self.shots / f"{name}.png"
		self.driver.save_screenshot(str(path))
		return str(path)

	def quit(self):
		self.driver.quit()


def portal_user(admin: Site, customer: str, email: str) -> str:
	"""A Website User with the Customer role, in the customer's Portal Users table."""
	if admin.call("GET", f"/api/resource/User/{email}").status_code != 200:
		response = admin.call(
			"POST",
			"/api/resource/User",
			json={
				"email": email,
				"first_name": customer[:40],
				"user_type": "Website User",
				"send_welcome_email": 0,
				"roles": [{"role": "Customer"}],
				"new_password": PORTAL_PASSWORD,
			},
		)
		if response.status_code != 200:
			raise SystemExit(
				f"browser: FAILED (portal user {email}: HTTP {response.status_code} {response.text[:300]})"
			)
	doc = admin.call("GET", f"/api/resource/Customer/{customer}").json()["data"]
	users = [row["user"] for row in doc.get("portal_users") or []]
	if email not in users:
		rows = [{"user": u} for u in users] + [{"user": email}]
		response = admin.call("PUT", f"/api/resource/Customer/{customer}", json={"portal_users": rows})
		if response.status_code != 200:
			raise SystemExit(f"browser: FAILED (portal users of {customer}: HTTP {response.status_code})")
	return email


def run(args) -> int:
	if not found(CHROMIUM) or not found(DRIVER):
		print("browser: skipped (chromium and chromium-driver are not installed)")
		return 0
	try:
		import selenium
	except ImportError:
		print("browser: skipped (selenium is not installed in the bench's Python)")
		return 0

	admin = Site(args.url, args.site)
	admin.login("Administrator", args.admin_password)
	units = admin.get_list(
		"Warranty Registration",
		fields=["name", "customer", "serial_no"],
		filters=[["serial_no", "is", "set"]],
		limit_page_length=100,
	)
	customers = []
	for unit in units:
		if unit["customer"] not in [c["customer"] for c in customers]:
			customers.append(unit)
	if len(customers) < 2:
		raise SystemExit("browser: FAILED (the demo has fewer than two customers with units)")
	mine, theirs = customers[0], customers[1]
	me = portal_user(admin, mine["customer"], "portal.mine@aftersales-demo.example")
	portal_user(admin, theirs["customer"], "portal.theirs@aftersales-demo.example")
	their_complaint = admin.get_list(
		"Complaint Record",
		fields=["name"],
		filters=[["customer", "=", theirs["customer"]]],
		limit_page_length=1,
	)

	shots = Path(args.shots)
	shots.mkdir(parents=True, exist_ok=True)
	photo = Path(tempfile.mkdtemp()) / "fault.png"
	photo.write_bytes(PNG)
	browser = Browser(args.url, args.site, shots)
	steps = []
	try:
		# 2. a customer registers a complaint with a photo and sees it listed
		browser.login(me, PORTAL_PASSWORD)
		browser.open("/after-sales")
		browser.wait_for(
			lambda: browser.driver.find_element("css selector", "form.as-complaint"), what="the portal"
		)
		browser.shot("portal-desktop")
		subject = f"Browser test {int(time.time())}"
		form = browser.driver.find_element("css selector", "form.as-complaint")
		form.find_element("name", "subject").send_keys(subject)
		form.find_element("name", "description").send_keys("The unit stops after ten minutes")
		form.find_element("name", "photos").send_keys(str(photo))
		form.find_element("css selector", "button[type=submit]").click()
		browser.wait_for(lambda: subject in browser.text(), seconds=40, what="the complaint in the list")
		browser.size(400, 860)
		browser.open("/after-sales")
		browser.wait_for(lambda: subject in browser.text(), what="the portal on a phone")
		browser.shot("portal-phone")
		complaint = admin.get_list("Complaint Record", fields=["name"], filters=[["subject", "=", subject]])
		if not complaint:
			raise SystemExit(
				"browser: FAILED (the complaint the customer registered is not in the desk's list)"
			)
		complaint = complaint[0]["name"]
		photos = admin.get_list("File", fields=["name"], filters=[["attached_to_name", "=", complaint]])
		if not photos:
			raise SystemExit("browser: FAILED (the photo was not attached to the complaint)")
		steps.append(f"customer registered {complaint} with a photo and saw it listed")

		# 3. another customer's records by URL
		browser.size(1280, 900)
		refused = []
		for path in (
			f"/api/method/aftersales_module.portal.warranty_certificate?name={theirs['name']}",
			*(f"/api/resource/Complaint Record/{row['name']}" for row in their_complaint),
			f"/app/complaint-record/{their_complaint[0]['name']}" if their_complaint else None,
		):
			if not path:
				continue
			browser.open(path)
			time.sleep(2)
			body = browser.text()
			if theirs["serial_no"] in body or any(
				row["name"] in body
				and "not found" not in body.lower()
				and "404" not in body
				and "403" not in body
				for row in their_complaint
				if "/api/resource" in path
			):
				browser.shot("refused-failed")
				raise SystemExit(f"browser: FAILED ({path} showed another customer's record)")
			refused.append(path.split("?")[0].rsplit("/", 1)[0])
		browser.shot("other-customer-refused")
		steps.append(f"another customer's records refused by URL ({len(refused)})")

		# 4. the survey link on a phone (see survey_step)
		steps.append(survey_step(admin, browser))

		# 5. the desk opens the complaint
		manager = "zhang.min@aftersales-demo.example"
		browser.login(manager, args.password)
		browser.open(f"/app/complaint-record/{complaint}")
		browser.wait_for(lambda: subject in browser.text(), seconds=40, what="the complaint in the desk")
		browser.shot("desk-complaint")
		steps.append("the service manager opened it in the desk")
	finally:
		browser.quit()
		shutil.rmtree(photo.parent, ignore_errors=True)
	print("browser: " + "; ".join(steps) + f" (screenshots in {shots})")
	return 0


def survey_step(admin: Site, browser: Browser) -> str:
	"""Answer one return visit's survey link at 400 px; the same link a second time is refused."""
	visits = admin.get_list(
		"Return Visit", fields=["name"], filters=[["status", "=", "Open"]], limit_page_length=1
	)
	if not visits:
		raise SystemExit("browser: FAILED (the demo has no open return visit to survey)")
	visit = visits[0]["name"]
	link = admin.method("aftersales_module.survey.survey_link", visit=visit)["url"]
	path = "/" + link.split("://", 1)[-1].split("/", 1)[-1]
	browser.driver.delete_all_cookies()
	browser.size(400, 860)
	browser.open(path)
	browser.wait_for(lambda: browser.driver.find_elements("css selector", "form"), what="the survey page")
	browser.shot("survey-phone")
	form = browser.driver.find_element("css selector", "form")
	for group in ("rating_attitude", "rating_skill", "rating_punctuality", "rating_result"):
		choices = form.find_elements("css selector", f"input[name={group}]")
		if not choices:
			raise SystemExit(f"browser: FAILED (the survey has no {group} choice)")
		browser.driver.execute_script("arguments[0].click()", choices[0])
	form.find_element("css selector", "textarea").send_keys("Quick and friendly")
	before = browser.text()
	browser.driver.execute_script(
		"arguments[0].scrollIntoView()", form.find_element("css selector", "button")
	)
	form.find_element("css selector", "button").click()
	browser.wait_for(lambda: browser.text() != before, what="the survey's answer")
	browser.shot("survey-answered")
	answered = admin.call("GET", f"/api/resource/Return Visit/{visit}").json()["data"]
	if answered.get("status") != "Done":
		raise SystemExit(f"browser: FAILED (the visit is {answered.get('status')} after the survey)")
	browser.open(path)
	time.sleep(2)
	browser.shot("survey-reused")
	if browser.driver.find_elements("css selector", "form textarea"):
		raise SystemExit("browser: FAILED (a used survey link opened the form again)")
	browser.size(1280, 900)
	return f"survey link of {visit} answered at 400 px, reused link refused"


def main() -> int:
	parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
	parser.add_argument("--url", required=True)
	parser.add_argument("--site", required=True)
	parser.add_argument("--admin-password", required=True)
	parser.add_argument("--password", required=True)
	parser.add_argument("--shots", default="/tmp/aftersales-browser")
	return run(parser.parse_args())


if __name__ == "__main__":
	sys.exit(main())
