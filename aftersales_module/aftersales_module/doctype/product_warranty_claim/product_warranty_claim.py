# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import getdate, nowdate

from aftersales_module.guard import AppDocument
from aftersales_module.policy import warranty as warranty_policy
from aftersales_module.roles import is_manager


class ProductWarrantyClaim(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		amended_from: DF.Link | None
		batch_no: DF.Link | None
		claim_date: DF.Date
		company: DF.Link
		complaint: DF.Link | None
		credit_note: DF.Link | None
		coverage: DF.Literal["", "In Warranty", "Under Contract", "Out of Warranty"]
		customer: DF.Link
		customer_name: DF.Data | None
		goodwill_approved: DF.Check
		goodwill_approved_by: DF.Link | None
		goodwill_reason: DF.SmallText | None
		item_code: DF.Link
		naming_series: DF.Literal["PWC-.YYYY.-.#####"]
		product_exchange: DF.Link | None
		rejection_reason: DF.SmallText | None
		repair_job: DF.Link | None
		resolution: DF.Literal["", "Repair", "Replacement", "Credit Note", "Rejected"]
		serial_no: DF.Link | None
		status: DF.Literal["Draft", "In Repair", "In Exchange", "Credited", "Rejected", "Cancelled"]
		symptom: DF.SmallText
		warranty_end_date: DF.Date | None
		warranty_registration: DF.Link | None
	# end: auto-generated types

	app_managed_fields = (
		"status",
		"warranty_registration",
		"warranty_end_date",
		"coverage",
		"goodwill_approved_by",
		"repair_job",
		"credit_note",
		"product_exchange",
	)

	def validate(self):
		self.check_claim_date()
		self.validate_serial_no()
		self.set_coverage()
		self.validate_goodwill()
		if self.docstatus == 0:
			self.status = "Draft"

	def check_claim_date(self):
		"""Coverage is decided on the claim date: it is the day the claim is entered, unless a
		manager backdates it (logged). A future date is refused."""
		before = self.get_doc_before_save()
		if before and getdate(before.claim_date) == getdate(self.claim_date):
			return
		entered_on = getdate(self.creation) if before else getdate(nowdate())
		may_backdate = is_manager()
		problem = warranty_policy.claim_date_problem(getdate(self.claim_date), entered_on, may_backdate)
		if problem:
			frappe.throw(
				_(problem).format(
					frappe.format(getdate(self.claim_date), "Date"), frappe.format(entered_on, "Date")
				),
				frappe.PermissionError if getdate(self.claim_date) < entered_on else frappe.ValidationError,
			)
		if getdate(self.claim_date) < entered_on:
			self.flags.backdated_from = entered_on

	def on_update(self):
		if entered_on := self.flags.pop("backdated_from", None):
			self.add_comment(
				"Info",
				_("Claim dated {0}, before the day it was entered ({1}), by {2}").format(
					frappe.format(getdate(self.claim_date), "Date"),
					frappe.format(entered_on, "Date"),
					frappe.session.user,
				),
			)

	def validate_serial_no(self):
		if not self.serial_no:
			return
		item_code = frappe.db.get_value("Serial No", self.serial_no, "item_code")
		if item_code != self.item_code:
			frappe.throw(
				_("Serial No {0} is a {1}, not a {2}").format(
					frappe.bold(self.serial_no), item_code, self.item_code
				)
			)

	def find_registration(self):
		filters = {"item_code": self.item_code, "status": ("!=", warranty_policy.VOID)}
		if self.serial_no:
			filters["serial_no"] = self.serial_no
			registration = frappe.db.get_value(
				"Warranty Registration",
				filters,
				["name", "customer", "end_date"],
				as_dict=True,
				order_by="creation desc",
			)
			if registration and registration.customer != self.customer:
				frappe.throw(
					_(
						"Serial No {0} was delivered to {1}, not to {2}: Product Warranty Claim {3} cannot cover it"
					).format(frappe.bold(self.serial_no), registration.customer, self.customer, self.name)
				)
			return registration
		filters["customer"] = self.customer
		return frappe.db.get_value(
			"Warranty Registration",
			filters,
			["name", "customer", "end_date"],
			as_dict=True,
			order_by="end_date desc",
		)

	def set_coverage(self):
		registration = self.find_registration()
		self.warranty_registration = registration.name if registration else None
		self.warranty_end_date = registration.end_date if registration else None
		contract_end = (
			frappe.db.get_value("Serial No", self.serial_no, "amc_expiry_date") if self.serial_no else None
		)
		self.coverage = warranty_policy.coverage(
			getdate(self.claim_date),
			getdate(self.warranty_end_date) if self.warranty_end_date else None,
			getdate(contract_end) if contract_end else None,
		)

	def validate_goodwill(self):
		before = self.get_doc_before_save()
		changed = bool(self.goodwill_approved) != bool(before and before.goodwill_approved)
		if not changed:
			return
		if not is_manager():
			frappe.throw(_("Only an After Sales Manager can approve goodwill on {0}").format(self.name))
		self.goodwill_approved_by = frappe.session.user if self.goodwill_approved else None

	def before_submit(self):
		if problem := warranty_policy.claim_problem(
			self.coverage,
			self.resolution,
			self.goodwill_approved,
			self.goodwill_reason,
			self.rejection_reason,
		):
			frappe.throw(_(problem).format(self.name))
		if self.resolution == warranty_policy.CREDIT_NOTE:
			self.invoice_row()  # fails early when the unit was never invoiced
		if self.resolution == warranty_policy.REPLACEMENT and not self.serial_no:
			frappe.throw(_("A replacement needs the Serial No of the faulty unit on {0}").format(self.name))

	def on_submit(self):
		if self.resolution == warranty_policy.REJECTED:
			self.db_set("status", "Rejected")
			return
		if self.resolution == warranty_policy.CREDIT_NOTE:
			self.make_credit_note()
			return
		if self.resolution == warranty_policy.REPLACEMENT:
			self.make_exchange()
			return
		job = frappe.get_doc(
			{
				"doctype": "Repair Job",
				"company": self.company,
				"customer": self.customer,
				"item_code": self.item_code,
				"serial_no": self.serial_no,
				"service_class": warranty_policy.service_class_for(
					self.coverage, bool(self.goodwill_approved)
				),
				"reported_symptom": self.symptom,
				"product_warranty_claim": self.name,
			}
		).insert(ignore_permissions=True)
		self.db_set({"repair_job": job.name, "status": "In Repair"})
		frappe.msgprint(
			_("Repair Job {0} created").format(frappe.get_desk_link("Repair Job", job.name)), alert=True
		)

	def invoice_row(self) -> frappe._dict:
		"""The submitted Sales Invoice row that billed the claimed unit, found through its registration."""
		registration = (
			frappe.db.get_value(
				"Warranty Registration",
				self.warranty_registration,
				["source_doctype", "source_name", "source_detail", "qty"],
				as_dict=True,
			)
			if self.warranty_registration
			else None
		)
		row = None
		if registration and registration.source_doctype == "Sales Invoice":
			row = frappe.db.get_value(
				"Sales Invoice Item",
				{"name": registration.source_detail, "docstatus": 1},
				["name", "parent"],
				as_dict=True,
			)
		elif registration and registration.source_doctype == "Delivery Note":
			row = frappe.db.get_value(
				"Sales Invoice Item",
				{"dn_detail": registration.source_detail, "docstatus": 1},
				["name", "parent"],
				as_dict=True,
			)
		if not row or frappe.db.get_value("Sales Invoice", row.parent, "is_return"):
			frappe.throw(
				_(
					"No submitted Sales Invoice billed the unit of Product Warranty Claim {0}: it cannot be credited"
				).format(self.name)
			)
		row.qty = 1 if self.serial_no else (registration.qty or 1)
		return row

	def make_credit_note(self):
		"""A draft credit note (Sales Invoice return) for the claimed unit only; Accounts submit it."""
		from erpnext.accounts.doctype.sales_invoice.sales_invoice import make_sales_return

		row = self.invoice_row()
		credit_note = make_sales_return(row.parent)
		credit_note.set("items", [d for d in credit_note.items if d.sales_invoice_item == row.name])
		for d in credit_note.items:
			d.qty = -row.qty
			d.stock_qty = -row.qty * (d.conversion_factor or 1)
		credit_note.update_stock = 0
		credit_note.remarks = _("Credit for Product Warranty Claim {0}").format(self.name)
		credit_note.set("payments", [])
		credit_note.run_method("calculate_taxes_and_totals")
		credit_note.insert(ignore_permissions=True)
		self.db_set({"credit_note": credit_note.name, "status": "Credited"})

	def make_exchange(self):
		"""A draft exchange form (产品换货单); it goes through the approval workflow from there."""
		exchange = frappe.get_doc(
			{
				"doctype": "Product Exchange",
				"company": self.company,
				"customer": self.customer,
				"item_code": self.item_code,
				"faulty_serial_no": self.serial_no,
				"product_warranty_claim": self.name,
				"reason": self.symptom,
			}
		).insert(ignore_permissions=True)
		self.db_set({"product_exchange": exchange.name, "status": "In Exchange"})

	def on_cancel(self):
		if self.repair_job:
			status = frappe.db.get_value("Repair Job", self.repair_job, "status")
			if status not in ("Open", "Closed"):
				frappe.throw(
					_("Repair Job {0} of this claim is {1}; close it before cancelling {2}").format(
						self.repair_job, _(status), self.name
					)
				)
		if self.credit_note and frappe.db.get_value("Sales Invoice", self.credit_note, "docstatus") == 1:
			frappe.throw(
				_("Credit Note {0} of this claim is submitted; cancel it before cancelling {1}").format(
					self.credit_note, self.name
				)
			)
		if (
			self.product_exchange
			and frappe.db.get_value("Product Exchange", self.product_exchange, "docstatus") == 1
		):
			frappe.throw(
				_("Product Exchange {0} of this claim is approved; cancel it before cancelling {1}").format(
					self.product_exchange, self.name
				)
			)
		self.db_set("status", "Cancelled")
