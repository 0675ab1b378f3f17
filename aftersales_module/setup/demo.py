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
from frappe.utils import add_days, add_years, get_datetime, getdate, now_datetime, nowdate
from frappe.utils.nestedset import get_root_of

from aftersales_module.guard import app_write

DATA_DIR = Path(__file__).parent / "demo_data"
DATA_FILES = ("customers", "items", "company", "people", "complaints", "repairs", "contracts", "week")
# Given to demo users that have no password, on a site in developer mode; see README.md.
DEFAULT_PASSWORD = "aftersales-demo"
SAVEPOINT = "aftersales_demo"
# The demo's labour item is sold by the hour; a site set up in another language calls it otherwise.
HOUR = "Hour"

# Keys of the JSON records that are not fields of their doctype.
ITEM_EXTRAS = ("selling_price", "opening_qty", "opening_warehouse")
COMPLAINT_EXTRAS = ("customer", "serial_no_of_item", "registered_days_ago", "classification", "actions")
REPAIR_EXTRAS = ("customer", "technicians", "parts", "statuses", "invoice")
CONTRACT_EXTRAS = (
	"label",
	"customer",
	"delivery",
	"started_days_ago",
	"ends_in_days",
	"length_days",
	"visits_done",
	"renew",
)


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
		self.done_visits: set[str] = set()

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
		labour_item = self.labour_item = self.make_items()
		self.spare_parts_warehouse = self.make_warehouse()
		account = self.make_warranty_account()
		self.make_prices()
		self.make_opening_stock()
		self.make_people()
		self.update_settings(labour_item, account)
		self.make_complaints()
		self.make_warranty_repair()
		self.make_paid_repair()
		self.make_contracts()
		self.make_week()
		self.make_recovery_and_quality()
		return self.created

	def make_recovery_and_quality(self):
		"""Issue 17's loop: a supplier claim partly accepted and booked, a key part over its
		threshold with its Non Conformance, and the reward and penalty entries."""
		from aftersales_module.setup.demo_accountability import make_accountability_demo
		from aftersales_module.setup.demo_key_parts import make_key_part_demo
		from aftersales_module.setup.demo_supplier_claims import make_supplier_claim_demo

		self.created += make_supplier_claim_demo(self)
		self.created += make_key_part_demo(self.company)
		self.created += make_accountability_demo(self.company)

	def make_customers(self):
		group = leaf_or_root("Customer Group")
		territory = leaf_or_root("Territory")
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
			values["stock_uom"] = self.uom(values["stock_uom"])
			names[record["item_code"]] = self.ensure("Item", {"item_code": record["item_code"]}, values)
		return names[self.data["items"]["labour"]["item_code"]]

	def item_group(self, preferred: str) -> str:
		return existing("Item Group", preferred) or leaf_or_root("Item Group")

	def uom(self, preferred: str) -> str:
		"""The UOM the data names, as this site calls it. An hour is a fraction of a day's work: a
		site without one gets the UOM "Hour", not a whole number. Anything else falls back to the
		stock UOM the site's Stock Settings give new items."""
		if found := existing("UOM", preferred):
			return found
		if preferred == HOUR:
			self.ensure("UOM", {"uom_name": HOUR}, {"must_be_whole_number": 0})
			return HOUR
		return frappe.db.get_single_value("Stock Settings", "stock_uom") or preferred

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
				"account_name": ("in", names_in_site_language(parent_name)),
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
		price_list = frappe.db.get_single_value("Selling Settings", "selling_price_list")
		if not price_list or not frappe.db.exists("Price List", price_list):
			price_list = frappe.db.get_value("Price List", {"selling": 1, "enabled": 1}, order_by="creation")
		if not price_list:
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
		"""The company's leaf warehouse of that name (or its translation, as ERPNext named it when
		the site was set up), the default warehouse of Stock Settings when it is the company's, or
		the demo's spare parts warehouse."""
		for name in names_in_site_language(warehouse_name):
			found = frappe.db.get_value(
				"Warehouse", {"company": self.company, "is_group": 0, "warehouse_name": name}
			)
			if found:
				return found
		default = frappe.db.get_single_value("Stock Settings", "default_warehouse")
		if default and frappe.db.get_value("Warehouse", default, "company") == self.company:
			return default
		return self.spare_parts_warehouse

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
						**person_name(person),
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
					**person_name(person),
					"company": self.company,
					"gender": existing("Gender", person["gender"]),
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
			{"parent_department": get_root_of("Department"), **department},
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
		from aftersales_module.integrations.erpnext.delivery_note import register_warranties, serial_nos_of

		note_name = frappe.db.get_value("Delivery Note", {"po_no": delivery["po_no"], "docstatus": 1})
		if note_name:
			note = frappe.get_doc("Delivery Note", note_name)
			if not frappe.db.exists("Warranty Registration", {"source_name": note.name}):
				# delivered by a demo run before the app was uninstalled and installed again, which
				# took the app's records with it: register the unit again
				register_warranties(note)
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
					# the demo's own labour item (by the hour), whatever item the settings name
					"labour": [{**row, "service_item": self.labour_item} for row in data.get("labour", [])],
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

	# ------------------------------------------------------------ maintenance contracts
	def contract_settings(self):
		"""The billing item and the daily reports' activity type, where the settings lack them."""
		data = self.data["contracts"]
		record = dict(data["billing_item"])
		record["item_group"] = self.item_group(record["item_group"])
		record["stock_uom"] = self.uom(record["stock_uom"])
		item = self.ensure("Item", {"item_code": record.pop("item_code")}, record)
		activity = self.ensure("Activity Type", {"activity_type": data["activity_type"]}, {})
		wanted = {"contract_billing_item": item, "daily_report_activity_type": activity}
		settings = frappe.get_doc("After Sales Settings")
		missing = {field: value for field, value in wanted.items() if not settings.get(field)}
		if missing:
			settings.update(missing)
			with app_write():
				settings.save(ignore_permissions=True)

	def make_contracts(self):
		"""Contracts active (billed monthly), expiring in 25 and 80 days, expired and renewed, each on
		a unit delivered to its customer; then the daily sweeps open the inspection jobs, flag the
		overdue visits, send the renewal reminders and bill what is due. The visits before the last
		`visits_done` ones are carried out by their jobs."""
		from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
			renew,
		)
		from aftersales_module.tasks import contracts as sweeps

		self.contract_settings()
		data = self.data["contracts"]
		today = getdate(nowdate())
		team = [{"user": self.email(m["login"]), "is_lead": m["is_lead"]} for m in data["team"]]
		for record in data["contracts"]:
			delivery = {**record["delivery"], "customer": record["customer"]}
			serial_no = self.deliver_unit(delivery)
			existing = frappe.db.get_value(
				"Maintenance Contract Unit",
				{"serial_no": serial_no, "parenttype": "Maintenance Contract"},
				"parent",
				order_by="creation",
			)
			if existing:
				continue
			if "started_days_ago" in record:
				start = add_days(today, -record["started_days_ago"])
			else:
				start = add_days(today, record["ends_in_days"] - record["length_days"] + 1)
			values = {k: v for k, v in record.items() if k not in CONTRACT_EXTRAS}
			doc = frappe.get_doc(
				{
					"doctype": "Maintenance Contract",
					"company": self.company,
					"customer": self.customer(record["customer"]),
					"start_date": start,
					"end_date": add_days(start, record["length_days"] - 1),
					"units": [{"item_code": delivery["item_code"], "serial_no": serial_no}],
					"team": team,
					**values,
				}
			)
			with app_write():
				doc.insert(ignore_permissions=True)
			doc.submit()
			self.created.append(f"Maintenance Contract {doc.name} ({record['label']})")
			past = [v for v in doc.visits if getdate(v.planned_date) < today]
			self.done_visits.update(v.name for v in past[: record.get("visits_done", 0)])
			if record.get("renew"):
				successor = frappe.get_doc("Maintenance Contract", renew(doc.name, with_quotation=True))
				successor.submit()
				self.created.append(f"Maintenance Contract {successor.name} (renews {doc.name})")
		sweeps.update_statuses(today)
		for job in sweeps.open_inspection_jobs(today):
			self.created.append(f"Repair Job {job} (inspection)")
		self.carry_out_visits()
		sweeps.mark_overdue_visits(today)
		sweeps.send_renewal_reminders(today)
		for invoice in sweeps.bill_contracts(today):
			self.created.append(f"Sales Invoice {invoice} (contract billing)")

	def carry_out_visits(self):
		"""The inspection jobs of the visits that were made: dispatched, done on the visit's day."""
		from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status

		technician = self.email(self.data["week"]["technicians"][0])
		for visit in self.done_visits:
			job_name, planned = frappe.db.get_value(
				"Maintenance Contract Visit", visit, ["repair_job", "planned_date"]
			)
			if not job_name or frappe.db.get_value("Repair Job", job_name, "status") != "Open":
				continue
			job = frappe.get_doc("Repair Job", job_name)
			job.append("technicians", {"user": technician})
			job.site_finding = self.data["contracts"]["inspection_finding"]
			with app_write():
				job.save(ignore_permissions=True)
			for status in ("Dispatched", "In Progress", "Completed"):
				set_status(job_name, status)
			self.backdate_job(job_name, get_datetime(f"{planned} 15:00:00"))

	def backdate_job(self, job_name: str, done_at):
		"""The demo tells of past days: the job was finished at `done_at`, and its return visits
		fall due from then (they were planned from now when it completed, moments ago)."""
		from aftersales_module import day_totals
		from aftersales_module.tasks import return_visits

		frappe.db.set_value("Repair Job", job_name, "completed_on", done_at, update_modified=False)
		# the reports' day totals read these days afresh: the job's, and its visits' before and after
		day_totals.mark(
			[
				done_at,
				*frappe.get_all(
					"Return Visit",
					filters={"reference_doctype": "Repair Job", "reference_name": job_name},
					pluck="due_date",
				),
			]
		)
		visit = frappe.db.get_value("Repair Job", job_name, "contract_visit")
		if visit:
			frappe.db.set_value("Maintenance Contract Visit", visit, "completed_on", done_at)
		frappe.db.delete("Return Visit", {"reference_doctype": "Repair Job", "reference_name": job_name})
		return_visits.create_for_sources("Repair Job", [job_name])

	# ------------------------------------------------------------ a week of work
	def make_week(self):
		"""The last week: each technician's jobs of each day, done and reported; the reports
		submitted and reviewed; the return visits made, with ratings (one Poor, which opens a
		complaint), and the calls not made in time missed and escalated. Each step picks up what
		an earlier run left undone."""
		data = self.data["week"]
		today = getdate(nowdate())
		for days_ago in range(data["days"], 0, -1):
			day = add_days(today, -days_ago)
			for t, login in enumerate(data["technicians"]):
				for j, job in enumerate(data["jobs"]):
					self.make_week_job(day, days_ago, t, j, login, job)
		self.report_week(today)
		self.make_return_visits(today)

	def make_week_job(self, day, days_ago: int, t: int, j: int, login: str, job: dict):
		from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status

		data = self.data["week"]
		receipt = f"{data['receipt_prefix']}{day}-{t}-{j}"
		if frappe.db.exists("Repair Job", {"carry_in_receipt_no": receipt}):
			return
		customers = self.data["customers"]
		customer = customers[(days_ago + t + j) % len(customers)]["customer_name"]
		doc = frappe.get_doc(
			{
				"doctype": "Repair Job",
				"company": self.company,
				"service_class": "Paid",
				"customer": self.customer(customer),
				"posting_date": day,
				"appointment": get_datetime(f"{day} {job['start']}"),
				"item_code": job["item_code"],
				"carry_in_receipt_no": receipt,
				"reported_symptom": job["symptom"],
				"site_finding": job["finding"],
				"first_time_fix": int((days_ago + j) % 4 != 0),
				"technicians": [{"user": self.email(login)}],
				"labour": [
					{"activity": job["activity"], "hours": job["hours"], "service_item": self.labour_item}
				],
			}
		)
		with app_write():
			doc.insert(ignore_permissions=True)
		for status in ("Dispatched", "In Progress", "Completed"):
			set_status(doc.name, status)
		self.backdate_job(doc.name, get_datetime(f"{day} {job['end']}"))
		self.created.append(f"Repair Job {doc.name} ({day}, {login})")

	def report_week(self, today):
		"""Draft each day's reports; the technician submits them; the supervisor approves them, but
		returns one and has not reviewed yesterday's yet."""
		from frappe.model.workflow import apply_workflow

		from aftersales_module.tasks.daily_reports import draft_reports

		data = self.data["week"]
		supervisor = self.email(data["supervisor"])
		technicians = [self.email(login) for login in data["technicians"]]
		for days_ago in range(data["days"], 0, -1):
			day = add_days(today, -days_ago)
			have = set(
				frappe.get_all(
					"Technician Daily Report",
					filters={"technician": ("in", technicians), "report_date": day},
					pluck="technician",
				)
			)
			# a returned report is cancelled, for its technician to amend: it is not drafted again
			draft_reports(day, [user for user in technicians if user not in have])
			for name in frappe.get_all(
				"Technician Daily Report",
				filters={"technician": ("in", technicians), "report_date": day, "docstatus": ("<", 2)},
				pluck="name",
				order_by="technician",
			):
				report = frappe.get_doc("Technician Daily Report", name)
				if report.workflow_state == "Draft":
					report.notes = data["notes"]
					report.tomorrow_plan = data["tomorrow_plan"]
					with app_write():
						report.save(ignore_permissions=True)
					self.as_user(report.technician, apply_workflow, report, "Submit")
					report.reload()
				elif report.workflow_state != "Submitted" or days_ago == 1:
					continue
				if days_ago == 1:
					state = "Submitted"
				elif days_ago == data["returned_days_ago"] and report.technician == technicians[-1]:
					report.review_comment = data["return_comment"]
					self.as_user(supervisor, report.save)
					self.as_user(supervisor, apply_workflow, report, "Return to Technician")
					state = "Returned"
				else:
					self.as_user(supervisor, apply_workflow, report, "Approve")
					state = "Approved"
				self.created.append(f"Technician Daily Report {name} ({day}, {state})")

	def as_user(self, user: str, fn, *args):
		previous = frappe.session.user
		frappe.set_user(user)
		try:
			return fn(*args)
		finally:
			frappe.set_user(previous)

	def make_return_visits(self, today):
		"""Every visit due by today is made and rated, except the calls of the first day (missed, so
		they escalate); one customer rates the attitude Poor, which opens a service complaint."""
		from aftersales_module.tasks import escalation, return_visits

		data = self.data["week"]
		staff = self.email(data["return_visit_staff"])
		first_day = add_days(today, -data["days"])
		visits = frappe.get_all(
			"Return Visit",
			filters={"status": "Open", "due_date": ("<", today), "reference_doctype": "Repair Job"},
			fields=["name", "service_date", "visit_kind"],
			order_by="due_date, name",
		)
		ratings = data["ratings"]
		poor_given = frappe.db.exists("Return Visit", {"rating_attitude": "Poor", "visited_by": staff})
		rated = 0
		for i, row in enumerate(visits):
			if getdate(row.service_date) == first_day and row.visit_kind == "Satisfaction Call":
				continue  # nobody called: missed
			visit = frappe.get_doc("Return Visit", row.name)
			values = dict(ratings[i % len(ratings)])
			if not poor_given and row.visit_kind == "Satisfaction Call":
				values = {**values, **data["poor_rating"]}
				poor_given = True
			visit.update({"reached": 1, "contact_method": "Phone", "attempts": 1, **values})
			self.as_user(staff, visit.save)
			rated += 1
		missed = return_visits.daily(today).get("missed", 0)
		escalation.sweep()
		if rated or missed:
			self.created.append(f"Return Visits: {rated} made with ratings, {missed} missed (escalated)")


def names_in_site_language(name: str) -> list[str]:
	"""`name` and its translation into the site's language: ERPNext names the masters it makes in
	its setup wizard (item groups, warehouses, accounts, UOMs) in the language the site was set up in."""
	language = frappe.db.get_single_value("System Settings", "language") or "en"
	return list(dict.fromkeys((name, _(name, lang=language))))


def existing(doctype: str, name: str) -> str | None:
	"""The record called `name` on this site, under its own name or the site language's."""
	return next((n for n in names_in_site_language(name) if frappe.db.exists(doctype, n)), None)


def leaf_or_root(doctype: str) -> str:
	"""The first leaf of a tree (a customer group, a territory, an item group), else its root,
	whatever the site's language called them."""
	return frappe.db.get_value(doctype, {"is_group": 0}, order_by="lft") or get_root_of(doctype)


def person_name(person: dict) -> dict:
	"""A Chinese name is written family name first, without a space (李伟): the whole name goes in
	the first name. Other names keep first and last."""
	if person.get("full_name"):
		return {"first_name": person["full_name"], "last_name": ""}
	return {"first_name": person["first_name"], "last_name": person.get("last_name") or ""}


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
