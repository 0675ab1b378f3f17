# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from frappe.model.document import Document


class RepairJobPart(Document):
	pass
