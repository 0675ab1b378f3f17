from unittest.mock import patch

import frappe
from frappe.tests.utils import FrappeTestCase
from frappe.utils.password import check_password

from aftersales_module.setup import demo


class TestDemo(FrappeTestCase):
	def test_demo_builds_real_records_once(self):
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
		self.assertTrue(
			frappe.db.exists(
				"GL Entry",
				{
					# the demo's own warranty expense account (the settings may point elsewhere since)
					"account": frappe.db.get_value(
						"Account",
						{
							"company": company,
							"account_name": demo.load("company")["warranty_expense_account"]["account_name"],
						},
					),
					"debit": (">", 0),
					"is_cancelled": 0,
					"voucher_no": frappe.db.get_value(
						"Stock Entry", {"repair_job": warranty_job.name, "docstatus": 1}
					),
				},
			)
		)
		paid_job = frappe.get_doc(
			"Repair Job", {"carry_in_receipt_no": repairs["paid_repair"]["carry_in_receipt_no"]}
		)
		self.assertEqual(paid_job.status, "Invoiced")
		self.assertTrue(paid_job.completed_on, "moved by set_status, which stamps completion as for a user")
		self.assertEqual(frappe.db.get_value("Sales Invoice", paid_job.sales_invoice, "docstatus"), 1)

		customers = [customer["customer_name"] for customer in demo.load("customers")]
		self.assertEqual(frappe.db.count("Customer", {"customer_name": ("in", customers)}), len(customers))

		complaints = demo.load("complaints")["complaints"]
		subjects = [case["subject"] for case in complaints]
		self.assertEqual(frappe.db.count("Complaint Record", {"subject": ("in", subjects)}), len(subjects))
		closed = next(case["subject"] for case in complaints if case["actions"][-1:] == ["Close"])
		self.assertEqual(frappe.db.get_value("Complaint Record", {"subject": closed}, "status"), "Closed")

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
