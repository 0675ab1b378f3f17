"""The after-sales demo: the records in `demo_data/*.json`, loaded on top of the site's company.

`bench --site SITE aftersales-demo` calls `make_demo()`, then `set_passwords()`. Every step looks
for what it would create first, so a second run creates nothing and says so. The load runs inside a
savepoint: when a step fails, everything the demo wrote is rolled back and the error is raised.

The records the demo types in itself (masters, and the app's documents and the fields a handler fills
in) it writes inside `app_write()`, as the app's own code. It moves documents along their life cycle
only through the app's actions (workflow actions, Repair Job `set_status`, submitting stock entries,
deliveries, claims and invoices), outside `app_write()`, so those apply the same rules and stamps as
they do for a user.

The JSON files hold records with named keys, close to the doctypes' own fields; the few keys that
are not fields (`selling_price`, `opening_qty`, `actions` …) are read here and nowhere else.
"""

import json
from pathlib import Path

import frappe
from frappe import _
from frappe.utils import add_days, add_years, getdate, now_datetime, nowdate

from aftersales_module.guard import app_write

DATA_DIR = Path(__file__).parent / "demo_data"
DATA_FILES = ("customers", "items", "company", "people", "complaints", "repairs")
# Given to demo users that have no password, on a site in developer mode; see README.md.
DEFAULT_PASSWORD = "aftersales-demo"
SAVEPOINT = "aftersales_demo"

# Keys of the JSON records that are not fields of their doctype.
ITEM_EXTRAS = ("selling_price", "opening_qty", "opening_warehouse")
COMPLAINT_EXTRAS = ("customer", "serial_no_of_item", "registered_days_ago", "classification", "actions")
REPAIR_EXTRAS = ("customer", "technicians", "parts", "statuses", "invoice")


def load(name: str):
	"""The records of `demo_data/<name>.json`."""
	with (DATA_DIR / f"{name}.json").open(encoding="utf-8") as f:
		return json.load(f)


def load_all() -> dict:
	return {name: load(name) for name in DATA_FILES}


