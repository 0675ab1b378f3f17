# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe

from aftersales_module.guard import AppDocument


class RepairJobPart(AppDocument):
	pass


# Key Part Failure Trend and its sweep: a key part's rows on jobs by item code, with the quantities
# they add up, so the part rows are read from the index alone. (It replaces item_code_parent, its
# prefix: patches/v0_1/drop_superseded_indexes.py.)
ITEM_CODE_INDEX = (
	"item_code_used",
	["item_code", "parenttype", "parent", "parentfield", "issued_qty", "returned_qty"],
)


def on_doctype_update():
	"""The item-code index (on this table's own sync: on a new site it is created after Repair Job)."""
	index_name, columns = ITEM_CODE_INDEX
	frappe.db.add_index("Repair Job Part", columns, index_name=index_name)
