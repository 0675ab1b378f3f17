"""A small, realistic after-sales data set on top of the site's ERPNext company.

`bench --site SITE aftersales-demo` calls `make_demo()`. Every step looks for what it would
create first, so a second run creates nothing and says so.
"""

import frappe
from frappe import _
from frappe.utils import add_years, getdate, nowdate

DEMO_DOMAIN = "aftersales-demo.example"
OPENING_STOCK_REMARK = "After-sales demo: opening stock"
DEMO_DELIVERY_REF = "AS-DEMO-DELIVERY"
DEMO_PAID_JOB_REF = "AS-DEMO-CARRY-IN-1"

CUSTOMERS = [
	("华东矿业集团有限公司", "Commercial"),
	("苏州恒通物业管理有限公司", "Commercial"),
	("杭州味佳餐饮连锁有限公司", "Commercial"),
]

# item_code, item_name, group, stock item, warranty days, serial series, valuation, selling price
UNITS = [
	("AS-PUMP-MD280", "矿用排水泵 MD280 Mine Drainage Pump", 1, "730", "MD280-.#####", 38000, 52000),
	("AS-AC-KF35", "分体空调 KF-35 Split Air Conditioner", 1, "365", "KF35-.#####", 2100, 3299),
]
SPARE_PARTS = [
	("AS-SP-SEAL", "机械密封组件 Mechanical Seal Kit", 380, 560, 40),
	("AS-SP-BRG6308", "轴承 6308 Bearing 6308", 85, 130, 100),
	("AS-SP-IMP280", "叶轮 MD280 Impeller", 1250, 1800, 12),
	("AS-SP-CAP35", "压缩机电容 Compressor Capacitor", 45, 75, 60),
]
LABOUR_ITEM = ("AS-LABOUR", "维修工时 Repair Labour (hour)", 150)

PEOPLE = [
	# email user part, first name, last name, roles, designation
	("zhang.min", "敏", "张", ["After Sales Manager", "After Sales User"], "售后服务主管"),
	("li.wei", "伟", "李", ["Service Technician"], "维修技术员"),
]


