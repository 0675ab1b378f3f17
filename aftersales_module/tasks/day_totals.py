"""The hourly sweep that keeps the reports' day totals (aftersales_module/day_totals.py):
Technician Performance Day (technician, company, day), Return Visit Day (due day, company,
technician, visit kind) and Complaint Day (registration day, company, and each grouping of Complaint
Statistics; the Concealment Audit reads its Handler rows), so that the reports add up some thousand
rows a day where the documents of a large department hold a million jobs, a million complaints and
three million return visits a year. It also marks stale days (doc_events below; the return-visit
sweeps and the escalation engine mark their own bulk writes).

- **Build.** The first hourly run (or `build`) adds up every day from the documents, a month per
  transaction, with the reports' own queries grouped by day. Until it has finished, the reports
  read everything from the documents.
- **Stale days.** A save that moves a figure of a day (a job completed, reopened or re-staffed, a
  later job on the same unit within 30 days, a visit made, rated, missed or moved, a daily report
  submitted or cancelled, a complaint classified, attributed, handed over or overdue, an employee's
  user changed, a document deleted)
  marks its days, in the same transaction. The reports read those days from the documents.
- **Refresh.** The hourly run adds each stale day up again, every kind of totals. Per day, in one
  transaction, it deletes the day's mark, then reads and writes the day. A save of that day that
  has not committed yet either holds the mark (so the delete waits for it, and the read sees it)
  or marks the day again once the run commits. One mark is locked at a time, so a save cannot
  deadlock with the run.
- **Two workers.** A MariaDB named lock lets one run at a time; the other returns at once.

Rows written here get no Frappe sanitizing; they hold dates, numbers and link values only."""

from datetime import date

import frappe
from frappe.utils import add_days, add_months, get_first_day, get_last_day, getdate, now_datetime

from aftersales_module import bulk
from aftersales_module.aftersales_module.report.complaint_statistics import complaint_statistics
from aftersales_module.aftersales_module.report.return_visit_coverage import return_visit_coverage
from aftersales_module.aftersales_module.report.technician_performance import technician_performance
from aftersales_module.day_totals import STALE, built, mark, set_built
from aftersales_module.policy import performance as policy
from aftersales_module.policy import visits as visit_policy

LOCK = "aftersales_day_totals"
REPEAT_WINDOW_DAYS = 30


def kinds():
	"""Each kind of totals: its doctype, its key fields and figures, and the documents' figures of a
	range of days keyed in that order."""
	return (
		(
			technician_performance.TOTALS,
			("technician", "company", "day"),
			policy.ADDITIVE,
			lambda filters: (
				(key, values)
				for key, values in technician_performance.by_period(filters, by_day=True, restrict=False)
				if key[0]  # a technician's figures only
			),
		),
		(
			return_visit_coverage.TOTALS,
			return_visit_coverage.DAY_KEYS,
			return_visit_coverage.COUNTS,
			return_visit_coverage.by_day,
		),
		(
			complaint_statistics.TOTALS,
			("day", "company", "dimension", "value"),
			complaint_statistics.FIGURES,
			complaint_statistics.by_day,
		),
	)


def refresh() -> None:
	"""Hourly: build the totals once, then add up each stale day again."""
	with named_lock() as held:
		if not held:
			return
		if not built():
			build_all()
			return
		days = frappe.db.sql(f"select `day` from `tab{STALE}` order by `day`")
		# each day's transaction starts with the delete of its mark, so that its reads see the
		# documents as of after that delete (at REPEATABLE READ too: this read above took a snapshot)
		frappe.db.commit()
		for (day,) in days:
			frappe.db.sql(f"delete from `tab{STALE}` where `name` = %s", str(day))
			if frappe.db._cursor.rowcount:
				rewrite(getdate(day), getdate(day))
			frappe.db.commit()


def build() -> int:
	"""Add up every day again from the documents (after a bulk load that bypassed the documents'
	events). Returns the rows written."""
	with named_lock(wait=600) as held:
		if not held:
			frappe.throw(frappe._("The report totals are being added up by another job; try again later"))
		return build_all()


def build_all() -> int:
	set_built(None)
	for doctype, *_rest in kinds():
		frappe.db.sql(f"delete from `tab{doctype}`")
	# every day is read below, after this delete: a save committed since marks its day again
	frappe.db.sql(f"delete from `tab{STALE}`")
	frappe.db.commit()
	first, last = bounds()
	written = 0
	month = get_first_day(first) if first else None
	while month and month <= last:
		written += rewrite(month, min(get_last_day(month), last))
		frappe.db.commit()
		month = add_months(month, 1)
	set_built(str(now_datetime()))
	frappe.db.commit()
	return written


def bounds() -> tuple[date | None, date | None]:
	"""The first and last day that any figure falls on."""
	days = []
	for table, column in (
		("Repair Job", "completed_on"),
		("Technician Daily Report", "report_date"),
		("Complaint Record", "registered_on"),
		("Return Visit", "service_date"),
		("Return Visit", "due_date"),
	):
		days += [
			getdate(value)
			for value in frappe.db.sql(f"select min(`{column}`), max(`{column}`) from `tab{table}`")[0]
			if value
		]
	return (min(days), max(days)) if days else (None, None)


