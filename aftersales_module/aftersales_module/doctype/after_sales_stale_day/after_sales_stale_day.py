# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""A day whose report totals changed after the sweep added them up (named by the day, so a day is
marked once however many documents change on it; aftersales_module/day_totals.py)."""

from aftersales_module.guard import AppDocument


class AfterSalesStaleDay(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		day: DF.Date
	# end: auto-generated types

	app_managed_fields = ("day",)
