# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Complaints of one registration day and company, counted per value of each grouping of Complaint
Statistics (tasks/day_totals.py writes every row, a day at a time)."""

import frappe

from aftersales_module.guard import AppDocument

# what a day row counts (Complaint Statistics' FIGURES, in the order the index keeps them)
FIGURES = (
	"complaints",
	"repeats",
	"overdue",
	"invalid",
	"not_escalated",
	"open",
	"open_overdue",
	"open_major",
	"open_escalated",
)


class ComplaintDay(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		complaints: DF.Int
		day: DF.Date
		dimension: DF.Literal[
			"Category",
			"Complaint Type",
			"Severity",
			"Validity",
			"Responsible Department",
			"Responsible Employee",
			"Handler",
		]
		invalid: DF.Int
		not_escalated: DF.Int
		open: DF.Int
		open_escalated: DF.Int
		open_major: DF.Int
		open_overdue: DF.Int
		overdue: DF.Int
		repeats: DF.Int
		value: DF.Data | None
	# end: auto-generated types

	app_managed_fields = ("day", "company", "dimension", "value", *FIGURES)


def on_doctype_update():
	# the sweep replaces a range of days
	frappe.db.add_index("Complaint Day", ["day"], index_name="day")
	# a report reads one grouping of one company from the index alone, in the order of its values
	# (no temporary table for the GROUP BY), the days filtered within each value
	frappe.db.add_index(
		"Complaint Day",
		["dimension", "company", "value", "day", *FIGURES],
		index_name="dimension_company_value",
	)
