# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _

from aftersales_module.guard import AppDocument
from aftersales_module.settings import get_settings

# Workflow state reached -> the field that records who signed for it (004/1 §8).
SIGNATURES = {
	"Pending Regional Manager": "handled_by",
	"Pending After-Sales Office": "regional_approved_by",
	"Pending General Manager": "office_verified_by",
	"Approved": "gm_approved_by",
}


class ProductExchange(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		company: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		delivery_note: DF.Link | None
		faulty_serial_no: DF.Link
		gm_approved_by: DF.Link | None
		handled_by: DF.Link | None
		item_code: DF.Link
		naming_series: DF.Literal["PEX-.YYYY.-.#####"]
		office_verified_by: DF.Link | None
		posting_date: DF.Date
		product_warranty_claim: DF.Link | None
		reason: DF.Text
		regional_approved_by: DF.Link | None
		replacement_serial_no: DF.Link | None
		return_entry: DF.Link | None
		warehouse: DF.Link | None
		workflow_state: DF.Link | None
	# end: auto-generated types

	def validate(self):
		self.validate_units()
		self.record_signature()

	def validate_units(self):
		for fieldname in ("faulty_serial_no", "replacement_serial_no"):
			serial_no = self.get(fieldname)
			if serial_no and frappe.db.get_value("Serial No", serial_no, "item_code") != self.item_code:
				frappe.throw(_("Serial No {0} is not a {1}").format(frappe.bold(serial_no), self.item_code))
		if self.faulty_serial_no and self.faulty_serial_no == self.replacement_serial_no:
			frappe.throw(_("Product Exchange {0} gives back the unit it takes in").format(self.name))
		owner = frappe.db.get_value(
			"Warranty Registration",
			{"serial_no": self.faulty_serial_no, "status": ("!=", "Void")},
			"customer",
			order_by="creation desc",
		)
		if owner and owner != self.customer:
			frappe.throw(
				_("Serial No {0} was delivered to {1}, not to {2}").format(
					frappe.bold(self.faulty_serial_no), owner, self.customer
				)
			)

	app_managed_fields = (
		*SIGNATURES.values(),
		"delivery_note",
		"return_entry",
	)
	set_once_fields = ("product_warranty_claim",)

	def record_signature(self):
		"""Each step is signed by its own person (004/1 §8): whoever signed an earlier step, or
		raised the form, cannot approve a later one."""
		before = self.get_doc_before_save()
		if before and before.workflow_state == self.workflow_state:
			return
		fieldname = SIGNATURES.get(self.workflow_state)
		if not fieldname:
			return
		user = frappe.session.user
		earlier = list(SIGNATURES.values())[: list(SIGNATURES.values()).index(fieldname)]
		if fieldname != "handled_by" and user != "Administrator":
			signed = {self.get(f) for f in earlier} | {self.owner}
			if user in signed:
				frappe.throw(
					_(
						"Product Exchange {0}: you raised or signed an earlier step, so another person approves this one"
					).format(self.name),
					frappe.PermissionError,
				)
		self.set(fieldname, user)

	def before_submit(self):
		# Only the approval chain submits an exchange: a plain submit (frappe.client.submit) would
		# skip the regional manager and the office, whose signatures would stay empty.
		unsigned = [f for f in SIGNATURES.values() if not self.get(f)]
		if self.workflow_state != "Approved" or unsigned:
			frappe.throw(
				_(
					"Product Exchange {0} is approved through its approval chain, step by step; missing: {1}"
				).format(
					self.name,
					", ".join(_(self.meta.get_label(f)) for f in unsigned) or _(self.workflow_state),
				),
				frappe.PermissionError,
			)
		if not (self.replacement_serial_no and self.warehouse):
			frappe.throw(
				_(
					"Choose the replacement unit and its warehouse before approving Product Exchange {0}"
				).format(self.name)
			)
		in_stock = frappe.db.get_value(
			"Serial No", self.replacement_serial_no, ["warehouse", "status"], as_dict=True
		)
		if in_stock.warehouse != self.warehouse or in_stock.status != "Active":
			frappe.throw(
				_("Serial No {0} is not in stock in {1}").format(
					frappe.bold(self.replacement_serial_no), self.warehouse
				)
			)
		if not get_settings().returns_warehouse:
			frappe.throw(_("Set the Returns Warehouse in After Sales Settings before approving exchanges"))

	def on_submit(self):
		"""Draft the stock moves of the exchange; the warehouse submits each when the goods move."""
		self.db_set({"delivery_note": self.make_delivery_note(), "return_entry": self.make_return_entry()})

	def make_delivery_note(self) -> str:
		note = frappe.get_doc(
			{
				"doctype": "Delivery Note",
				"company": self.company,
				"customer": self.customer,
				"instructions": _("Replacement unit of Product Exchange {0}").format(self.name),
				"items": [
					{
						"item_code": self.item_code,
						"qty": 1,
						"discount_percentage": 100,
						"warehouse": self.warehouse,
						"use_serial_batch_fields": 1,
						"serial_no": self.replacement_serial_no,
					}
				],
			}
		)
		note.insert(ignore_permissions=True)
		return note.name

	def make_return_entry(self) -> str:
		entry = frappe.get_doc(
			{
				"doctype": "Stock Entry",
				"stock_entry_type": "Material Receipt",
				"purpose": "Material Receipt",
				"company": self.company,
				"remarks": _("Faulty unit taken back by Product Exchange {0}").format(self.name),
				"items": [
					{
						"item_code": self.item_code,
						"qty": 1,
						"t_warehouse": get_settings().returns_warehouse,
						"use_serial_batch_fields": 1,
						"serial_no": self.faulty_serial_no,
						"allow_zero_valuation_rate": 1,
						"basic_rate": 0,
					}
				],
			}
		)
		entry.insert(ignore_permissions=True)
		return entry.name

	def on_cancel(self):
		for doctype, name in (("Delivery Note", self.delivery_note), ("Stock Entry", self.return_entry)):
			if name and frappe.db.get_value(doctype, name, "docstatus") == 1:
				frappe.throw(
					_("{0} {1} of Product Exchange {2} is submitted; cancel it first").format(
						_(doctype), name, self.name
					)
				)