class Demo:
	def __init__(self, company: str):
		self.company = company
		self.abbr = frappe.get_cached_value("Company", company, "abbr")
		self.created: list[str] = []

	def ensure(self, doctype: str, filters: dict, values: dict, label: str | None = None) -> str:
		"""The name of the record matching `filters`, inserting it from `values` when missing;
		`label` names it in the report when its own name is a hash."""
		name = frappe.db.get_value(doctype, filters)
		if name:
			return name
		doc = frappe.get_doc({"doctype": doctype, **filters, **values})
		doc.insert(ignore_permissions=True)
		self.created.append(f"{doctype} {label or doc.name}")
		return doc.name

	def run(self) -> list[str]:
		self.make_customers()
		labour_item = self.make_items()
		warehouse = self.make_warehouse()
		self.spare_parts_warehouse = warehouse
		account = self.make_warranty_account()
		self.make_prices()
		self.make_opening_stock(warehouse)
		self.make_people()
		self.update_settings(warehouse, labour_item, account)
		self.make_complaints()
		self.make_warranty_repair()
		self.make_paid_repair()
		return self.created

	def make_customers(self):
		group = frappe.db.get_value("Customer Group", {"is_group": 0}) or "All Customer Groups"
		territory = frappe.db.get_value("Territory", {"is_group": 0}) or "All Territories"
		for customer_name, _kind in CUSTOMERS:
			self.ensure(
				"Customer",
				{"customer_name": customer_name},
				{"customer_type": "Company", "customer_group": group, "territory": territory},
			)

	def item_group(self, preferred: str) -> str:
		if frappe.db.exists("Item Group", preferred):
			return preferred
		return frappe.db.get_value("Item Group", {"is_group": 0}) or "All Item Groups"

	def make_items(self) -> str:
		for code, name, _stock, warranty, series, valuation, _price in UNITS:
			self.ensure(
				"Item",
				{"item_code": code},
				{
					"item_name": name,
					"item_group": self.item_group("Products"),
					"stock_uom": "Nos",
					"is_stock_item": 1,
					"has_serial_no": 1,
					"serial_no_series": series,
					"warranty_period": warranty,
					"valuation_rate": valuation,
				},
			)
		for code, name, valuation, _price, _qty in SPARE_PARTS:
			self.ensure(
				"Item",
				{"item_code": code},
				{
					"item_name": name,
					"item_group": self.item_group("Raw Material"),
					"stock_uom": "Nos",
					"is_stock_item": 1,
					"valuation_rate": valuation,
				},
			)
		code, name, _price = LABOUR_ITEM
		return self.ensure(
			"Item",
			{"item_code": code},
			{
				"item_name": name,
				"item_group": self.item_group("Services"),
				"stock_uom": "Hour" if frappe.db.exists("UOM", "Hour") else "Nos",
				"is_stock_item": 0,
				"include_item_in_manufacturing": 0,
			},
		)

	def make_warehouse(self) -> str:
		parent = frappe.db.get_value(
			"Warehouse", {"company": self.company, "is_group": 1, "parent_warehouse": ("in", ("", None))}
		)
		return self.ensure(
			"Warehouse",
			{"warehouse_name": "Spare Parts", "company": self.company},
			{"parent_warehouse": parent, "is_group": 0},
		)

	def make_warranty_account(self) -> str:
		parent = frappe.db.get_value(
			"Account",
			{
				"company": self.company,
				"root_type": "Expense",
				"is_group": 1,
				"account_name": "Indirect Expenses",
			},
		) or frappe.db.get_value(
			"Account", {"company": self.company, "root_type": "Expense", "is_group": 1}, order_by="lft desc"
		)
		return self.ensure(
			"Account",
			{"account_name": "Warranty Expense", "company": self.company},
			{"parent_account": parent, "root_type": "Expense", "account_type": "Expense Account"},
		)

	def make_prices(self):
		price_list = (
			frappe.db.get_single_value("Selling Settings", "selling_price_list") or "Standard Selling"
		)
		if not frappe.db.exists("Price List", price_list):
			return
		rows = [(code, price) for code, *_rest, price in UNITS]
		rows += [(code, price) for code, _name, _valuation, price, _qty in SPARE_PARTS]
		rows.append((LABOUR_ITEM[0], LABOUR_ITEM[2]))
		for code, price in rows:
			self.ensure(
				"Item Price",
				{"item_code": code, "price_list": price_list},
				{"price_list_rate": price},
				label=f"{code} @ {price} ({price_list})",
			)

	def make_opening_stock(self, spare_parts_warehouse: str):
		if frappe.db.exists("Stock Entry", {"remarks": OPENING_STOCK_REMARK, "docstatus": 1}):
			return
		units_warehouse = (
			frappe.db.get_value(
				"Warehouse", {"company": self.company, "is_group": 0, "warehouse_name": "Stores"}
			)
			or spare_parts_warehouse
		)
		entry = frappe.new_doc("Stock Entry")
		entry.update(
			{
				"stock_entry_type": "Material Receipt",
				"purpose": "Material Receipt",
				"company": self.company,
				"posting_date": nowdate(),
				"remarks": OPENING_STOCK_REMARK,
			}
		)
		for code, _name, _stock, _warranty, _series, valuation, _price in UNITS:
			entry.append(
				"items",
				{"item_code": code, "qty": 5, "t_warehouse": units_warehouse, "basic_rate": valuation},
			)
		for code, _name, valuation, _price, qty in SPARE_PARTS:
			entry.append(
				"items",
				{
					"item_code": code,
					"qty": qty,
					"t_warehouse": spare_parts_warehouse,
					"basic_rate": valuation,
				},
			)
		entry.insert(ignore_permissions=True)
		entry.submit()
		self.created.append(f"Stock Entry {entry.name} (Material Receipt)")

	def make_people(self):
		manager_employee = None
		for user_part, first_name, last_name, roles, designation in PEOPLE:
			email = f"{user_part}@{DEMO_DOMAIN}"
			if not frappe.db.exists("User", email):
				user = frappe.get_doc(
					{
						"doctype": "User",
						"email": email,
						"first_name": first_name,
						"last_name": last_name,
						"language": "zh",
						"send_welcome_email": 0,
						"user_type": "System User",
					}
				).insert(ignore_permissions=True)
				user.add_roles(*roles)
				self.created.append(f"User {email}")
			if designation and not frappe.db.exists("Designation", designation):
				self.ensure("Designation", {"designation_name": designation}, {})
			employee = self.ensure(
				"Employee",
				{"user_id": email},
				{
					"first_name": first_name,
					"last_name": last_name,
					"company": self.company,
					"gender": "Male" if frappe.db.exists("Gender", "Male") else None,
					"date_of_birth": add_years(getdate(nowdate()), -30),
					"date_of_joining": add_years(getdate(nowdate()), -3),
					"designation": designation,
					"status": "Active",
					"reports_to": manager_employee,
				},
			)
			manager_employee = manager_employee or employee

	def update_settings(self, warehouse: str, labour_item: str, account: str):
		settings = frappe.get_doc("After Sales Settings")
		wanted = {
			"default_company": self.company,
			"spare_parts_warehouse": warehouse,
			"labour_item": labour_item,
			"warranty_expense_account": account,
		}
		missing = {field: value for field, value in wanted.items() if not settings.get(field)}
		if settings.default_company and settings.default_company != self.company:
			return
		if missing:
			settings.update(missing)
			settings.save(ignore_permissions=True)
			self.created.append(
				"After Sales Settings: " + ", ".join(settings.meta.get_label(f) for f in missing)
			)

	def make_complaints(self):
		from frappe.model.workflow import apply_workflow
		from frappe.utils import add_days, now_datetime

		from aftersales_module.install import seed_complaint_setup

		seed_complaint_setup()
		manager = f"{PEOPLE[0][0]}@{DEMO_DOMAIN}"
		pump_serial = frappe.db.get_value("Serial No", {"item_code": UNITS[0][0]}, order_by="name")
		department = self.ensure(
			"Department",
			{"department_name": "售后服务部", "company": self.company},
			{"parent_department": "All Departments"},
		)
		classify = {"validity": "Valid", "responsible_department": department}
		for case in COMPLAINTS:
			if frappe.db.exists("Complaint Record", {"subject": case["subject"]}):
				continue
			values = dict(case["values"])
			days_ago = values.pop("days_ago", 0)
			if values.pop("pump", False):
				values["serial_no"] = pump_serial
			doc = frappe.get_doc(
				{
					"doctype": "Complaint Record",
					"company": self.company,
					"subject": case["subject"],
					"customer": CUSTOMERS[case["customer"]][0],
					"handler": manager,
					"registered_on": add_days(now_datetime(), -days_ago),
					**values,
				}
			).insert(ignore_permissions=True)
			for action in case["actions"]:
				if action == "Classify":
					doc = apply_workflow(doc, action)
					doc.update(classify | case.get("classification", {}))
					doc.save(ignore_permissions=True)
					continue
				if action == "Propose Solution":
					doc.proposed_solution = "更换机械密封组件并校正泵轴"
					doc.save(ignore_permissions=True)
				if action == "Customer Agrees":
					doc.customer_agreed_by = "王经理"
					doc.save(ignore_permissions=True)
				if action == "Record Return Visit":
					doc.customer_feedback = "问题已解决，满意"
					doc.satisfaction = "Satisfied"
					doc.save(ignore_permissions=True)
				doc = apply_workflow(doc, action)
			self.created.append(f"Complaint Record {doc.name} ({doc.status})")

	def technician(self) -> str:
		return f"{PEOPLE[1][0]}@{DEMO_DOMAIN}"

	def deliver_unit(self) -> str:
		"""Deliver one serialized pump to the first customer; its serial number."""
		from aftersales_module.integrations.erpnext.delivery_note import serial_nos_of

		note_name = frappe.db.get_value("Delivery Note", {"po_no": DEMO_DELIVERY_REF, "docstatus": 1})
		if note_name:
			note = frappe.get_doc("Delivery Note", note_name)
			return serial_nos_of(note.items[0])[0]
		code = UNITS[0][0]
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
				"customer": self.customer(0),
				"po_no": DEMO_DELIVERY_REF,
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

	def customer(self, index: int) -> str:
		return frappe.db.get_value("Customer", {"customer_name": CUSTOMERS[index][0]})

	def issue_parts(self, job_name: str):
		from aftersales_module.integrations.erpnext.stock_entry import make_parts_issue

		entry = frappe.get_doc("Stock Entry", make_parts_issue(job_name))
		entry.submit()
		self.created.append(f"Stock Entry {entry.name} (parts issued to {job_name})")

	def make_warranty_repair(self):
		"""A warranty claim on the delivered pump, its warranty repair job, and the parts issued to it."""
		serial_no = self.deliver_unit()
		claim_name = frappe.db.get_value("Product Warranty Claim", {"serial_no": serial_no, "docstatus": 1})
		if not claim_name:
			claim = frappe.get_doc(
				{
					"doctype": "Product Warranty Claim",
					"company": self.company,
					"customer": self.customer(0),
					"item_code": UNITS[0][0],
					"serial_no": serial_no,
					"symptom": "排水泵运行时机封处漏水 Seal leaks while running",
					"resolution": "Repair",
				}
			).insert(ignore_permissions=True)
			claim.submit()
			claim_name = claim.name
			self.created.append(f"Product Warranty Claim {claim.name} -> Repair Job {claim.repair_job}")
		job = frappe.get_doc(
			"Repair Job", frappe.db.get_value("Product Warranty Claim", claim_name, "repair_job")
		)
		if not job.parts:
			job.append(
				"parts", {"item_code": SPARE_PARTS[0][0], "qty": 1, "warehouse": self.spare_parts_warehouse}
			)
			job.append("technicians", {"user": self.technician()})
			job.save(ignore_permissions=True)
		if not any(row.issued_qty for row in job.parts):
			self.issue_parts(job.name)

	def make_paid_repair(self):
		"""A paid air-conditioner repair: parts issued, labour booked, completed and invoiced."""
		from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status
		from aftersales_module.integrations.erpnext.sales_invoice import make_sales_invoice

		filters = {
			"customer": self.customer(1),
			"service_class": "Paid",
			"carry_in_receipt_no": DEMO_PAID_JOB_REF,
		}
		job_name = frappe.db.get_value("Repair Job", filters)
		if not job_name:
			job = frappe.get_doc(
				{
					"doctype": "Repair Job",
					"company": self.company,
					**filters,
					"item_code": UNITS[1][0],
					"reported_symptom": "空调不制冷 No cooling",
					"site_finding": "压缩机电容损坏 Compressor capacitor failed",
					"finding_differs": 1,
					"technicians": [{"user": self.technician()}],
					"parts": [
						{"item_code": SPARE_PARTS[3][0], "qty": 1, "warehouse": self.spare_parts_warehouse}
					],
					"labour": [{"activity": "更换电容 Replace capacitor", "hours": 1.5}],
				}
			).insert(ignore_permissions=True)
			job_name = job.name
			self.created.append(f"Repair Job {job.name} (Paid)")
		job = frappe.get_doc("Repair Job", job_name)
		if not any(row.issued_qty for row in job.parts) and job.status in (
			"Open",
			"Dispatched",
			"In Progress",
		):
			self.issue_parts(job.name)
		path = {
			"Open": ("Dispatched", "In Progress", "Completed"),
			"Dispatched": ("In Progress", "Completed"),
			"In Progress": ("Completed",),
		}
		for status in path.get(frappe.db.get_value("Repair Job", job_name, "status"), ()):
			set_status(job_name, status)
		if frappe.db.get_value("Repair Job", job_name, "status") == "Completed":
			invoice = frappe.get_doc("Sales Invoice", make_sales_invoice(job_name))
			invoice.submit()
			self.created.append(f"Sales Invoice {invoice.name} (Repair Job {job_name}, Invoiced)")


