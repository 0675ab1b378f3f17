# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.model.document import Document
from frappe.utils import getdate, nowdate

from aftersales_module.policy import warranty as warranty_policy


class WarrantyRegistration(Document):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link
		customer: DF.Link
		customer_name: DF.Data | None
		end_date: DF.Date
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

	def validate(self):
		self.end_date = warranty_policy.end_date(getdate(self.start_date), self.warranty_days)
		if self.status != warranty_policy.VOID:
			self.status = warranty_policy.status_on(getdate(self.end_date), getdate(nowdate()))


def mark_expired():
	"""Daily: every active registration whose end date has passed becomes Expired, in one UPDATE."""
	registration = frappe.qb.DocType("Warranty Registration")
	(
		frappe.qb.update(registration)
		.set(registration.status, warranty_policy.EXPIRED)
		.where((registration.status == warranty_policy.ACTIVE) & (registration.end_date < getdate(nowdate())))
	).run()
