# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe

from aftersales_module.guard import AppDocument


class RepairJobTechnician(AppDocument):
	pass


def on_doctype_update():
	"""A job's technicians from the index alone, for the reports that join jobs to technicians."""
	frappe.db.add_index("Repair Job Technician", ["parent", "parenttype", "user"], index_name="parent_user")
