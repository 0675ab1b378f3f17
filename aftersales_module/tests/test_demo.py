from unittest.mock import patch

import frappe
from frappe.utils import add_days, get_datetime, getdate, now_datetime, nowdate
from frappe.utils.password import check_password

from aftersales_module.setup import demo
from aftersales_module.tests.utils import AfterSalesTestCase


class TestDemo(AfterSalesTestCase):
	def test_demo_builds_real_records_once(self):
		fresh_days = self.days_without_reports()
		demo.make_demo()
		self.assertEqual(demo.make_demo(), [], "a second run must create nothing")
		items = demo.load("items")
		repairs = demo.load("repairs")

		settings = frappe.get_doc("After Sales Settings")
		# the company the demo was built on: other tests may point the settings elsewhere since
		opening = frappe.get_doc(
			"Stock Entry", {"remarks": demo.load("company")["opening_stock_remark"], "docstatus": 1}
		)
		company = opening.company
		self.assertTrue(
			all(
				frappe.db.get_value("Warehouse", row.t_warehouse, "company") == company
				for row in opening.items
			)
		)
		self.assertEqual(
			frappe.db.get_value("Account", settings.warranty_expense_account, "root_type"), "Expense"
		)
		self.assertEqual(frappe.db.get_value("Item", settings.labour_item, "is_stock_item"), 0)

		for code in (unit["item_code"] for unit in items["units"]):
			self.assertGreater(int(frappe.db.get_value("Item", code, "warranty_period")), 0, code)
			self.assertEqual(frappe.db.count("Serial No", {"item_code": code}), 5, code)

		remark = demo.load("company")["opening_stock_remark"]
		entry = frappe.get_doc("Stock Entry", {"remarks": remark, "docstatus": 1})
		for code, qty in ((part["item_code"], part["opening_qty"]) for part in items["spare_parts"]):
			ledger_qty = frappe.db.get_value(
				"Stock Ledger Entry",
				{"voucher_no": entry.name, "item_code": code, "is_cancelled": 0},
				"actual_qty",
			)
			self.assertEqual(ledger_qty, qty, code)

		technician = f"li.wei@{demo.load('people')['email_domain']}"
		self.assertIn("Service Technician", frappe.get_roles(technician))
		employee = frappe.db.get_value(
			"Employee", {"user_id": technician}, ["company", "reports_to"], as_dict=True
		)
		self.assertEqual(employee.company, company)
		manager = frappe.db.get_value("Employee", employee.reports_to, "user_id")
		self.assertIn("After Sales Manager", frappe.get_roles(manager))

		delivery = frappe.get_doc(
			"Delivery Note", {"po_no": repairs["warranty_repair"]["delivery"]["po_no"], "docstatus": 1}
		)
		serial_no = frappe.db.get_value(
			"Serial and Batch Entry", {"parent": delivery.items[0].serial_and_batch_bundle}, "serial_no"
		)
		self.assertTrue(
			frappe.db.exists("Warranty Registration", {"serial_no": serial_no, "status": "Active"})
		)
		claim = frappe.get_doc("Product Warranty Claim", {"serial_no": serial_no, "docstatus": 1})
		warranty_job = frappe.get_doc("Repair Job", claim.repair_job)
		self.assertEqual(warranty_job.service_class, "Warranty")
		self.assertGreater(warranty_job.parts[0].issued_qty, 0)
		# the parts are expensed: the warranty expense account the settings named when they were
		# issued (the demo's own on a new site; other tests may have pointed the settings elsewhere)
		issue = frappe.db.get_value("Stock Entry", {"repair_job": warranty_job.name, "docstatus": 1})
		expensed = [
			row.account
			for row in frappe.get_all(
				"GL Entry",
				filters={"voucher_no": issue, "debit": (">", 0), "is_cancelled": 0},
				fields=["account"],
			)
			if frappe.db.get_value("Account", row.account, "root_type") == "Expense"
		]
		self.assertTrue(expensed, "the warranty parts reach an expense account in the GL")
		paid_job = frappe.get_doc(
			"Repair Job", {"carry_in_receipt_no": repairs["paid_repair"]["carry_in_receipt_no"]}
		)
		self.assertEqual(paid_job.status, "Invoiced")
		self.assertTrue(paid_job.completed_on, "moved by set_status, which stamps completion as for a user")
		self.assertEqual(frappe.db.get_value("Sales Invoice", paid_job.sales_invoice, "docstatus"), 1)

		self.check_contracts()
		self.check_week(fresh_days)
		self.check_recovery()

		customers = [customer["customer_name"] for customer in demo.load("customers")]
		self.assertEqual(frappe.db.count("Customer", {"customer_name": ("in", customers)}), len(customers))

		complaints = demo.load("complaints")["complaints"]
		subjects = [case["subject"] for case in complaints]
		self.assertEqual(frappe.db.count("Complaint Record", {"subject": ("in", subjects)}), len(subjects))
		closed = next(case["subject"] for case in complaints if case["actions"][-1:] == ["Close"])
		self.assertEqual(frappe.db.get_value("Complaint Record", {"subject": closed}, "status"), "Closed")

	def check_recovery(self):
		"""The seal of the warranty repair claimed from its supplier, half accepted and booked by a
		Debit Note that credits the warranty expense account."""
		from aftersales_module.setup import demo_supplier_claims

		job = frappe.db.get_value("Repair Job", {"carry_in_receipt_no": demo_supplier_claims.RECEIPT})
		name = frappe.db.get_value(
			"Supplier Warranty Claim Item", {"repair_job": job, "outcome": "Partly Accepted"}, "parent"
		)
		claim = frappe.get_doc("Supplier Warranty Claim", name)
		# the company the demo ran for now (other tests may point the settings elsewhere since)
		self.assertEqual((claim.status, claim.docstatus), ("Settled", 1))
		self.assertEqual(claim.supplier_name, demo_supplier_claims.SUPPLIER)
		self.assertGreater(claim.total_accepted, 0)
		self.assertLess(claim.total_accepted, claim.total_claimed)
		credit = frappe.get_all(
			"GL Entry",
			filters={"voucher_no": claim.debit_note, "is_cancelled": 0, "credit": (">", 0)},
			fields=["account", "credit"],
		)
		self.assertEqual(
			[(row.account, row.credit) for row in credit],
			[
				(
					frappe.db.get_single_value("After Sales Settings", "warranty_expense_account"),
					claim.total_accepted,
				)
			],
		)

	def test_demo_users_get_the_password_asked_for(self):
		demo.make_demo()
		logins = demo.demo_logins()
		self.assertEqual(demo.set_passwords("demo-test-pw"), logins)
		for login in logins:
			check_password(login, "demo-test-pw")  # raises when it does not match
		users = {user["login"]: user for user in demo.demo_users()}
		self.assertEqual(set(users), set(logins))
		manager = f"zhang.min@{demo.load('people')['email_domain']}"
		self.assertIn("After Sales Manager", users[manager]["roles"])
		self.assertTrue(users[manager]["has_password"])

		# Without a password, developer mode keeps a password the user already has...
		with patch.dict(frappe.conf, {"developer_mode": 1}):
			self.assertEqual(demo.set_passwords(), [])
		check_password(manager, "demo-test-pw")
		# ... and gives the default to a user without one; other sites leave them without.
		frappe.db.delete("__Auth", {"doctype": "User", "name": manager, "fieldname": "password"})
		with patch.dict(frappe.conf, {"developer_mode": 0}):
			self.assertEqual(demo.set_passwords(), [])
		self.assertFalse(demo.has_password(manager))
		with patch.dict(frappe.conf, {"developer_mode": 1}):
			self.assertEqual(demo.set_passwords(), [manager])
		check_password(manager, demo.DEFAULT_PASSWORD)

	def check_contracts(self):
		"""Contracts active, expiring in 25 and 80 days, expired and renewed; visits done, due and
		overdue (its job escalated); the monthly contract billed through real invoices."""
		data = demo.load("contracts")
		contracts = {}
		for record in data["contracts"]:
			note = frappe.db.get_value(
				"Delivery Note", {"po_no": record["delivery"]["po_no"], "docstatus": 1}
			)
			bundle = frappe.db.get_value("Delivery Note Item", {"parent": note}, "serial_and_batch_bundle")
			serial_no = frappe.db.get_value("Serial and Batch Entry", {"parent": bundle}, "serial_no")
			parents = frappe.get_all(
				"Maintenance Contract Unit",
				filters={"serial_no": serial_no, "parenttype": "Maintenance Contract"},
				pluck="parent",
			)
			name = frappe.db.get_value(
				"Maintenance Contract",
				{"name": ("in", parents), "renewed_from": ("is", "not set"), "docstatus": 1},
			)
			contracts[record["label"]] = frappe.get_doc("Maintenance Contract", name)
		# The site may be long-lived: days pass and other tests' sweeps run on it, so only what
		# cannot change since the demo ran is checked here; fresh statuses are what the sweeps give.
		self.assertEqual(contracts["expired"].status, "Expired")
		self.assertEqual(contracts["renewed"].status, "Renewed")
		self.assertTrue(
			all(doc.status in ("Active", "Expiring", "Expired", "Renewed") for doc in contracts.values())
		)
		successor = contracts["renewed"].renewed_to
		self.assertEqual(frappe.db.get_value("Maintenance Contract", successor, "docstatus"), 1)
		active = contracts["active, billed monthly, visits done, due and overdue"]
		self.assertGreaterEqual(sum(v.status == "Done" for v in active.visits), 2)
		jobs = [v.repair_job for v in active.visits if v.repair_job and v.status != "Done"]
		self.assertTrue(
			any(frappe.db.get_value("Repair Job", job, "escalation_level") for job in jobs),
			"the overdue visit's inspection job escalated",
		)
		invoices = frappe.get_all(
			"Sales Invoice", filters={"maintenance_contract": active.name, "docstatus": 1}, pluck="name"
		)
		self.assertGreaterEqual(len(invoices), 3, "billed month by month")
		self.assertTrue(
			frappe.db.exists("Reminder Log", {"reference_name": contracts["expiring in 25 days"].name})
		)

	def week_technicians(self) -> list[str]:
		domain = demo.load("people")["email_domain"]
		return [f"{login}@{domain}" for login in demo.load("week")["technicians"]]

	def week_days(self) -> list:
		"""The demo's week: the days before today."""
		return [getdate(add_days(nowdate(), -n)) for n in range(demo.load("week")["days"], 0, -1)]

	def days_without_reports(self) -> set:
		"""The days of the week the demo technicians have no report for yet: the ones this run makes.
		On a long-lived site a demo built on another day (or on another test clock) has made some."""
		have = frappe.get_all(
			"Technician Daily Report",
			filters={"technician": ("in", self.week_technicians()), "report_date": ("in", self.week_days())},
			pluck="report_date",
		)
		return set(self.week_days()) - {getdate(day) for day in have}

	def check_week(self, fresh_days: set):
		"""A week of reports (submitted, approved, one returned) with Timesheets, and return visits
		with ratings: one Poor, which opened a complaint, and missed ones, escalated."""
		week = demo.load("week")
		technicians = self.week_technicians()
		reports = frappe.get_all(
			"Technician Daily Report",
			filters={"technician": ("in", technicians), "report_date": ("in", self.week_days())},
			fields=["name", "report_date", "workflow_state", "timesheet", "total_hours"],
		)
		self.assertEqual(len(reports), week["days"] * len(technicians))
		states = {r.workflow_state for r in reports}
		self.assertLessEqual(states, {"Approved", "Returned", "Submitted"})
		# What this run reviews on the days it reported: yesterday's not yet, one returned, the rest
		# approved. A day reported by a demo run on a later day was reviewed then (a test clock may
		# stand before it): it is approved or returned already.
		yesterday = getdate(add_days(nowdate(), -1))
		returned_day = getdate(add_days(nowdate(), -week["returned_days_ago"]))
		if yesterday in fresh_days:
			self.assertIn("Submitted", states)
		if returned_day in fresh_days:
			self.assertIn("Returned", states)
		if fresh_days - {yesterday, returned_day}:
			self.assertIn("Approved", states)
		self.assertTrue(all(r.total_hours > 0 for r in reports))
		self.assertTrue(all(r.timesheet for r in reports if r.workflow_state != "Returned"))
		jobs = frappe.get_all(
			"Repair Job",
			filters={"carry_in_receipt_no": ("like", f"{week['receipt_prefix']}%")},
			pluck="name",
		)
		visits = frappe.get_all(
			"Return Visit",
			filters={"repair_job": ("in", jobs)},
			fields=["status", "rating_attitude", "complaint", "escalation_level", "missed_on"],
		)
		self.assertTrue(any(v.status == "Done" and v.rating_attitude for v in visits))
		self.assertTrue(any(v.rating_attitude == "Poor" and v.complaint for v in visits))
		# missed by now, so escalated at once; a demo built on a later day (or on another test clock)
		# left visits missed after now, which have not escalated yet
		missed = [v for v in visits if v.status == "Missed" and get_datetime(v.missed_on) <= now_datetime()]
		self.assertTrue(missed)
		self.assertTrue(all(v.escalation_level >= 1 for v in missed))

	def test_a_failed_demo_leaves_nothing_behind(self):
		demo.make_demo()
		data = demo.load_all()
		probe = "_AS Demo Rollback Probe"
		data["customers"].append({"customer_name": probe, "customer_type": "Company"})
		failure = frappe.ValidationError("the last step of the demo failed")
		with patch.object(demo.Demo, "make_paid_repair", side_effect=failure):
			with self.assertRaises(frappe.ValidationError):
				demo.make_demo(data)
		self.assertFalse(frappe.db.exists("Customer", {"customer_name": probe}))
		self.assertFalse(frappe.flags.get("aftersales_app_write"), "the guard's flag is reset")
