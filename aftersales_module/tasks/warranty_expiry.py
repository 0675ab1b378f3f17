"""Daily: every active warranty registration whose end date has passed becomes Expired."""

import frappe
from frappe.utils import getdate, nowdate

from aftersales_module.policy import warranty as warranty_policy


def mark_expired() -> None:
	"""One UPDATE over the registrations that ended before today."""
	registration = frappe.qb.DocType("Warranty Registration")
	(
		frappe.qb.update(registration)
		.set(registration.status, warranty_policy.EXPIRED)
		.where((registration.status == warranty_policy.ACTIVE) & (registration.end_date < getdate(nowdate())))
	).run()