TO_ASSIGNED = ["Classify", "Assign"]
TO_PROPOSED = [*TO_ASSIGNED, "Start Investigation", "Propose Solution"]
TO_CLOSED = [*TO_PROPOSED, "Approve", "Customer Agrees", "Execute", "Resolve", "Record Return Visit", "Close"]
COMPLAINTS = [
	{
		"subject": "排水泵机械密封漏水 Drainage pump leaks at the mechanical seal",
		"customer": 0,
		"values": {"pump": True, "channel": "Hotline", "customer_demand": "三天内上门维修"},
		"classification": {
			"complaint_type": "Product Quality",
			"quality_sub_type": "Product Fault",
			"complaint_category": "Product Quality",
		},
		"actions": [*TO_ASSIGNED, "Start Investigation"],
	},
	{
		"subject": "空调安装后噪音大 Air conditioner noisy after installation",
		"customer": 2,
		"values": {"channel": "Instant Message"},
		"classification": {"complaint_type": "Service", "complaint_category": "Delivery and Installation"},
		"actions": TO_PROPOSED,
	},
	{
		"subject": "小区多户停水 Water outage in several units of the estate",
		"customer": 1,
		"values": {"channel": "Walk-in", "households_affected": 5},
		"actions": [],
	},
	{
		"subject": "维修人员服务态度差 Technician was rude on site",
		"customer": 2,
		"values": {"channel": "Phone", "days_ago": 10},
		"classification": {"complaint_type": "Service", "complaint_category": "Staff Attitude"},
		"actions": TO_CLOSED,
	},
	{
		"subject": "收费标准不明确 Charges were not explained",
		"customer": 1,
		"values": {"channel": "Letter"},
		"classification": {
			"complaint_type": "Suggestion",
			"validity": "Invalid",
			"validity_reason": "收费已按统一价目表执行，已书面答复客户",
		},
		"actions": ["Classify", "Mark Invalid"],
	},
	{
		"subject": "叶轮磨损返修未完成 Impeller repair still not finished",
		"customer": 0,
		"values": {"channel": "Email", "days_ago": 20},
		"classification": {"complaint_type": "Service", "complaint_category": "Repair"},
		"actions": TO_ASSIGNED,
	},
]


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


def make_demo() -> list[str]:
	"""Create the demo data set; return a line for each record it created."""
	created = Demo(demo_company()).run()
	frappe.db.commit()
	return created
