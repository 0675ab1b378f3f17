"""Test support for the integration tier: the before_tests hook and small helpers that build real
ERPNext masters. Tests use these instead of ERPNext's chained `_Test` records, which do not build
in isolation on a site (a Supplier's party accounts need Account records made later in the chain)."""

import os
from contextlib import contextmanager
from datetime import date, datetime

import click
import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils import add_days, add_years, get_datetime, getdate, nowdate

TEST_COMPANY = "_AS Test Company"
TEST_COMPANY_ABBR = "_ASC"
OTHER_COMPANY = "_AS Test Company 2"
OTHER_COMPANY_ABBR = "_AS2"
SPARE_PART = "_AS Test Spare Part"
SERVICE_ITEM = "_AS Test Labour"
SERIAL_ITEM = "_AS Test Serialized Unit"
CUSTOMER = "_AS Test Customer"


APP = "aftersales_module"

# The site-local instant the tests run at, whatever the real clock says: `AFTERSALES_TEST_NOW`
# ("2026-12-31 23:30:00") runs the whole suite at another. The default is an ordinary day: a
# Wednesday in the middle of a month, mid-morning, far from a weekend, a month end and midnight.
TEST_NOW_VARIABLE = "AFTERSALES_TEST_NOW"
DEFAULT_TEST_NOW = "2026-11-18 10:00:00"


def frozen_now() -> datetime:
	"""The site-local instant the test classes freeze the clock at ($AFTERSALES_TEST_NOW, else
	DEFAULT_TEST_NOW)."""
	value = (os.environ.get(TEST_NOW_VARIABLE) or "").strip() or DEFAULT_TEST_NOW
	try:
		return get_datetime(value)
	except Exception as e:
		raise ValueError(
			f"{TEST_NOW_VARIABLE}={value!r} is not a date and time such as 2026-12-31 23:30:00"
		) from e


class AfterSalesTestCase(FrappeTestCase):
	"""The app's integration tests run on a clock of their own, frozen at `frozen_now()` in the site's
	time zone (Frappe's `freeze_time`, freezegun underneath) for the whole class, its setUpClass
	included; it ticks from there, so records made one after another still get increasing
	timestamps. Read dates as the app does: `nowdate()`, `now_datetime()` (site time), never
	`date.today()` or `datetime.now()` (the server's clock and time zone). A test that needs another
	day or hour freezes it itself: `with self.freeze_time(...)`.

	The class also makes sure the site has a Fiscal Year for the frozen day (a new site has only the
	year its setup wizard ran in), and mutes sending mail: under tests Frappe sends a desk
	notification's email at once (`now=frappe.flags.in_test`) and commits the queue row's status
	(EmailQueue.send), which ends the test's transaction, and a savepoint held across it (the demo's).
	Mail is still queued, so tests read the Email Queue as before."""

	now: datetime  # the site-local instant the class started at

	@classmethod
	def setUpClass(cls):
		cls.now = frozen_now()
		ensure_fiscal_year(cls.now)  # committed by FrappeTestCase.setUpClass: it is site setup
		# `freeze_time` is an instance method that does not use the instance; the class stands in.
		# Entered before FrappeTestCase.setUpClass, left after its class cleanups (the rollback).
		clock = FrappeTestCase.freeze_time(cls, cls.now, tick=True)
		clock.__enter__()
		cls.addClassCleanup(clock.__exit__, None, None, None)
		muted = frappe.flags.mute_emails
		frappe.flags.mute_emails = True
		cls.addClassCleanup(setattr, frappe.flags, "mute_emails", muted)
		super().setUpClass()


