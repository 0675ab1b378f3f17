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
LINK_TYPES = ("Link", "Dynamic Link")
# A Password is stored encrypted (a Fernet token, about 4/3 of it) in __Auth.password, a text column.
PASSWORD_BYTES = 49000


def _shown(value) -> str:
	"""The value as a message shows it: short, escaped, and encodable (a lone surrogate is not)."""
	text = str(value)[:80].encode("utf-8", "replace").decode()
	return frappe.bold(frappe.utils.escape_html(text))


def _where(doc, df) -> str:
	label = _(df.label or df.fieldname)
	return _("{0} in row {1}").format(label, doc.idx) if doc.get("parentfield") else label


def _bad(doc, df, value):
	frappe.throw(
		_("{0}: {1} is not a valid {2}").format(_where(doc, df), _shown(value), _(df.fieldtype)),
		frappe.ValidationError,
		title=_("Invalid value"),
	)


def _out_of_range(doc, df, value, limit):
	frappe.throw(
		_("{0}: {1} is out of range (at most {2})").format(_where(doc, df), _shown(value), limit),
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


def _names_by_number(d, df) -> bool:
	"""Whether the doctype a link points to names its records by number (autoincrement)."""
	doctype = df.options if df.fieldtype == "Link" else d.get(df.options)
	return isinstance(doctype, str) and frappe.db.get_value("DocType", doctype, "autoname") == "autoincrement"


def _check_text(d, df, value):
	if isinstance(value, bool) or not isinstance(value, str | int | float):
		_bad(d, df, value)
	# A Select is one of its options, all text (a number even breaks the naming series). A link is
	# a record's name: a number would match some other record (Frappe looks 1.5 up as a number).
	if df.fieldtype == "Select" and not isinstance(value, str):
		_bad(d, df, value)
	if df.fieldtype in LINK_TYPES and not isinstance(value, str):
		if not (isinstance(value, int) and _names_by_number(d, df)):
			_bad(d, df, value)
	text = str(value)
	try:
		size = len(text.encode())
	except UnicodeEncodeError:  # a lone surrogate ("\ud800" in JSON): no database can store it
		_bad(d, df, value)
	if df.fieldtype in TEXT_COLUMNS:
		if size > TEXT_BYTES:
			_too_long(d, df, len(text), TEXT_BYTES)
		return
	if df.fieldtype == "Password" and size > PASSWORD_BYTES:
		_too_long(d, df, len(text), PASSWORD_BYTES)
	column, length = frappe.db.type_map.get(df.fieldtype, (None, None))
	limit = int(df.get("length") or 0) or int(length or 0)
	if column == "varchar" and limit and len(text) > limit:
		_too_long(d, df, len(text), limit)


def _check_option(d, df, value):
	"""Frappe checks a Select against its options only after the controller's validate has read it
	(Document._validate runs after run_before_save_methods), and never checks the naming series (a
	POST could name a record by any pattern). This checks them first, stripped as Frappe does;
	imports are not checked, as in Frappe."""
	options = (df.options or "").split("\n")
	if not any(options) or frappe.flags.in_import:
		return
	if value.strip() not in options:
		prefix = _("Row #{0}:").format(d.idx) if d.get("parentfield") else ""
		frappe.throw(
			_('{0} {1} cannot be "{2}". It should be one of "{3}"')
			.format(
				prefix,
				_(d.meta.get_label(df.fieldname)),
				_shown(value),
				'", "'.join(_(option) for option in options),
			)
			.strip(),
			frappe.ValidationError,
			title=_("Invalid value"),
		)


def _check_date(d, df, value):
	if isinstance(value, datetime.date | datetime.datetime | datetime.time | datetime.timedelta):
		return
	if not isinstance(value, str):
		_bad(d, df, value)
	try:
		parsed = {"Date": getdate, "Datetime": get_datetime, "Time": get_time}[df.fieldtype](value)
	except Exception:
		_bad(d, df, value)
	if parsed is None:  # Frappe reads "0000-00-00" and "0001-01-01" as no date
		_bad(d, df, value)
	if df.fieldtype != "Time" and not 1900 <= parsed.year <= 2999:
		_bad(d, df, value)


def check_field_types(doc):
	"""Reject values of the wrong type or out of the column's range in `doc` and its child rows,
	and Select values that are not among the options, before any code (ours or Frappe's) reads them.
	A Select that keeps its stored value is left alone (its options may have changed since)."""
	before = doc.get_doc_before_save() if not doc.is_new() else None
	stored = {(b.doctype, b.name): b for b in [before, *before.get_all_children()]} if before else {}
	for d in [doc, *doc.get_all_children()]:
		old = stored.get((d.doctype, d.name))
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
				if df.fieldtype == "Select" and not (old and old.get(df.fieldname) == value):
					_check_option(d, df, value)


def check_table_value(doc, fieldname, value):
	"""A child table takes a list of rows (dicts); anything else is a 4xx, not a server error."""
	df = doc.meta.get_field(fieldname)
	if value is None or not df:
		return
	if not isinstance(value, list | tuple) or not all(isinstance(row, dict | BaseDocument) for row in value):
		frappe.throw(
			_("{0}: expected a list of rows, got {1}").format(_(df.label or fieldname), _shown(value)),
			frappe.ValidationError,
			title=_("Invalid value"),
		)


def check_links_that_fetch(doc):
	"""A Link that other fields fetch from (customer -> customer_name) must name a record.

	Frappe does not report such a link when its record does not exist: `get_invalid_links` fetches
	the values with `frappe.db.get_value(..., as_dict=True)`, gets None, and skips the field
	(frappe/model/base_document.py, `if values:`). Call after Frappe's own link check."""
	if doc.flags.ignore_links or doc._action == "cancel":
		return
	missing = []
	for d in [doc, *doc.get_all_children()]:
		for df in d.meta.get_link_fields():
			value = d.get(df.fieldname)
			if not value or not df.options or not d.meta.get_fields_to_fetch(df.fieldname):
				continue
			meta = frappe.get_meta(df.options)
			if meta.issingle or meta.get("is_virtual"):
				continue
			if not frappe.db.exists(df.options, value):
				missing.append(f"{_where(d, df)}: {_shown(value)}")
	if missing:
		frappe.throw(_("Could not find {0}").format(", ".join(missing)), frappe.LinkValidationError)
