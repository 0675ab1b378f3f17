# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe import _

from aftersales_module.guard import AppDocument


class ComplaintCategory(AppDocument):
	def validate(self):
		self.category_name = (self.category_name or "").strip()
		if not self.category_name:
			frappe.throw(_("Category Name cannot be empty"))
