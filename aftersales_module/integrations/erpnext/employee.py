"""Employee events: Technician Performance counts complaints against an employee for the employee's
user, so a changed user moves the totals of those complaints' days (day_totals.py)."""

from aftersales_module import day_totals
from aftersales_module.tasks.day_totals import complaint_days_of


def on_update(doc, method=None):
	before = doc.get_doc_before_save()
	if before is None or (before.user_id or None) == (doc.user_id or None):
		return
	day_totals.mark(complaint_days_of(doc.name))
