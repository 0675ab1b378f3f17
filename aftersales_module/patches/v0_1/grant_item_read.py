"""Existing sites: the app's roles and the Quality Manager read Item (setup/install.py LINK_TARGETS,
tasks/key_parts.py QUALITY_MANAGER_GRANTS). Key Part Failure Trend's reference doctype is Item, and
Frappe drops a report's rows for a user held to a company by User Permission unless they may read it:
such a manager saw an empty report."""

import frappe

from aftersales_module.setup.install import grant_link_targets
from aftersales_module.tasks.key_parts import QUALITY_MANAGER, grant_quality_managers


def execute():
	grant_link_targets()
	grant_quality_managers()
	# the Quality Manager's row on Item was select only
	frappe.db.set_value(
		"Custom DocPerm",
		{"parent": "Item", "role": QUALITY_MANAGER, "permlevel": 0, "if_owner": 0},
		"read",
		1,
		update_modified=False,
	)
	frappe.clear_cache(doctype="Item")
