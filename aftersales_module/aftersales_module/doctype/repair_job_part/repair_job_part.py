# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe

from aftersales_module.guard import AppDocument


class RepairJobPart(AppDocument):
	pass


def on_doctype_update():
	"""Key Part Failure Trend and its sweep: a key part's rows on jobs, by item code (on this table's
	own sync: on a new site it is created after Repair Job)."""
	frappe.db.add_index(
		"Repair Job Part", ["item_code", "parenttype", "parent"], index_name="item_code_parent"
	)
