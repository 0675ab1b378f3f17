"""Checks Frappe leaves to the database: a malformed date or number sent over REST or the desk
must come back as a 4xx with a message naming the field, not as a server error."""

import datetime
import math

import frappe
from frappe import _
from frappe.utils import get_datetime, get_time, getdate

NUMBER_TYPES = ("Int", "Float", "Currency", "Percent", "Check", "Rating")
DATE_TYPES = ("Date", "Datetime", "Time")
TEXT_TYPES = ("Data", "Small Text", "Text", "Long Text", "Text Editor", "Link", "Select", "Dynamic Link")


def _bad(doc, df, value):
	label = _(df.label or df.fieldname)
	where = _("{0} in row {1}").format(label, doc.idx) if doc.get("parentfield") else label
	frappe.throw(
		_("{0}: {1} is not a valid {2}").format(
			where, frappe.bold(frappe.utils.escape_html(str(value)[:80])), _(df.fieldtype)
		),
		frappe.ValidationError,
		title=_("Invalid value"),
	)


def check_field_types(doc):
	"""Reject values of the wrong type in `doc` and its child rows, before any code reads them."""
	for d in [doc, *doc.get_all_children()]:
		for df in d.meta.fields:
			value = d.get(df.fieldname)
			if value is None or value == "":
				continue
			if df.fieldtype in TEXT_TYPES and not isinstance(value, str | int | float):
				_bad(d, df, value)
			elif df.fieldtype in NUMBER_TYPES:
				try:
					number = float(value)
				except (TypeError, ValueError):
					_bad(d, df, value)
				if not math.isfinite(number) or (df.fieldtype in ("Int", "Check") and number != int(number)):
					_bad(d, df, value)
			elif df.fieldtype in DATE_TYPES and not isinstance(
				value, datetime.date | datetime.datetime | datetime.time | datetime.timedelta
			):
				try:
					parsed = {"Date": getdate, "Datetime": get_datetime, "Time": get_time}[df.fieldtype](
						value
					)
				except Exception:
					_bad(d, df, value)
				if df.fieldtype != "Time" and not 1900 <= parsed.year <= 2999:
					_bad(d, df, value)
