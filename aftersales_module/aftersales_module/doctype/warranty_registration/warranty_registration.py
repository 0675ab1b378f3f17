# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.utils import cint, getdate, nowdate

from aftersales_module import history
from aftersales_module.certificates import on_registration_made
from aftersales_module.guard import AppDocument
from aftersales_module.policy import warranty as warranty_policy


class WarrantyRegistration(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		certificate_email_error: DF.SmallText | None
		certificate_email_status: DF.Literal["", "Queued", "Not Sent"]
		company: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		end_date: DF.Date
		installed_serial_no: DF.Data | None
		item_code: DF.Link
		item_name: DF.Data | None
		naming_series: DF.Literal["WR-.YYYY.-.#####"]
		qty: DF.Float
		serial_no: DF.Link | None
		source_detail: DF.Data | None
		source_doctype: DF.Link | None
		source_name: DF.DynamicLink | None
		start_basis: DF.Literal["Delivery Date", "Invoice Date"]
		start_date: DF.Date
		status: DF.Literal["Active", "Expired", "Void"]
		warranty_days: DF.Int
	# end: auto-generated types

	# Deliveries and invoices register units; by hand, a manager registers units sold before the
	# app was installed. Either way what a registration covers is fixed once it is saved.
	app_managed_fields = (
		"status",
		"source_doctype",
		"source_name",
		"source_detail",
		"certificate_email_status",
		"certificate_email_error",
	)
	set_once_fields = (
		"company",
		"customer",
		"item_code",
		"serial_no",
		"installed_serial_no",
		"qty",
		"start_basis",
		"start_date",
		"warranty_days",
		"end_date",
	)

	def before_insert(self):
		# a unit sold before the app, from Data Import: its Serial No, its source (history.py)
		history.register_installed_unit(self)

	def validate(self):
		self.set_warranty_days()
		self.end_date = warranty_policy.end_date(getdate(self.start_date), self.warranty_days)
		if self.status != warranty_policy.VOID:
			self.status = warranty_policy.status_on(getdate(self.end_date), getdate(nowdate()))

	def after_insert(self):
		history.after_installed_unit(self)
		# the warranty certificate (保修卡) to the customer, with whether it was queued (certificates.py)
		on_registration_made(self)

	def set_warranty_days(self):
		item_days = frappe.db.get_value("Item", self.item_code, "warranty_period") if self.item_code else None
		days = warranty_policy.registration_days(
			cint(self.warranty_days),
			cint(item_days),
			getdate(self.start_date) if self.start_date else None,
			getdate(self.end_date) if self.end_date else None,
		)
		if not days:
			frappe.throw(
				_("Enter the {0} or the {1}: item {2} has no warranty period to take them from").format(
					_(self.meta.get_label("warranty_days")),
					_(self.meta.get_label("end_date")),
					frappe.bold(self.item_code),
				),
				title=_("Missing warranty period"),
			)
		self.warranty_days = days


def on_doctype_update():
	"""Key Part Failure Trend and its sweep: a product's units in the field, the registrations whose
	warranty runs over a range of month ends, added up from the index alone."""
	frappe.db.add_index(
		"Warranty Registration",
		["item_code", "end_date", "start_date", "company", "status", "qty"],
		index_name="item_code_end_date",
	)
