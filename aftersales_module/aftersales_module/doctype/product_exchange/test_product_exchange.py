# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.desk.query_report import run
from frappe.model.workflow import apply_workflow

from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_delivery_note,
	make_user,
	make_warehouse,
	receive_serial_units,
	use_repair_settings,
	warehouse,
)


class TestProductExchange(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		cls.returns_warehouse = make_warehouse("_AS Returns")
		frappe.db.set_single_value("After Sales Settings", "returns_warehouse", cls.returns_warehouse)
		cls.handler = make_user("as-pex-handler@example.com", ["After Sales User"])
		cls.regional = make_user("as-pex-regional@example.com", ["Regional Manager"])
		cls.office = make_user("as-pex-office@example.com", ["After Sales Manager"])
		cls.gm = make_user("as-pex-gm@example.com", ["General Manager"])

	def tearDown(self):
		frappe.set_user("Administrator")

	def act(self, user, exchange, action):
		frappe.set_user(user)
		try:
			return apply_workflow(frappe.get_doc("Product Exchange", exchange).as_dict(), action)
		finally:
			frappe.set_user("Administrator")

	def test_replacement_runs_the_approval_chain_and_moves_both_units(self):
		faulty, new = receive_serial_units(2)
		make_delivery_note(SERIAL_ITEM, 1, [faulty])

		frappe.set_user(self.handler)
		claim = frappe.get_doc(
			{
				"doctype": "Product Warranty Claim",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"serial_no": faulty,
				"symptom": "Motor burnt out twice in a month",
				"resolution": "Replacement",
			}
		).insert()
		claim.submit()
		self.assertEqual(claim.status, "In Exchange")
		exchange = frappe.get_doc("Product Exchange", claim.product_exchange)
		self.assertEqual((exchange.workflow_state, exchange.faulty_serial_no), ("Draft", faulty))
		exchange.replacement_serial_no = new
		exchange.warehouse = warehouse()
		exchange.save()
		frappe.set_user("Administrator")

		self.act(self.handler, exchange.name, "Send for Approval")
		with self.assertRaises(frappe.ValidationError):
			self.act(self.handler, exchange.name, "Approve")  # a handler cannot approve
		with self.assertRaises(frappe.ValidationError):
			self.act(self.office, exchange.name, "Approve")  # the regional manager signs first
		self.act(self.regional, exchange.name, "Approve")
		self.act(self.office, exchange.name, "Approve")
		self.act(self.gm, exchange.name, "Approve")

		exchange.reload()
		self.assertEqual((exchange.workflow_state, exchange.docstatus), ("Approved", 1))
		self.assertEqual(
			(
				exchange.handled_by,
				exchange.regional_approved_by,
				exchange.office_verified_by,
				exchange.gm_approved_by,
			),
			(self.handler, self.regional, self.office, self.gm),
		)

		note = frappe.get_doc("Delivery Note", exchange.delivery_note)
		entry = frappe.get_doc("Stock Entry", exchange.return_entry)
		self.assertEqual((note.docstatus, entry.docstatus), (0, 0), "the warehouse submits when goods move")
		note.submit()
		entry.submit()

		out = frappe.db.get_value(
			"Stock Ledger Entry",
			{"voucher_no": note.name, "is_cancelled": 0},
			["warehouse", "actual_qty", "serial_and_batch_bundle"],
			as_dict=True,
		)
		self.assertEqual((out.warehouse, out.actual_qty), (warehouse(), -1))
		self.assertEqual(
			frappe.db.get_value(
				"Serial and Batch Entry", {"parent": out.serial_and_batch_bundle}, "serial_no"
			),
			new,
		)
		back = frappe.db.get_value(
			"Stock Ledger Entry",
			{"voucher_no": entry.name, "is_cancelled": 0},
			["warehouse", "actual_qty"],
			as_dict=True,
		)
		self.assertEqual((back.warehouse, back.actual_qty), (self.returns_warehouse, 1))
		self.assertEqual(frappe.db.get_value("Serial No", faulty, "warehouse"), self.returns_warehouse)
		self.assertTrue(
			frappe.db.exists(
				"Warranty Registration", {"serial_no": new, "customer": CUSTOMER, "status": "Active"}
			),
			"the new unit gets its own warranty",
		)

	def test_replacement_from_a_warehouse_without_the_unit_is_refused(self):
		faulty, new = receive_serial_units(2)
		make_delivery_note(SERIAL_ITEM, 1, [faulty])
		exchange = frappe.get_doc(
			{
				"doctype": "Product Exchange",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"item_code": SERIAL_ITEM,
				"faulty_serial_no": faulty,
				"replacement_serial_no": new,
				"warehouse": self.returns_warehouse,
				"reason": "Wrong model delivered",
			}
		).insert()
		for user in (self.handler, self.regional, self.office):
			self.act(user, exchange.name, "Send for Approval" if user == self.handler else "Approve")
		with self.assertRaisesRegex(frappe.ValidationError, "not in stock"):
			self.act(self.gm, exchange.name, "Approve")