class Demo:
	def __init__(self, company: str, data: dict):
		self.company = company
		self.data = data
		self.created: list[str] = []

	def ensure(self, doctype: str, filters: dict, values: dict, label: str | None = None) -> str:
		"""The name of the record matching `filters`, inserting it from `values` when missing;
		`label` names it in the report when its own name is a hash."""
		name = frappe.db.get_value(doctype, filters)
		if name:
			return name
		doc = frappe.get_doc({"doctype": doctype, **filters, **values})
		with app_write():
			doc.insert(ignore_permissions=True)
		self.created.append(f"{doctype} {label or doc.name}")
		return doc.name

	def email(self, login: str) -> str:
		return f"{login}@{self.data['people']['email_domain']}"

	def customer(self, customer_name: str) -> str:
		return frappe.db.get_value("Customer", {"customer_name": customer_name})

	def run(self) -> list[str]:
		self.make_customers()
		labour_item = self.make_items()
		self.spare_parts_warehouse = self.make_warehouse()
		account = self.make_warranty_account()
		self.make_prices()
		self.make_opening_stock()
		self.make_people()
		self.update_settings(labour_item, account)
		self.make_complaints()
		self.make_warranty_repair()
		self.make_paid_repair()
		return self.created

	def make_customers(self):
		group = frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups"
		territory = frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories"
		for record in self.data["customers"]:
			values = {k: v for k, v in record.items() if k != "customer_name"}
			self.ensure(
				"Customer",
				{"customer_name": record["customer_name"]},
				{"customer_group": group, "territory": territory, **values},
			)

	def items(self) -> list[dict]:
		items = self.data["items"]
		return [*items["units"], *items["spare_parts"], items["labour"]]

	def make_items(self) -> str:
		"""Units, spare parts and the labour item; the name of the labour item."""
		names = {}
		for record in self.items():
			values = {k: v for k, v in record.items() if k not in ("item_code", *ITEM_EXTRAS)}
			values["item_group"] = self.item_group(values["item_group"])
			if not frappe.db.exists("UOM", values["stock_uom"]):
				values["stock_uom"] = "Nos"
			names[record["item_code"]] = self.ensure("Item", {"item_code": record["item_code"]}, values)
		return names[self.data["items"]["labour"]["item_code"]]

	def item_group(self, preferred: str) -> str:
		if frappe.db.exists("Item Group", preferred):
			return preferred
		return frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups"

	def make_warehouse(self) -> str:
		parent = frappe.db.get_value(
			"Warehouse", {"company": self.company, "is_group": 1, "parent_warehouse": ("in", ("", None))}
		)
		return self.ensure(
			"Warehouse",
			{**self.data["company"]["spare_parts_warehouse"], "company": self.company},
			{"parent_warehouse": parent, "is_group": 0},
		)

	def make_warranty_account(self) -> str:
		record = dict(self.data["company"]["warranty_expense_account"])
		parent_name = record.pop("parent_account_name")
		parent = frappe.db.get_value(
			"Account",
			{
				"company": self.company,
				"root_type": record["root_type"],
				"is_group": 1,
				"account_name": parent_name,
			},
		) or frappe.db.get_value(
			"Account",
			{"company": self.company, "root_type": record["root_type"], "is_group": 1},
			order_by="lft desc",
		)
		return self.ensure(
			"Account",
			{"account_name": record.pop("account_name"), "company": self.company},
			{"parent_account": parent, **record},
		)

	def make_prices(self):
		price_list = (
			frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
		)
		if not frappe.db.exists("Price List", price_list):
			return
		for record in self.items():
			code, price = record["item_code"], record["selling_price"]
			self.ensure(
				"Item Price",
				{"item_code": code, "price_list": price_list},
				{"price_list_rate": price},
				label=f"{code} @ {price} ({price_list})",
			)

	def warehouse_named(self, warehouse_name: str) -> str:
		"""The company's leaf warehouse of that name, or the demo's spare parts warehouse."""
		return (
			frappe.db.get_value(
				"Warehouse", {"company": self.company, "is_group": 0, "warehouse_name": warehouse_name}
			)
			or self.spare_parts_warehouse
		)

	def make_opening_stock(self):
		remark = self.data["company"]["opening_stock_remark"]
		if frappe.db.exists("Stock Entry", {"remarks": remark, "docstatus": 1}):
			return
		entry = frappe.new_doc("Stock Entry")
		entry.update(
			{
				"stock_entry_type": "Material Receipt",
				"purpose": "Material Receipt",
				"company": self.company,
				"posting_date": nowdate(),
				"remarks": remark,
			}
		)
		for record in self.items():
			if not record.get("opening_qty"):
				continue
			entry.append(
				"items",
				{
					"item_code": record["item_code"],
					"qty": record["opening_qty"],
					"t_warehouse": self.warehouse_named(record["opening_warehouse"]),
					"basic_rate": record["valuation_rate"],
				},
			)
		entry.insert(ignore_permissions=True)
		entry.submit()
		self.created.append(f"Stock Entry {entry.name} (Material Receipt)")

	def make_people(self):
		today = getdate(nowdate())
		for person in self.data["people"]["people"]:
			email = self.email(person["login"])
			if not frappe.db.exists("User", email):
				user = frappe.get_doc(
					{
						"doctype": "User",
						"email": email,
						"first_name": person["first_name"],
						"last_name": person["last_name"],
						"language": person["language"],
						"send_welcome_email": 0,
						"user_type": "System User",
					}
				).insert(ignore_permissions=True)
				user.add_roles(*person["roles"])
				self.created.append(f"User {email}")
			designation = person.get("designation")
			if designation and not frappe.db.exists("Designation", designation):
				self.ensure("Designation", {"designation_name": designation}, {})
			reports_to = person.get("reports_to")
			self.ensure(
				"Employee",
				{"user_id": email},
				{
					"first_name": person["first_name"],
					"last_name": person["last_name"],
					"company": self.company,
					"gender": person["gender"] if frappe.db.exists("Gender", person["gender"]) else None,
					"date_of_birth": add_years(today, -person["age"]),
					"date_of_joining": add_years(today, -person["years_of_service"]),
					"designation": designation,
					"status": "Active",
					"reports_to": reports_to
					and frappe.db.get_value("Employee", {"user_id": self.email(reports_to)}),
				},
			)

	def update_settings(self, labour_item: str, account: str):
		settings = frappe.get_doc("After Sales Settings")
		wanted = {
			"default_company": self.company,
			"spare_parts_warehouse": self.spare_parts_warehouse,
			"labour_item": labour_item,
			"warranty_expense_account": account,
		}
		missing = {field: value for field, value in wanted.items() if not settings.get(field)}
		if settings.default_company and settings.default_company != self.company:
			return
		if missing:
			settings.update(missing)
			with app_write():
				settings.save(ignore_permissions=True)
			self.created.append(
				"After Sales Settings: " + ", ".join(settings.meta.get_label(f) for f in missing)
			)

	def make_complaints(self):
		"""Each complaint goes through its workflow actions, as a handler would take them: fields
		in `values_before_action` are filled in before that action, the classification after
		Classify."""
		from frappe.model.workflow import apply_workflow

		from aftersales_module.setup.install import seed_complaint_setup

		seed_complaint_setup()
		data = self.data["complaints"]
		department = dict(self.data["company"]["department"])
		department = self.ensure(
			"Department",
			{"department_name": department.pop("department_name"), "company": self.company},
			department,
		)
		classification = {**data["classification"], "responsible_department": department}
		for case in data["complaints"]:
			if frappe.db.exists("Complaint Record", {"subject": case["subject"]}):
				continue
			values = {k: v for k, v in case.items() if k not in COMPLAINT_EXTRAS}
			if case.get("serial_no_of_item"):
				values["serial_no"] = frappe.db.get_value(
					"Serial No", {"item_code": case["serial_no_of_item"]}, order_by="name"
				)
			doc = frappe.get_doc(
				{
					"doctype": "Complaint Record",
					"company": self.company,
					"customer": self.customer(case["customer"]),
					"handler": self.email(data["handler"]),
					"registered_on": add_days(now_datetime(), -case.get("registered_days_ago", 0)),
					**values,
				}
			)
			with app_write():
				doc.insert(ignore_permissions=True)
			for action in case["actions"]:
				before = data["values_before_action"].get(action)
				if before:
					doc.update(before)
					with app_write():
						doc.save(ignore_permissions=True)
				doc = apply_workflow(doc, action)
				if action == "Classify":
					doc.update(classification | case.get("classification", {}))
					with app_write():
						doc.save(ignore_permissions=True)
			self.created.append(f"Complaint Record {doc.name} ({doc.status})")

	def deliver_unit(self, delivery: dict) -> str:
		"""Deliver one serialized unit to the customer; its serial number."""
		from aftersales_module.integrations.erpnext.delivery_note import serial_nos_of

		note_name = frappe.db.get_value("Delivery Note", {"po_no": delivery["po_no"], "docstatus": 1})
		if note_name:
			note = frappe.get_doc("Delivery Note", note_name)
			return serial_nos_of(note.items[0])[0]
		code = delivery["item_code"]
		serial_no, warehouse = frappe.db.get_value(
			"Serial No",
			{"item_code": code, "status": "Active", "company": self.company},
			["name", "warehouse"],
			order_by="name",
		) or (None, None)
		if not serial_no:
			frappe.throw(_("The demo has no {0} in stock to deliver").format(code))
		note = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": self.company,
				"customer": self.customer(delivery["customer"]),
				"po_no": delivery["po_no"],
				"items": [
					{
						"item_code": code,
						"qty": 1,
						"warehouse": warehouse,
						"use_serial_batch_fields": 1,
						"serial_no": serial_no,
					}
				],
			}
		)
		note.insert(ignore_permissions=True)
		note.submit()
		self.created.append(f"Delivery Note {note.name} ({code} {serial_no}, with warranty registration)")
		return serial_no

	def issue_parts(self, job_name: str):
		from aftersales_module.aftersales_module.doctype.repair_job.parts import make_parts_issue

		entry = frappe.get_doc("Stock Entry", make_parts_issue(job_name))
		entry.submit()
		self.created.append(f"Stock Entry {entry.name} (parts issued to {job_name})")

	def parts(self, rows: list[dict]) -> list[dict]:
		return [{**row, "warehouse": self.spare_parts_warehouse} for row in rows]

	def technicians(self, logins: list[str]) -> list[dict]:
		return [{"user": self.email(login)} for login in logins]

	def make_warranty_repair(self):
		"""A warranty claim on a delivered unit, its warranty repair job, and the parts issued to it."""
		data = self.data["repairs"]["warranty_repair"]
		delivery = data["delivery"]
		serial_no = self.deliver_unit(delivery)
		claim_name = frappe.db.get_value("Product Warranty Claim", {"serial_no": serial_no, "docstatus": 1})
		if not claim_name:
			claim = frappe.get_doc(
				{
					"doctype": "Product Warranty Claim",
					"company": self.company,
					"customer": self.customer(delivery["customer"]),
					"item_code": delivery["item_code"],
					"serial_no": serial_no,
					**data["claim"],
				}
			)
			with app_write():
				claim.insert(ignore_permissions=True)
			claim.submit()
			claim_name = claim.name
			self.created.append(f"Product Warranty Claim {claim.name} -> Repair Job {claim.repair_job}")
		job = frappe.get_doc(
			"Repair Job", frappe.db.get_value("Product Warranty Claim", claim_name, "repair_job")
		)
		if not job.parts:
			for row in self.parts(data["parts"]):
				job.append("parts", row)
			for row in self.technicians(data["technicians"]):
				job.append("technicians", row)
			with app_write():
				job.save(ignore_permissions=True)
		if not any(row.issued_qty for row in job.parts):
			self.issue_parts(job.name)

	def make_paid_repair(self):
		"""A paid repair: parts issued, labour booked, taken through its statuses and invoiced."""
		from aftersales_module.aftersales_module.doctype.repair_job.invoicing import make_sales_invoice
		from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status

		data = self.data["repairs"]["paid_repair"]
		filters = {
			"customer": self.customer(data["customer"]),
			"service_class": data["service_class"],
			"carry_in_receipt_no": data["carry_in_receipt_no"],
		}
		job_name = frappe.db.get_value("Repair Job", filters)
		if not job_name:
			values = {k: v for k, v in data.items() if k not in (*filters, *REPAIR_EXTRAS)}
			job = frappe.get_doc(
				{
					"doctype": "Repair Job",
					"company": self.company,
					**filters,
					**values,
					"technicians": self.technicians(data["technicians"]),
					"parts": self.parts(data["parts"]),
				}
			)
			with app_write():
				job.insert(ignore_permissions=True)
			job_name = job.name
			self.created.append(f"Repair Job {job.name} ({data['service_class']})")
		statuses = data["statuses"]
		status = frappe.db.get_value("Repair Job", job_name, "status")
		job = frappe.get_doc("Repair Job", job_name)
		if not any(row.issued_qty for row in job.parts) and status in ("Open", *statuses[:-1]):
			self.issue_parts(job_name)
		if status == "Open":
			remaining = statuses
		elif status in statuses:
			remaining = statuses[statuses.index(status) + 1 :]
		else:
			remaining = []
		for status in remaining:
			set_status(job_name, status)
		if data.get("invoice") and frappe.db.get_value("Repair Job", job_name, "status") == "Completed":
			invoice = frappe.get_doc("Sales Invoice", make_sales_invoice(job_name))
			invoice.submit()
			self.created.append(f"Sales Invoice {invoice.name} (Repair Job {job_name}, Invoiced)")


