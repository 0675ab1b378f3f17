# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, getdate, nowdate

from aftersales_module.tasks.warranty_expiry import mark_expired
from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SPARE_PART,
	TEST_COMPANY,
	AfterSalesTestCase,
	make_delivery_note,
	make_item,
	receive_serial_units,
	receive_stock,
	use_repair_settings,
	warehouse,
)


def registrations(note):
	return frappe.get_all(
		"Warranty Registration",
		filters={"source_doctype": "Delivery Note", "source_name": note.name},
		fields=["name", "serial_no", "qty", "start_date", "end_date", "status", "customer", "item_code"],
		order_by="serial_no",
	)


class TestWarrantyRegistration(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		use_repair_settings()
		frappe.db.set_single_value("After Sales Settings", "warranty_start_basis", "Delivery Date")
		cls.unserialized = make_item("_AS Test Warranty Kit", warranty_period="180", valuation_rate=50)

	def setUp(self):
		frappe.db.set_single_value("After Sales Settings", "warranty_start_basis", "Delivery Date")

	def test_each_delivered_serial_gets_a_registration_and_an_expiry_date(self):
		serials = receive_serial_units(2)
		note = make_delivery_note(SERIAL_ITEM, 2, serials)
		rows = registrations(note)
		self.assertEqual([r.serial_no for r in rows], sorted(serials))
		end = add_days(getdate(nowdate()), 365)
		for row in rows:
			self.assertEqual((row.customer, row.item_code, row.qty), (CUSTOMER, SERIAL_ITEM, 1))
			self.assertEqual(
				(getdate(row.start_date), getdate(row.end_date)), (getdate(nowdate()), getdate(end))
			)
			self.assertEqual(row.status, "Active")
			self.assertEqual(
				getdate(frappe.db.get_value("Serial No", row.serial_no, "warranty_expiry_date")), getdate(end)
			)

		note.reload()
		note.cancel()
		self.assertEqual({r.status for r in registrations(note)}, {"Void"})

	def test_unserialized_items_get_one_registration_per_line(self):
		receive_stock(self.unserialized, 5, rate=50)
		receive_stock(SPARE_PART, 5)
		note = make_delivery_note(self.unserialized, 3)
		rows = registrations(note)
		self.assertEqual(len(rows), 1)
		self.assertEqual((rows[0].serial_no, rows[0].qty), (None, 3))
		self.assertEqual(getdate(rows[0].end_date), getdate(add_days(nowdate(), 180)))

		no_warranty = make_delivery_note(SPARE_PART, 1)
		self.assertEqual(registrations(no_warranty), [], "items without a warranty period get none")

	def test_daily_sweep_expires_only_past_registrations(self):
		receive_stock(self.unserialized, 2, rate=50)
		old, current = make_delivery_note(self.unserialized, 1), make_delivery_note(self.unserialized, 1)
		old_row = registrations(old)[0]
		frappe.db.set_value("Warranty Registration", old_row.name, "end_date", add_days(nowdate(), -1))
		mark_expired()
		self.assertEqual(frappe.db.get_value("Warranty Registration", old_row.name, "status"), "Expired")
		self.assertEqual(registrations(current)[0].status, "Active")

	def test_invoice_that_updates_stock_registers_from_its_date(self):
		frappe.db.set_single_value("After Sales Settings", "warranty_start_basis", "Invoice Date")
		(serial_no,) = receive_serial_units(1)
		invoice = frappe.get_doc(
			{
				"doctype": "Sales Invoice",
				"company": TEST_COMPANY,
				"customer": CUSTOMER,
				"update_stock": 1,
				"items": [
					{
						"item_code": SERIAL_ITEM,
						"qty": 1,
						"rate": 1000,
						"warehouse": warehouse(),
						"use_serial_batch_fields": 1,
						"serial_no": serial_no,
					}
				],
			}
		).insert()
		invoice.submit()
		registration = frappe.get_doc("Warranty Registration", {"source_name": invoice.name})
		self.assertEqual(
			(registration.source_doctype, registration.serial_no, registration.start_basis),
			("Sales Invoice", serial_no, "Invoice Date"),
		)
		self.assertEqual(getdate(registration.start_date), getdate(invoice.posting_date))
		invoice.reload()
		invoice.cancel()
		self.assertEqual(frappe.db.get_value("Warranty Registration", registration.name, "status"), "Void")