def ensure_fiscal_year(day: date | datetime | str) -> str:
	"""The name of the Fiscal Year holding `day`, made like the site's own years (same start day of
	the year) if the site has none: ERPNext posts nothing on a day outside every fiscal year."""
	day = getdate(day)
	fiscal_year = frappe.qb.DocType("Fiscal Year")
	rows = (
		frappe.qb.from_(fiscal_year)
		.select(fiscal_year.name, fiscal_year.year_start_date, fiscal_year.year_end_date)
		.where(fiscal_year.disabled == 0)
		.orderby(fiscal_year.year_start_date)
	).run(as_dict=True)
	for row in rows:
		if getdate(row.year_start_date) <= day <= getdate(row.year_end_date):
			return row.name
	# shift a year the site has (a new site has at least the one its setup wizard made) by whole years
	reference = getdate(rows[-1].year_start_date) if rows else date(day.year, 1, 1)
	start = getdate(add_years(reference, day.year - reference.year))
	if start > day:
		start = getdate(add_years(start, -1))
	end = getdate(add_days(add_years(start, 1), -1))
	name = str(start.year) if start.year == end.year else f"{start.year}-{end.year}"
	frappe.get_doc(
		{"doctype": "Fiscal Year", "year": name, "year_start_date": start, "year_end_date": end}
	).insert(ignore_permissions=True)
	return name


def before_tests():
	"""The before_tests hook: set up for a run of this app's tests, and do nothing for other apps'.

	`bench run-tests --module/--doctype/--module-def` calls the before_tests hook of every installed
	app, whatever app the tests belong to (`--app X` calls X's only). Our setup must not leak into
	ERPNext's runs: `skip_test_records` would stop ERPNext's tests from building the `_Test` records
	they stand on, and our masters and default outgoing Email Account are not theirs."""
	if not runs_this_app():
		return
	# Before a doctype's tests, Frappe's runner builds `_Test` records for every doctype it links to
	# (Company, Customer, Item, Account …), from ERPNext's chained test records, which do not build in
	# isolation. Our tests build what they need through the helpers below instead.
	frappe.flags.skip_test_records = True
	ensure_test_setup()


def runs_this_app(params: dict | None = None) -> bool:
	"""Whether the running `bench run-tests` (or `run-parallel-tests`) runs tests of this app.

	`params` are the command's options; by default those of the click command being run."""
	if params is None:
		context = click.get_current_context(silent=True)
		if context is None:
			return True  # called from code rather than by bench: the caller asks for our setup
		params = context.params
	if params.get("app"):
		return params["app"] == APP
	if params.get("module"):
		return params["module"].split(".")[0] == APP
	if params.get("doctype"):
		module = frappe.db.get_value("DocType", params["doctype"], "module")
		return bool(module) and frappe.db.get_value("Module Def", module, "app_name") == APP
	if params.get("module_def"):
		return frappe.db.get_value("Module Def", params["module_def"], "app_name") == APP
	if params.get("doctype_list_path"):
		return params["doctype_list_path"].split(os.path.sep)[0] == APP
	return False  # every installed app's tests in one run: ours are run with --app aftersales_module


def ensure_test_setup():
	"""Finish ERPNext's setup if the site has none, then add the masters our tests stand on.
	Idempotent: it creates only what is missing."""
	from erpnext.setup.utils import before_tests as erpnext_before_tests

	from aftersales_module.setup.install import store_setting_defaults

	erpnext_before_tests()
	make_test_masters()
	make_outgoing_email_account()
	store_setting_defaults()
	frappe.db.commit()


def make_company(name: str, abbr: str) -> str:
	if not frappe.db.exists("Company", name):
		reference = frappe.get_doc("Company", frappe.db.get_value("Company", {}, "name", order_by="creation"))
		frappe.get_doc(
			{
				"doctype": "Company",
				"company_name": name,
				"abbr": abbr,
				"country": reference.country,
				"default_currency": reference.default_currency,
				"chart_of_accounts": "Standard",
				"create_chart_of_accounts_based_on": "Standard Template",
			}
		).insert(ignore_permissions=True)
	return name


def make_item(item_code: str, **values) -> str:
	if not frappe.db.exists("Item", item_code):
		frappe.get_doc(
			{
				"doctype": "Item",
				"item_code": item_code,
				"item_name": item_code,
				"item_group": frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups",
				"stock_uom": "Nos",
				"is_stock_item": 1,
				**values,
			}
		).insert(ignore_permissions=True)
	return item_code


