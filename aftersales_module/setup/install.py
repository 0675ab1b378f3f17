"""Install hooks and the records a new site starts with."""

import frappe
from frappe import _

from aftersales_module.policy.escalation import (
	DEFAULT_CHAIN,
	DEFAULT_REPLY_DAYS,
	MISSED_VISIT_CHAIN,
	SLA_CHAIN,
	major_chain,
)
from aftersales_module.policy.repair import DEFAULT_DISCOUNT_APPROVAL_PERCENT
from aftersales_module.policy.settings import DEFAULT_DAYS
from aftersales_module.roles import grant
from aftersales_module.setup.fixtures import removable_on_uninstall
from aftersales_module.tasks import key_parts

# 002/5 lists the categories property and service companies use; 001/1 adds product quality.
COMPLAINT_CATEGORIES = (
	("Product Quality", "产品质量"),
	("Repair", "维修"),
	("Delivery and Installation", "送货安装"),
	("Staff Attitude", "服务态度"),
	("Hygiene", "卫生"),
	("Facilities", "设施"),
	("Security", "安全"),
	("Billing and Finance", "收费财务"),
)


def default_level_targets():
	"""002/8: branch 5 days -> market department 7 days -> deputy GM -> GM; reply within 15 days.
	(label, target role or the number of steps up the handler's reporting line)"""
	return (
		(_("Market Department"), "After Sales Manager"),
		(_("Deputy General Manager"), 2),
		(_("General Manager"), 3),
	)


def after_install():
	store_setting_defaults()
	seed_complaint_setup()
	seed_service_escalation()
	grant_link_targets()
	key_parts.grant_quality_managers()


# The ERPNext masters our doctypes link to. ERPNext gives its own roles access to them, not ours, so
# a user holding only after-sales roles could not pick a customer or a serial number in the desk.
# "select" lets a Link field search and pick a record; "read" also lets the form fetch its values
# (a customer's name, a serial's item). Records of people and money stay select only.
# Reading Item also keeps the rows of Key Part Failure Trend (its reference doctype) for a user held
# to a company by User Permission: Frappe drops a report's rows for such a user unless they may read
# the report's reference doctype.
SELECT_ONLY = ("Employee", "Delivery Note", "Sales Invoice")
LINK_TARGETS = (
	"Company",
	"Customer",
	"Item",
	"Serial No",
	"Batch",
	"Warehouse",
	"Employee",
	"Department",
	"Customer Group",
	"Territory",
	"Holiday List",
	"Delivery Note",
	"Sales Invoice",
	"Activity Type",
)
APP_ROLES = (
	"After Sales Manager",
	"After Sales User",
	"Service Technician",
	"Regional Manager",
	"General Manager",
	"Return Visit Staff",
)


def grant_link_targets():
	"""Let the app's roles select the masters they link to (a new Custom DocPerm reads by default:
	records of people and money stay select only)."""
	for doctype in LINK_TARGETS:
		for role in APP_ROLES:
			grant(doctype, role, "select", {"read": 0 if doctype in SELECT_ONLY else 1})
		frappe.clear_cache(doctype=doctype)


def revoke_link_targets():
	"""Remove the rows grant_link_targets added (the copied standard rows stay, unchanged)."""
	frappe.db.delete("Custom DocPerm", {"parent": ("in", LINK_TARGETS), "role": ("in", APP_ROLES)})
	for doctype in LINK_TARGETS:
		frappe.clear_cache(doctype=doctype)


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


def seed_service_escalation():
	"""The escalation chains of covered repair jobs past their SLA deadline and of missed return
	visits, unless the site has a policy for them already."""
	chains = (
		(
			"Repair Job",
			_("Repair Job - Contract SLA"),
			SLA_CHAIN,
			((_("Service Chief"), "After Sales Manager"), (_("General Manager"), "General Manager")),
		),
		(
			"Return Visit",
			_("Return Visit - Missed"),
			MISSED_VISIT_CHAIN,
			((_("After Sales Manager"), "After Sales Manager"), (_("General Manager"), "General Manager")),
		),
	)
	for doctype, name, chain, targets in chains:
		if frappe.db.exists("Escalation Policy", {"document_type": doctype}):
			continue
		frappe.get_doc(
			{
				"doctype": "Escalation Policy",
				"policy_name": name,
				"document_type": doctype,
				"reply_deadline_days": 0,
				"levels": _level_rows(chain, targets),
			}
		).insert(ignore_permissions=True)


def before_uninstall():
	"""Workflows and assignment rules are not tied to the module, so uninstalling would leave them
	behind: remove every one the app ships (fixtures/)."""
	for doctype, name in removable_on_uninstall():
		frappe.delete_doc_if_exists(doctype, name, force=True)
	revoke_link_targets()
	key_parts.revoke_quality_managers()


def _level_rows(chain, targets):
	rows = []
	for level, (label, target) in zip(chain, targets, strict=True):
		row = {
			"level_label": label,
			"after_value": level.after,
			"after_unit": level.unit,
			"since": level.since,
			"notify_email": 1,
			"notify_desk": 1,
			"notify_webhook": 1,
			"assign": 1,
		}
		if isinstance(target, int):
			row.update({"target_type": "Handler's Manager", "manager_steps": target})
		else:
			row.update({"target_type": "Role", "target_role": target})
		rows.append(row)
	return rows


def seed_complaint_setup():
	"""Complaint categories and the default escalation chains, unless the site has them already."""
	for category, description in COMPLAINT_CATEGORIES:
		if not frappe.db.exists("Complaint Category", category):
			frappe.get_doc(
				{"doctype": "Complaint Category", "category_name": category, "description": description}
			).insert(ignore_permissions=True)

	if frappe.db.exists("Escalation Policy", {"document_type": "Complaint Record"}):
		return
	frappe.get_doc(
		{
			"doctype": "Escalation Policy",
			"policy_name": _("Complaint - Standard Chain"),
			"document_type": "Complaint Record",
			"reply_deadline_days": DEFAULT_REPLY_DAYS,
			"levels": _level_rows(DEFAULT_CHAIN, default_level_targets()),
		}
	).insert(ignore_permissions=True)
	frappe.get_doc(
		{
			"doctype": "Escalation Policy",
			"policy_name": _("Complaint - Major"),
			"document_type": "Complaint Record",
			"severity": "Major",
			"reply_deadline_days": DEFAULT_REPLY_DAYS,
			"levels": _level_rows(
				major_chain(),
				((_("After Sales Manager (at once)"), "After Sales Manager"), *default_level_targets()),
			),
		}
	).insert(ignore_permissions=True)
