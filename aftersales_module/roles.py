"""Who a user is in after-sales work: one home for the role checks the doctypes, reports and
integrations share."""

import frappe

MANAGER = "After Sales Manager"
USER = "After Sales User"
TECHNICIAN = "Service Technician"
REGIONAL_MANAGER = "Regional Manager"
GENERAL_MANAGER = "General Manager"
# Roles that work at the desk rather than only on the jobs dispatched to them.
DESK_ROLES = frozenset({MANAGER, USER, "System Manager", "Stock User", "Accounts User"})


def roles_of(user: str | None = None) -> set[str]:
	return set(frappe.get_roles(user or frappe.session.user))


def is_manager(user: str | None = None) -> bool:
	"""An After Sales Manager (Administrator holds every role)."""
	return MANAGER in roles_of(user)


def is_technician_only(user: str | None = None) -> bool:
	"""A technician with no desk role: they see and work only the jobs dispatched to them."""
	roles = roles_of(user)
	return TECHNICIAN in roles and not roles & DESK_ROLES


def require_manager(message: str) -> None:
	"""Refuse (403) unless the session user is an After Sales Manager; `message` is translated."""
	if not is_manager():
		frappe.throw(message, frappe.PermissionError)


def grant(doctype: str, role: str, ptype: str, values: dict) -> bool:
	"""Give `role` a level-0 Custom DocPerm on `doctype` with `ptype` and `values` set, unless it has
	one; whether it was added. Frappe's add_permission first copies the doctype's standard rows into
	Custom DocPerm (as the Role Permission Manager does), so every other role keeps what it had."""
	from frappe.permissions import add_permission

	if not frappe.db.exists("Role", role) or frappe.db.exists(
		"Custom DocPerm", {"parent": doctype, "role": role, "permlevel": 0, "if_owner": 0}
	):
		return False
	name = add_permission(doctype, role, 0, ptype)
	frappe.db.set_value("Custom DocPerm", name, values, update_modified=False)
	return True
