"""Checks Frappe leaves to the database: a malformed date, number or text sent over REST or the
desk must come back as a 4xx with a message naming the field, not as a server error."""

import datetime
import math

import frappe
from frappe import _
from frappe.model.base_document import BaseDocument
from frappe.utils import get_datetime, get_time, getdate

NUMBER_TYPES = ("Int", "Float", "Currency", "Percent", "Check", "Rating")
DATE_TYPES = ("Date", "Datetime", "Time")
TEXT_TYPES = (
	"Data",
	"Small Text",
	"Text",
	"Long Text",
	"Text Editor",
	"Link",
	"Select",
	"Dynamic Link",
	"Signature",
	"Attach",
	"Attach Image",
	"Password",
	"Code",
	"HTML Editor",
	"Markdown Editor",
	"Phone",
	"Color",
	"Read Only",
	"Autocomplete",
	"Barcode",
	"Duration",
	"JSON",
)
# What the columns hold (Frappe's MariaDB type map): int(11), decimal(21,9), decimal(3,2), text.
INT_LIMIT = 2**31 - 1
DECIMAL_LIMIT = 10**12
TEXT_BYTES = 65535
TEXT_COLUMNS = ("Small Text", "Text", "Signature", "Read Only")


def _where(doc, df) -> str:
	label = _(df.label or df.fieldname)
	return _("{0} in row {1}").format(label, doc.idx) if doc.get("parentfield") else label


def _bad(doc, df, value):
	frappe.throw(
		_("{0}: {1} is not a valid {2}").format(
			_where(doc, df), frappe.bold(frappe.utils.escape_html(str(value)[:80])), _(df.fieldtype)
		),
		frappe.ValidationError,
		title=_("Invalid value"),
	)


def _out_of_range(doc, df, value, limit):
	frappe.throw(
		_("{0}: {1} is out of range (at most {2})").format(
			_where(doc, df), frappe.bold(frappe.utils.escape_html(str(value)[:80])), limit
		),
		frappe.ValidationError,
		title=_("Invalid value"),
	)


def _too_long(doc, df, size, limit):
	frappe.throw(
		_("{0} is too long: {1} characters, at most {2}").format(_where(doc, df), size, limit),
		frappe.ValidationError,
		title=_("Invalid value"),
	)


def _check_number(d, df, value):
	if isinstance(value, bool):
		return
	try:
		number = float(value)
	except (TypeError, ValueError, OverflowError):
		_bad(d, df, value)
	if not math.isfinite(number) or (df.fieldtype in ("Int", "Check") and number != int(number)):
		_bad(d, df, value)
	if df.fieldtype in ("Int", "Check") and abs(number) > INT_LIMIT:
		_out_of_range(d, df, value, INT_LIMIT)
	elif df.fieldtype == "Rating" and not 0 <= number <= 1:
		_out_of_range(d, df, value, 1)
	elif abs(number) >= DECIMAL_LIMIT:
		_out_of_range(d, df, value, f"{DECIMAL_LIMIT - 1:,}")


def _check_text(d, df, value):
	if not isinstance(value, str | int | float) or isinstance(value, bool):
		_bad(d, df, value)
	text = str(value)
	if df.fieldtype in TEXT_COLUMNS:
		size = len(text.encode())
		if size > TEXT_BYTES:
			_too_long(d, df, len(text), TEXT_BYTES)
		return
	column, length = frappe.db.type_map.get(df.fieldtype, (None, None))
	limit = int(df.get("length") or 0) or int(length or 0)
	if column == "varchar" and limit and len(text) > limit:
		_too_long(d, df, len(text), limit)


def _check_date(d, df, value):
	if isinstance(value, datetime.date | datetime.datetime | datetime.time | datetime.timedelta):
		return
	if not isinstance(value, str):
		_bad(d, df, value)
	try:
		parsed = {"Date": getdate, "Datetime": get_datetime, "Time": get_time}[df.fieldtype](value)
	except Exception:
		_bad(d, df, value)
	if df.fieldtype != "Time" and not 1900 <= parsed.year <= 2999:
		_bad(d, df, value)


def check_field_types(doc):
	"""Reject values of the wrong type or out of the column's range in `doc` and its child rows,
	before any code (ours or Frappe's) reads them."""
	for d in [doc, *doc.get_all_children()]:
		for df in d.meta.fields:
			value = d.get(df.fieldname)
			if value is None or value == "":
				continue
			if df.fieldtype in NUMBER_TYPES:
				_check_number(d, df, value)
			elif df.fieldtype in DATE_TYPES:
				_check_date(d, df, value)
			elif df.fieldtype in TEXT_TYPES:
				_check_text(d, df, value)


def check_table_value(doc, fieldname, value):
	"""A child table takes a list of rows (dicts); anything else is a 4xx, not a server error."""
	df = doc.meta.get_field(fieldname)
	if value is None or not df:
		return
	if not isinstance(value, list | tuple) or not all(isinstance(row, dict | BaseDocument) for row in value):
		frappe.throw(
			_("{0}: expected a list of rows, got {1}").format(
				_(df.label or fieldname), frappe.bold(frappe.utils.escape_html(str(value)[:80]))
			),
			frappe.ValidationError,
			title=_("Invalid value"),
		)
