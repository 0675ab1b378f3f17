"""One accessor for After Sales Settings, with the defaults the source procedures state
(policy/settings.py) filling what is not set."""

import frappe

from aftersales_module.policy.settings import DEFAULT_DAYS

DOCTYPE = "After Sales Settings"


def get_settings() -> frappe._dict:
	"""The settings as a dict, values typed; day counts fall back to their defaults. One query."""
	values = frappe._dict(frappe.db.get_singles_dict(DOCTYPE, cast=True))
	for fieldname, default in DEFAULT_DAYS.items():
		if not values.get(fieldname):
			values[fieldname] = default
	return values


def get_setting(fieldname: str):
	return get_settings().get(fieldname)