def demo_company() -> str:
	from erpnext import get_default_company

	company = (
		frappe.db.get_single_value("After Sales Settings", "default_company")
		or get_default_company()
		or frappe.db.get_value("Company", {}, "name", order_by="creation")
	)
	if not company:
		frappe.throw(
			_("The site has no Company yet: finish the ERPNext setup wizard, then run the demo again")
		)
	return company


def make_demo(data: dict | None = None) -> list[str]:
	"""Create the demo data set (by default the one in demo_data/) and commit it; return a line for
	each record it created. On an error, roll back everything it wrote and raise the error."""
	demo = Demo(demo_company(), data or load_all())
	frappe.db.savepoint(SAVEPOINT)
	try:
		created = demo.run()
	except Exception:
		frappe.db.rollback(save_point=SAVEPOINT)
		raise
	frappe.db.release_savepoint(SAVEPOINT)
	frappe.db.commit()
	return created


def demo_logins(data: dict | None = None) -> list[str]:
	people = (data or load_all())["people"]
	return [f"{person['login']}@{people['email_domain']}" for person in people["people"]]


def has_password(user: str) -> bool:
	auth = frappe.qb.Table("__Auth")
	return bool(
		frappe.qb.from_(auth)
		.select(auth.name)
		.where((auth.doctype == "User") & (auth.name == user) & (auth.fieldname == "password"))
		.run()
	)


def set_passwords(password: str | None = None) -> list[str]:
	"""Give the demo users a password and commit; return the logins whose password was set.

	With `password`, every demo user gets it. Without, on a site in developer mode, the users that
	have no password yet get DEFAULT_PASSWORD; on any other site nothing changes."""
	from frappe.utils.password import update_password

	if not password and not frappe.conf.developer_mode:
		return []
	changed = []
	for login in demo_logins():
		if not frappe.db.exists("User", login) or (not password and has_password(login)):
			continue
		update_password(login, password or DEFAULT_PASSWORD)
		changed.append(login)
	frappe.db.commit()
	return changed


def demo_users() -> list[dict]:
	"""Login, full name, roles and whether a password is set, for each demo user on the site."""
	users = []
	for login in demo_logins():
		if not frappe.db.exists("User", login):
			continue
		users.append(
			{
				"login": login,
				"full_name": frappe.db.get_value("User", login, "full_name"),
				"roles": frappe.get_all(
					"Has Role",
					filters={"parent": login, "parenttype": "User"},
					pluck="role",
					order_by="idx",
				),
				"has_password": has_password(login),
			}
		)
	return users
