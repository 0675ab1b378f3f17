# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""One row per reminder the app sent, and whether its email went out (a site without outgoing email
still logs, assigns and notifies; the row says the email was not sent and why). The unique key (reference, kind, lead time) is what makes the
daily sweeps idempotent and safe with two workers: a reminder is sent only by the worker whose
INSERT IGNORE claimed its row."""

import frappe

from aftersales_module.guard import AppDocument


class ReminderLog(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		channel: DF.Data | None
		email_error: DF.SmallText | None
		email_status: DF.Literal["", "Queued", "Not Sent"]
		kind: DF.Literal["Contract Renewal", "Warranty Ending"]
		lead_days: DF.Int
		reference_doctype: DF.Link
		reference_name: DF.DynamicLink
		sent_on: DF.Datetime | None
		sent_to: DF.SmallText | None
	# end: auto-generated types

	app_managed_fields = (
		"kind",
		"reference_doctype",
		"reference_name",
		"lead_days",
		"sent_on",
		"sent_to",
		"email_status",
		"email_error",
	)


def on_doctype_update():
	frappe.db.add_unique(
		"Reminder Log",
		["reference_doctype", "reference_name", "kind", "lead_days"],
		constraint_name="unique_reminder",
	)