def make_test_masters():
	make_company(TEST_COMPANY, TEST_COMPANY_ABBR)
	make_company(OTHER_COMPANY, OTHER_COMPANY_ABBR)
	make_item(SPARE_PART, valuation_rate=100)
	# Labour is sold by the hour, in fractions: ERPNext's "Nos" must be a whole number on a new site.
	make_item(SERVICE_ITEM, is_stock_item=0, stock_uom="Hour")
	if frappe.db.get_value("Item", SERVICE_ITEM, "stock_uom") != "Hour":
		frappe.db.set_value("Item", SERVICE_ITEM, "stock_uom", "Hour")
		frappe.db.set_value("UOM Conversion Detail", {"parent": SERVICE_ITEM, "uom": "Nos"}, "uom", "Hour")
	make_item(SERIAL_ITEM, has_serial_no=1, serial_no_series="ASTU-.#####", warranty_period="365")
	make_customer(CUSTOMER)


def make_outgoing_email_account():
	"""Tests queue mail (Frappe never sends it under tests); the queue needs an outgoing account."""
	if not frappe.db.exists("Email Account", "_AS Test Outgoing"):
		frappe.get_doc(
			{
				"doctype": "Email Account",
				"email_account_name": "_AS Test Outgoing",
				"email_id": "aftersales-test@example.com",
				"service": "",
				"smtp_server": "localhost",
				"smtp_port": 2525,
				"enable_outgoing": 1,
				"default_outgoing": 1,
				"enable_incoming": 0,
				"login_id_is_different": 0,
				"no_smtp_authentication": 1,
			}
		).insert(ignore_permissions=True)


def warehouse(company_abbr: str = TEST_COMPANY_ABBR, name: str = "Stores") -> str:
	return f"{name} - {company_abbr}"


def expense_account(company: str = TEST_COMPANY) -> str:
	return frappe.db.get_value(
		"Account", {"company": company, "root_type": "Expense", "is_group": 0, "disabled": 0}
	)


def make_user(email: str, roles: list[str], user_type: str = "System User") -> str:
	"""A user holding exactly `roles` (the standard All/Guest aside)."""
	if frappe.db.exists("User", email):
		user = frappe.get_doc("User", email)
	else:
		user = frappe.get_doc(
			{
				"doctype": "User",
				"email": email,
				"first_name": email.split("@")[0],
				"send_welcome_email": 0,
				"user_type": user_type,
			}
		)
		with unthrottled_user_creation():
			user.insert(ignore_permissions=True)
	user.set("roles", [])
	for role in roles:
		user.append("roles", {"role": role})
	user.user_type = user_type
	user.save(ignore_permissions=True)
	frappe.clear_cache(user=email)
	return email


@contextmanager
def unthrottled_user_creation():
	"""Frappe refuses a new user once more than `throttle_user_limit` (60) were made "in the last
	hour": those made since an hour before now by the site's clock, with no upper bound. On a test
	clock set before the day the site's users were made (the real day, or a later test date), every
	user counts, and the tests' own few users are refused. The limit is raised for this process, for
	this insert only."""
	conf = frappe.local.conf
	missing = object()
	before = conf.get("throttle_user_limit", missing)
	conf["throttle_user_limit"] = 10**9
	try:
		yield
	finally:
		if before is missing:
			conf.pop("throttle_user_limit", None)
		else:
			conf["throttle_user_limit"] = before


def compile_translations():
	"""Compile zh.po to the .mo Frappe reads (bench build does this too) and drop cached translations."""
	from frappe.gettext.translate import compile_translations as compile_po
	from frappe.translate import clear_cache

	compile_po("aftersales_module", "zh", force=True)
	clear_cache()


def today():
	return getdate(nowdate())


