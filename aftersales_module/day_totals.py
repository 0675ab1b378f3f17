"""Day totals of the reports that add up a year of a large department (a million jobs, three million
return visits): Technician Performance Day and Return Visit Day, one row per day and the report's
keys, kept by the hourly sweep in tasks/day_totals.py. This module is the reports' side and the
marking of stale days; it writes only marks.

- **Built.** Until the sweep's first run has added up every day, the reports read the documents.
- **Stale days.** A change that moves a figure of a day already added up marks that day in After
  Sales Stale Day, in the same transaction: a document's save or deletion (doc_events), and the
  app's own bulk writes (new return visits, missed visits). A report reads stale days from the
  documents, each unbroken run of them as one date range, and the rest from the totals, so it is
  never behind what was saved. One mark serves every kind of totals.
- **Customers.** The totals keep no customer, so a user restricted to customers by User
  Permissions reads the documents."""

from datetime import date

import frappe
from frappe.utils import getdate, now_datetime

from aftersales_module.bulk import insert_rows
from aftersales_module.policy import performance as policy
from aftersales_module.reports import permitted_values, restricted, within_dates

STALE = "After Sales Stale Day"
BUILT = "aftersales_day_totals_built"  # a DefaultValue, set once every day is added up


def built() -> bool:
	"""Whether the totals have been built, read from the table in the report's own snapshot (not
	Frappe's cached defaults, which could say built while a rebuild has emptied the totals)."""
	return bool(
		frappe.db.sql(
			"select defvalue from `tabDefaultValue` where parent = '__default' and defkey = %s", BUILT
		)
	)


def set_built(value: str | None) -> None:
	frappe.db.set_default(BUILT, value)


def stale_runs(filters, for_doctype: str) -> list[tuple[date, date]] | None:
	"""The unbroken runs of stale days within the filters' dates, to read from the documents while
	the rest comes from the totals; None when the report reads everything from the documents (not
	built, the user restricted to customers, or more runs than one query per run is worth)."""
	if not built() or permitted_values("Customer", for_doctype) is not None:
		return None
	runs = policy.day_runs(stale_days(filters))
	return runs if len(runs) <= policy.MAX_STALE_RUNS else None


def read(filters, for_doctype: str, from_totals, from_documents) -> list:
	"""A report's rows: `from_totals(filters, stale_runs)` for the days the totals hold, and
	`from_documents(filters)` for each run of stale days, or for everything when the totals cannot
	serve (`stale_runs`). Rows of one key may come more than once: the caller adds them up."""
	runs = stale_runs(filters, for_doctype)
	if runs is None:
		return list(from_documents(filters))
	rows = list(from_totals(filters, runs))
	for first, last in runs:
		rows += from_documents(frappe._dict(filters, from_date=first, to_date=last))
	return rows


def limited(query, table, filters, runs: list[tuple[date, date]], fields: tuple[str, ...] = ("company",)):
	"""`query` on a totals `table` limited to the filters' dates and `fields`, without the stale
	`runs` (read from the documents instead), and to the companies the session user may see."""
	query = within_dates(query, table.day, filters)
	for field in fields:
		if filters.get(field):
			query = query.where(table[field] == filters[field])
	for first, last in runs:
		query = query.where((table.day < first) | (table.day > last))
	return restricted(query, table, ("company",))


def stale_days(filters) -> list[date]:
	stale = frappe.qb.DocType(STALE)
	query = within_dates(frappe.qb.from_(stale).select(stale.day), stale.day, filters)
	return [getdate(day) for (day,) in query.run()]


def mark(days) -> None:
	"""Mark `days` stale, in the caller's transaction (INSERT IGNORE: a day is marked once)."""
	days = sorted({getdate(day) for day in days if day})
	if not days:
		return
	now, user = now_datetime(), frappe.session.user
	insert_rows(
		STALE,
		["name", "day"],
		[(str(day), day) for day in days],
		constants={
			"creation": now,
			"modified": now,
			"owner": user,
			"modified_by": user,
			"docstatus": 0,
			"idx": 0,
		},
		ignore_duplicates=True,
	)
