"""Employee events: Technician Performance counts complaints against an employee for the employee's
user, so a changed user moves the totals of those complaints' days (tasks/technician_totals.py)."""

from aftersales_module.tasks import technician_totals


def on_update(doc, method=None):
	before = doc.get_doc_before_save()
	if before is None or (before.user_id or None) == (doc.user_id or None):
		return
	technician_totals.mark(technician_totals.complaint_days_of(doc.name))
