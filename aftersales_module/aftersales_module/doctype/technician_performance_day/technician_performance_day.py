# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""A technician's day added up for the Technician Performance report (tasks/day_totals.py
writes every row, a day at a time)."""

import frappe

from aftersales_module.guard import AppDocument
from aftersales_module.policy.performance import ADDITIVE


class TechnicianPerformanceDay(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		average_rating_count: DF.Int
		average_rating_sum: DF.Float
		company: DF.Link | None
		complaints: DF.Int
		day: DF.Date
		first_time_fixes: DF.Int
		hours: DF.Float
		jobs: DF.Int
		rating_attitude_count: DF.Int
		rating_attitude_sum: DF.Float
		rating_punctuality_count: DF.Int
		rating_punctuality_sum: DF.Float
		rating_result_count: DF.Int
		rating_result_sum: DF.Float
		rating_skill_count: DF.Int
		rating_skill_sum: DF.Float
		repeat_repairs: DF.Int
		technician: DF.Link
		visits: DF.Int
	# end: auto-generated types

	app_managed_fields = ("day", "company", "technician", *ADDITIVE)


def on_doctype_update():
	# the sweep replaces a range of days
	frappe.db.add_index(
		"Technician Performance Day", ["day", "company", "technician"], index_name="day_company"
	)
	# the report reads one company's range of days from the index alone (a quarter of a year of
	# rows read through day_company cost more than the whole table, so MariaDB read the table)
	frappe.db.add_index(
		"Technician Performance Day",
		["company", "day", "technician", *ADDITIVE],
		index_name="company_day_figures",
	)
