"""Hourly: every open case whose next level is due escalates, overdue cases are flagged, and the
webhook delivery is queued (it runs after this job commits)."""

from datetime import datetime

import frappe
from frappe import _
from frappe.utils import now_datetime

from aftersales_module.escalation.engine import escalate_due, mark_overdue
from aftersales_module.escalation.notify import queue_webhook_delivery
from aftersales_module.escalation.registry import escalatables
from aftersales_module.jobs import retried, step


def sweep(now: datetime | None = None) -> dict:
	"""Escalate what is due in every escalating doctype; return how many levels fired in each. All
	of it runs again when a deadlock undid it (`jobs.retried`)."""
	return retried(sweep_once, now or now_datetime())


def sweep_once(now: datetime) -> dict:
	fired = {}
	for doctype in escalatables():
		# One doctype's failure does not undo the others' escalations.
		fired[doctype] = 0
		with step(
			f"escalate_{frappe.scrub(doctype)}",
			_("After-sales escalation sweep failed for {0}").format(_(doctype)),
		):
			fired[doctype] = escalate_due(doctype, now)
			mark_overdue(doctype, now)
	queue_webhook_delivery()
	return fired
