"""A delivered unit with a warranty period gets a Warranty Registration: one per serial number for
serialized items, one per line otherwise, each inserted as a document, and the customer gets each
one's warranty certificate by email. Cancelling the delivery voids them."""

import frappe
from frappe.utils import getdate

from aftersales_module.certificates import emailed_together
from aftersales_module.guard import app_write
from aftersales_module.policy import warranty as warranty_policy
from aftersales_module.settings import get_settings


def on_submit(doc, method=None):
	register_warranties(doc)


def on_cancel(doc, method=None):
	void_registrations(doc)


def serial_nos_of(row) -> list[str]:
	"""The serial numbers a delivery row moved: the v15 Serial and Batch Bundle, and the legacy
	serial_no text field."""
	from erpnext.stock.doctype.serial_no.serial_no import get_serial_nos

	serials = []
	if row.get("serial_and_batch_bundle"):
		serials += frappe.get_all(
			"Serial and Batch Entry",
			filters={"parent": row.serial_and_batch_bundle, "serial_no": ("is", "set")},
			pluck="serial_no",
			order_by="idx",
		)
	serials += get_serial_nos(row.get("serial_no"))
	return list(dict.fromkeys(serials))


def invoice_date_of(doc, row):
	if doc.doctype == "Sales Invoice":
		return getdate(doc.posting_date)
	if row.get("against_sales_invoice"):
		return frappe.db.get_value("Sales Invoice", row.against_sales_invoice, "posting_date")
	return None


def register_warranties(doc):
	"""Create the registrations of a submitted Delivery Note (or Sales Invoice that updates stock),
	and email their warranty certificates to the customer, together (certificates.py)."""
	if doc.get("is_return"):
		return
	with emailed_together():
		make_registrations(doc)


def make_registrations(doc):
	basis = get_settings().warranty_start_basis or warranty_policy.DELIVERY_DATE
	items = {d.item_code for d in doc.items}
	periods = dict(
		frappe.get_all(
			"Item", filters={"name": ("in", list(items))}, fields=["name", "warranty_period"], as_list=True
		)
	)
	for row in doc.items:
		days = periods.get(row.item_code)
		if not warranty_policy.has_warranty(days):
			continue
		start = warranty_policy.start_date(basis, getdate(doc.posting_date), invoice_date_of(doc, row))
		values = {
			"doctype": "Warranty Registration",
			"company": doc.company,
			"customer": doc.customer,
			"item_code": row.item_code,
			"start_basis": basis,
			"start_date": start,
			"warranty_days": int(days),
			"source_doctype": doc.doctype,
			"source_name": doc.name,
			"source_detail": row.name,
		}
		serials = serial_nos_of(row)
		with app_write():
			for serial_no in serials:
				registration = frappe.get_doc({**values, "serial_no": serial_no, "qty": 1})
				registration.insert(ignore_permissions=True)
				frappe.db.set_value(
					"Serial No",
					serial_no,
					"warranty_expiry_date",
					registration.end_date,
					update_modified=False,
				)
			if not serials:
				frappe.get_doc({**values, "qty": row.stock_qty or row.qty}).insert(ignore_permissions=True)


def void_registrations(doc):
	registration = frappe.qb.DocType("Warranty Registration")
	(
		frappe.qb.update(registration)
		.set(registration.status, warranty_policy.VOID)
		.where((registration.source_doctype == doc.doctype) & (registration.source_name == doc.name))
	).run()
