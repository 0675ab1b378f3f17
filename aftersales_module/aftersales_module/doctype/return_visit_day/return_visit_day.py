# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""Return visits of one due day, company, technician and kind, added up for Return Visit Coverage
(tasks/day_totals.py writes every row, a day at a time)."""

import frappe

from aftersales_module.guard import AppDocument

# what a day row counts (Return Visit Coverage's COUNTS)
COUNTS = ("due", "visited", "self_service", "missed", "open", "satisfied")


class ReturnVisitDay(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		company: DF.Link | None
		day: DF.Date
		due: DF.Int
		missed: DF.Int
		open: DF.Int
		satisfied: DF.Int
		self_service: DF.Int
		technician: DF.Link | None
		visit_kind: DF.Literal["Satisfaction Call", "First Follow-up", "Second Follow-up"]
		visited: DF.Int
	# end: auto-generated types

	app_managed_fields = ("day", "company", "technician", "visit_kind", *COUNTS)


def on_doctype_update():
	# the sweep replaces a range of days
	frappe.db.add_index(
		"Return Visit Day", ["day", "company", "technician", "visit_kind"], index_name="day_company"
	)
	# the report reads one company's range of days from the index alone
	frappe.db.add_index(
		"Return Visit Day",
		["company", "day", "technician", "visit_kind", *COUNTS],
		index_name="company_day_counts",
	)
