"""Install and test-setup hooks."""

import frappe

from aftersales_module.policy.repair import DEFAULT_DISCOUNT_APPROVAL_PERCENT
from aftersales_module.policy.settings import DEFAULT_DAYS


def after_install():
	store_setting_defaults()


def store_setting_defaults():
	"""Write the procedures' day counts and the site's default company into After Sales Settings
	where nothing is stored yet, so a fresh install works before anyone opens the settings."""
	from erpnext import get_default_company

	stored = frappe.db.get_singles_dict("After Sales Settings")
	for fieldname, days in DEFAULT_DAYS.items():
		if stored.get(fieldname) is None:
			frappe.db.set_single_value("After Sales Settings", fieldname, days)
	if stored.get("discount_approval_percent") is None:
		frappe.db.set_single_value(
			"After Sales Settings", "discount_approval_percent", DEFAULT_DISCOUNT_APPROVAL_PERCENT
		)
	if not stored.get("warranty_start_basis"):
		frappe.db.set_single_value("After Sales Settings", "warranty_start_basis", "Delivery Date")
	company = get_default_company() or frappe.db.get_value("Company", {}, "name", order_by="creation")
	if company and not stored.get("default_company"):
		frappe.db.set_single_value("After Sales Settings", "default_company", company)


def before_uninstall():
	"""The approval workflow is not tied to the module, so uninstalling would leave it behind."""
	frappe.delete_doc_if_exists("Workflow", "Product Exchange Approval", force=True)
