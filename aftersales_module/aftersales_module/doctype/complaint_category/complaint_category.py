# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _
from frappe.model.document import Document


class ComplaintCategory(Document):
	def validate(self):
		self.category_name = (self.category_name or "").strip()
		if not self.category_name:
			frappe.throw(_("Category Name cannot be empty"))
