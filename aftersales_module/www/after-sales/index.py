"""/after-sales: the customer portal page (aftersales_module/portal.py holds the data and actions)."""

import frappe
from frappe import _

from aftersales_module import portal

no_cache = 1


def get_context(context):
	if frappe.session.user == "Guest":
		frappe.local.flags.redirect_location = "/login?redirect-to=/after-sales"
		raise frappe.Redirect
	customers = portal.customers_of()
	context.title = _("My After-Sales Service")
	context.linked = bool(customers)
	context.units = portal.my_units(customers)
	context.update(portal.my_service(customers))
	context.show_sidebar = True
	context.certificate_format = portal.certificate_format()
	return context
