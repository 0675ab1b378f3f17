import frappe
from frappe.tests.utils import FrappeTestCase

from aftersales_module import demo


class TestDemo(FrappeTestCase):
	def test_demo_builds_real_records_once(self):
		demo.make_demo()
		self.assertEqual(demo.make_demo(), [], "a second run must create nothing")

		settings = frappe.get_doc("After Sales Settings")
		company = settings.default_company
		self.assertEqual(frappe.db.get_value("Warehouse", settings.spare_parts_warehouse, "company"), company)
		self.assertEqual(
			frappe.db.get_value("Account", settings.warranty_expense_account, "root_type"), "Expense"
		)
		self.assertEqual(frappe.db.get_value("Item", settings.labour_item, "is_stock_item"), 0)

		for code, *_rest in demo.UNITS:
			self.assertGreater(int(frappe.db.get_value("Item", code, "warranty_period")), 0, code)
			self.assertEqual(frappe.db.count("Serial No", {"item_code": code}), 5, code)

		entry = frappe.get_doc("Stock Entry", {"remarks": demo.OPENING_STOCK_REMARK, "docstatus": 1})
		for code, _name, _valuation, _price, qty in demo.SPARE_PARTS:
			ledger_qty = frappe.db.get_value(
				"Stock Ledger Entry",
				{"voucher_no": entry.name, "item_code": code, "is_cancelled": 0},
				"actual_qty",
			)
			self.assertEqual(ledger_qty, qty, code)

		technician = f"li.wei@{demo.DEMO_DOMAIN}"
		self.assertIn("Service Technician", frappe.get_roles(technician))
		employee = frappe.db.get_value(
			"Employee", {"user_id": technician}, ["company", "reports_to"], as_dict=True
		)
		self.assertEqual(employee.company, company)
		manager = frappe.db.get_value("Employee", employee.reports_to, "user_id")
		self.assertIn("After Sales Manager", frappe.get_roles(manager))

		delivery = frappe.get_doc("Delivery Note", {"po_no": demo.DEMO_DELIVERY_REF, "docstatus": 1})
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
					"account": settings.warranty_expense_account,
					"debit": (">", 0),
					"is_cancelled": 0,
					"voucher_no": frappe.db.get_value(
						"Stock Entry", {"repair_job": warranty_job.name, "docstatus": 1}
					),
				},
			)
		)
		paid_job = frappe.get_doc("Repair Job", {"carry_in_receipt_no": demo.DEMO_PAID_JOB_REF})
		self.assertEqual(paid_job.status, "Invoiced")
		self.assertEqual(frappe.db.get_value("Sales Invoice", paid_job.sales_invoice, "docstatus"), 1)

		customers = [name for name, _kind in demo.CUSTOMERS]
		self.assertEqual(frappe.db.count("Customer", {"customer_name": ("in", customers)}), len(customers))