def make_department(name: str = "_AS Service", company: str = TEST_COMPANY) -> str:
	abbr = frappe.get_cached_value("Company", company, "abbr")
	full_name = f"{name} - {abbr}"
	if not frappe.db.exists("Department", full_name):
		frappe.get_doc(
			{
				"doctype": "Department",
				"department_name": name,
				"company": company,
				"parent_department": "All Departments",
			}
		).insert(ignore_permissions=True)
	return full_name


def make_employee(user: str, reports_to: str | None = None, company: str = TEST_COMPANY) -> str:
	"""An active employee for `user`, reporting to the employee of `reports_to` (a user)."""
	manager = frappe.db.get_value("Employee", {"user_id": reports_to}) if reports_to else None
	name = frappe.db.get_value("Employee", {"user_id": user})
	if name:
		frappe.db.set_value("Employee", name, "reports_to", manager)
		return name
	return (
		frappe.get_doc(
			{
				"doctype": "Employee",
				"first_name": user.split("@")[0],
				"gender": frappe.db.get_value("Gender", {}) or None,
				"date_of_birth": "1990-01-01",
				"date_of_joining": "2020-01-01",
				"company": company,
				"status": "Active",
				"user_id": user,
				"reports_to": manager,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def make_customer(name: str) -> str:
	if not frappe.db.exists("Customer", name):
		frappe.get_doc(
			{
				"doctype": "Customer",
				"customer_name": name,
				"customer_group": frappe.db.get_value("Customer Group", {"is_group": 0}),
				"territory": frappe.db.get_value("Territory", {"is_group": 0}),
			}
		).insert(ignore_permissions=True)
	return name


def make_complaint(**values):
	"""A Complaint Record for the test company, saved as the session user."""
	doc = frappe.get_doc(
		{
			"doctype": "Complaint Record",
			"company": TEST_COMPANY,
			"customer": CUSTOMER,
			"subject": "Pump leaks at the shaft seal",
			"channel": "Phone",
			**values,
		}
	)
	return doc.insert()


def warranty_expense_account(company: str = TEST_COMPANY) -> str:
	"""A dedicated ledger, so that a test can tell warranty cost from every other expense."""
	name = frappe.db.get_value("Account", {"account_name": "_AS Warranty Expense", "company": company})
	if name:
		return name
	parent = frappe.db.get_value(
		"Account", {"company": company, "root_type": "Expense", "is_group": 1}, order_by="lft desc"
	)
	return (
		frappe.get_doc(
			{
				"doctype": "Account",
				"account_name": "_AS Warranty Expense",
				"company": company,
				"parent_account": parent,
				"root_type": "Expense",
				"account_type": "Expense Account",
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def selling_price_list() -> str:
	return frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"


def set_price(item_code: str, rate: float) -> None:
	"""The item's selling price, valid on any day: an Item Price is valid from the day it was made
	(the field's default), and the test clock may stand before the day an earlier run made it."""
	price_list = selling_price_list()
	name = frappe.db.get_value("Item Price", {"item_code": item_code, "price_list": price_list})
	if name:
		frappe.db.set_value("Item Price", name, {"price_list_rate": rate, "valid_from": None})
	else:
		price = frappe.get_doc(
			{
				"doctype": "Item Price",
				"item_code": item_code,
				"price_list": price_list,
				"price_list_rate": rate,
			}
		).insert(ignore_permissions=True)
		price.db_set("valid_from", None)


def receive_stock(item_code: str, qty: float, rate: float = 100, to_warehouse: str | None = None) -> str:
	"""Put stock into a warehouse with a real, submitted Material Receipt."""
	entry = frappe.get_doc(
		{
			"doctype": "Stock Entry",
			"stock_entry_type": "Material Receipt",
			"purpose": "Material Receipt",
			"company": TEST_COMPANY,
			"items": [
				{
					"item_code": item_code,
					"qty": qty,
					"basic_rate": rate,
					"t_warehouse": to_warehouse or warehouse(),
				}
			],
		}
	).insert(ignore_permissions=True)
	entry.submit()
	return entry.name


def use_repair_settings() -> None:
	"""After Sales Settings pointing at the test company's masters."""
	settings = frappe.get_doc("After Sales Settings")
	settings.update(
		{
			"default_company": TEST_COMPANY,
			"spare_parts_warehouse": warehouse(),
			"warranty_expense_account": warranty_expense_account(),
			"labour_item": SERVICE_ITEM,
			"discount_approval_percent": 10,
			# parts go straight to the job unless a test asks for the van (a test that stopped
			# half-way may have left van mode on)
			"issue_parts_to_van": 0,
		}
	)
	settings.save(ignore_permissions=True)


def make_repair_job(**overrides):
	"""A saved Repair Job for the test customer: one spare part (qty 2) and one hour of labour."""
	values = {
		"doctype": "Repair Job",
		"company": TEST_COMPANY,
		"customer": CUSTOMER,
		"service_class": "Paid",
		"reported_symptom": "Pump leaks at the seal",
		"parts": [{"item_code": SPARE_PART, "qty": 2}],
		"labour": [{"activity": "Replace seal", "hours": 1}],
	}
	values.update(overrides)
	return frappe.get_doc(values).insert(ignore_permissions=True)


def receive_serial_units(qty: int, item_code: str = SERIAL_ITEM) -> list[str]:
	"""Receive `qty` serialized units (ERPNext names them from the item's series); their serials."""
	entry = receive_stock(item_code, qty, rate=1000)
	bundle = frappe.db.get_value(
		"Stock Ledger Entry", {"voucher_no": entry, "is_cancelled": 0}, "serial_and_batch_bundle"
	)
	return frappe.get_all(
		"Serial and Batch Entry", filters={"parent": bundle}, pluck="serial_no", order_by="idx"
	)


def make_delivery_note(
	item_code: str, qty: float, serial_nos: list[str] | None = None, customer: str = CUSTOMER
):
	"""A submitted Delivery Note from the test company's Stores warehouse."""
	row = {"item_code": item_code, "qty": qty, "rate": 1000, "warehouse": warehouse()}
	if serial_nos:
		row.update({"use_serial_batch_fields": 1, "serial_no": "\n".join(serial_nos)})
	note = frappe.get_doc(
		{"doctype": "Delivery Note", "company": TEST_COMPANY, "customer": customer, "items": [row]}
	)
	note.insert(ignore_permissions=True)
	note.submit()
	return note


def make_warehouse(warehouse_name: str, company: str = TEST_COMPANY) -> str:
	name = frappe.db.get_value("Warehouse", {"warehouse_name": warehouse_name, "company": company})
	if name:
		return name
	parent = frappe.db.get_value(
		"Warehouse", {"company": company, "is_group": 1, "parent_warehouse": ("in", ("", None))}
	)
	return (
		frappe.get_doc(
			{
				"doctype": "Warehouse",
				"warehouse_name": warehouse_name,
				"company": company,
				"parent_warehouse": parent,
			}
		)
		.insert(ignore_permissions=True)
		.name
	)


def ledger(voucher_no: str, voucher_type: str = "Stock Entry") -> list[frappe._dict]:
	"""The live Stock Ledger Entries of a voucher."""
	return frappe.get_all(
		"Stock Ledger Entry",
		filters={"voucher_type": voucher_type, "voucher_no": voucher_no, "is_cancelled": 0},
		fields=["item_code", "warehouse", "actual_qty", "stock_value_difference"],
	)


def gl(voucher_no: str, voucher_type: str = "Stock Entry") -> list[frappe._dict]:
	"""The live GL Entries of a voucher."""
	return frappe.get_all(
		"GL Entry",
		filters={"voucher_type": voucher_type, "voucher_no": voucher_no, "is_cancelled": 0},
		fields=["account", "debit", "credit"],
	)


def issue_parts(job, user: str):
	"""Submit the job's Issue Parts entry as `user` (who needs stock rights); the job is reloaded."""
	from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue

	frappe.set_user(user)
	entry = frappe.get_doc("Stock Entry", make_parts_issue(job.name))
	entry.submit()
	frappe.set_user("Administrator")
	job.reload()
	return entry
