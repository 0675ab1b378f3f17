"""Filters the complaint reports share: company and a registration date range."""

import frappe
from frappe import _
from frappe.utils import add_days, getdate


def date_range(filters: dict) -> tuple:
	from_date, to_date = getdate(filters.get("from_date")), getdate(filters.get("to_date"))
	if from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	return from_date, add_days(to_date, 1)


def filtered(query, table, filters: dict):
	"""`query` limited to the report's company and registration dates (indexed columns)."""
	from_date, to_date = date_range(filters)
	query = query.where(table.registered_on >= from_date).where(table.registered_on < to_date)
	if filters.get("company"):
		query = query.where(table.company == filters["company"])
	return query