def rewrite(first: date, last: date) -> int:
	"""Replace every kind of totals of the days from `first` to `last` with what the documents add
	up to."""
	filters = frappe._dict(from_date=first, to_date=last)
	now, user = now_datetime(), frappe.session.user
	standard = {
		"creation": now,
		"modified": now,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
	}
	written = 0
	for doctype, keys, figures, collect in kinds():
		totals = {}
		for key, values in collect(filters):
			policy.add_up(totals, key, values, figures)
		frappe.db.sql(f"delete from `tab{doctype}` where `day` between %s and %s", (first, last))
		rows = [
			(
				frappe.generate_hash(length=12),
				*(value or None for value in key),
				*(values[f] for f in figures),
			)
			for key, values in totals.items()
		]
		written += bulk.insert_rows(doctype, ["name", *keys, *figures], rows, constants=standard)
	return written


class named_lock:
	"""MariaDB's GET_LOCK for the duration: one run at a time across workers and machines."""

	def __init__(self, wait: int = 0):
		self.wait = wait
		self.held = False

	def __enter__(self) -> bool:
		self.held = bool(frappe.db.sql("select get_lock(%s, %s)", (LOCK, self.wait))[0][0])
		return self.held

	def __exit__(self, *exc):
		if self.held:
			frappe.db.sql("select release_lock(%s)", LOCK)


# ------------------------------------------------------------------ marking stale days (doc_events)
def _values(doc, fields) -> dict | None:
	return {field: doc.get(field) for field in fields} if doc else None


JOB_FIELDS = ("completed_on", "first_time_fix", "company", "serial_no")


def _job_values(doc) -> dict | None:
	values = _values(doc, JOB_FIELDS)
	if values is not None:
		values["technicians"] = [row.user for row in doc.get("technicians") or []]
	return values


def on_repair_job_update(doc, method=None):
	before = doc.get_doc_before_save()
	days = policy.changed_days(
		_job_values(before), _job_values(doc), (*JOB_FIELDS, "technicians"), "completed_on"
	)
	if doc.serial_no and (
		before is None
		or before.serial_no != doc.serial_no
		or str(before.posting_date) != str(doc.posting_date)
	):
		days |= earlier_completions(doc)
	mark(days)


def on_repair_job_trash(doc, method=None):
	mark(policy.changed_days(_job_values(doc), None, (), "completed_on") | earlier_completions(doc))


def earlier_completions(doc) -> set:
	"""The completion days of the unit's jobs that this job makes repeat repairs (it was opened
	within 30 days after them)."""
	if not doc.serial_no or not doc.posting_date:
		return set()
	posted = getdate(doc.posting_date)
	return {
		getdate(day)
		for (day,) in frappe.db.sql(
			"""select distinct date(completed_on) from `tabRepair Job`
			where serial_no = %s and name != %s and completed_on >= %s and completed_on < %s""",
			(doc.serial_no, doc.name, add_days(posted, -REPEAT_WINDOW_DAYS), add_days(posted, 1)),
		)
	}


VISIT_FIELDS = ("status", "technician", "company", *policy.AVERAGED)
# what Return Visit Coverage counts of a visit, on its due day
COVERAGE_FIELDS = ("status", "answer_channel", "satisfied", "company", "technician", "visit_kind")


def _visit_values(doc) -> dict | None:
	return _values(doc, (*VISIT_FIELDS, "service_date")) if doc and doc.status == visit_policy.DONE else None


def on_return_visit_update(doc, method=None):
	before = doc.get_doc_before_save()
	mark(
		policy.changed_days(_visit_values(before), _visit_values(doc), VISIT_FIELDS, "service_date")
		| policy.changed_days(
			_values(before, (*COVERAGE_FIELDS, "due_date")),
			_values(doc, (*COVERAGE_FIELDS, "due_date")),
			COVERAGE_FIELDS,
			"due_date",
		)
	)


def on_return_visit_trash(doc, method=None):
	mark(
		policy.changed_days(_visit_values(doc), None, (), "service_date")
		| policy.changed_days(_values(doc, ("due_date",)), None, (), "due_date")
	)


# what Technician Performance, Complaint Statistics, the Concealment Audit and Complaint Aging count
# of a complaint, on its registration day (the escalation engine marks its own bulk writes)
COMPLAINT_FIELDS = (
	"company",
	"responsible_employee",
	"complaint_category",
	"complaint_type",
	"severity",
	"validity",
	"responsible_department",
	"handler",
	"is_repeat",
	"is_overdue",
	"status",
	"escalation_level",
)


def on_complaint_update(doc, method=None):
	fields = (*COMPLAINT_FIELDS, "registered_on")
	mark(
		policy.changed_days(
			_values(doc.get_doc_before_save(), fields),
			_values(doc, fields),
			COMPLAINT_FIELDS,
			"registered_on",
		)
	)


def on_complaint_trash(doc, method=None):
	mark(policy.changed_days(_values(doc, ("registered_on",)), None, (), "registered_on"))


def on_daily_report_change(doc, method=None):
	"""Submitted or cancelled: its hours count from or until now."""
	mark([doc.report_date])


def complaint_days_of(employee: str) -> list:
	"""The days of the complaints held against `employee`."""
	return [
		day
		for (day,) in frappe.db.sql(
			"select distinct date(registered_on) from `tabComplaint Record` where responsible_employee = %s",
			employee,
		)
	]
