# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe

from aftersales_module.guard import AppDocument


class TechnicianDailyReportLine(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		customer: DF.Link | None
		end_time: DF.Datetime | None
		first_time_fix: DF.Check
		hours: DF.Float
		outcome: DF.Literal["Fixed", "Follow-up Needed", "Awaiting Parts", "Not Fixed"]
		parent: DF.Data
		parentfield: DF.Data
		parenttype: DF.Data
		parts_used: DF.SmallText | None
		repair_job: DF.Link
		start_time: DF.Datetime | None
		travel_hours: DF.Float
		work_category: DF.Literal[
			"On-site Repair", "Carry-in Repair", "Installation Work", "Maintenance", "Inspection", "Other"
		]
	# end: auto-generated types

	pass


def on_doctype_update():
	"""A report's hours from the index alone (Technician Performance)."""
	frappe.db.add_index(
		"Technician Daily Report Line",
		["parent", "parenttype", "hours", "travel_hours"],
		index_name="parent_hours",
	)
