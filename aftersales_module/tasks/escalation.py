"""Hourly: every open case whose next level is due escalates, overdue cases are flagged, and the
webhook delivery is queued (it runs after this job commits)."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import now_datetime

from aftersales_module.escalation.engine import escalate_due, mark_overdue
from aftersales_module.escalation.notify import queue_webhook_delivery
from aftersales_module.escalation.registry import escalatables


def sweep(now: datetime | None = None) -> dict:
	"""Escalate what is due in every escalating doctype; return how many levels fired in each."""
	now = now or now_datetime()
	fired = {}
	for doctype in escalatables():
		# One doctype's failure does not undo the others' escalations.
		savepoint = f"escalate_{frappe.scrub(doctype)}"
		frappe.db.savepoint(savepoint)
		try:
			fired[doctype] = escalate_due(doctype, now)
			mark_overdue(doctype, now)
		except Exception:
			frappe.db.rollback(save_point=savepoint)
			frappe.log_error(title=_("After-sales escalation sweep failed for {0}").format(_(doctype)))
			fired[doctype] = 0
	queue_webhook_delivery()
	return fired
