"""Fields that only the app's own actions may change.

A doctype lists its app-managed fields in `app_managed_fields` (see `AppDocument`). A plain save,
from the desk or `PUT /api/resource/...`, that changes one of them is refused with a translated
message; on insert they must keep their defaults. The app's own methods write them inside
`with app_write():`, a server-side flag that no request can set (unlike `doc.flags`, which a
`POST /api/resource` body can carry)."""

from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.model.document import Document
from frappe.utils import cstr, escape_html, flt

from aftersales_module import workflow_lock
from aftersales_module.validation import check_field_types, check_links_that_fetch, check_table_value

FLAG = "aftersales_app_write"
VERBATIM_TYPES = ("Data", "Small Text", "Text", "Long Text")


@contextmanager
def app_write() -> Iterator[None]:
	"""Let the code inside write app-managed fields: for the app's own actions only."""
	previous = frappe.flags.get(FLAG)
	frappe.flags[FLAG] = True
	try:
		yield
	finally:
		frappe.flags[FLAG] = previous


def in_app_write() -> bool:
	return bool(frappe.flags.get(FLAG))


def _comparable(df, value):
	"""A value as the database would store it, so that 0 == None for numbers and "" == None."""
	if df.fieldtype in ("Int", "Check", "Float", "Currency", "Percent", "Rating"):
		return flt(value)
	if df.fieldtype in ("Date", "Datetime", "Time"):
		return cstr(value)[:19] if value else ""
	return cstr(value)


def _rows(doc, df) -> list:
	"""A child table as comparable tuples (name and every data field), in order."""
	meta = frappe.get_meta(df.options)
	fields = [f for f in meta.fields if f.fieldtype not in frappe.model.no_value_fields]
	return [
		(row.get("name") or "", *(_comparable(f, row.get(f.fieldname)) for f in fields))
		for row in (doc.get(df.fieldname) or [])
	]


def _default(df):
	if df.fieldtype in frappe.model.table_fields:
		return []
	return _comparable(df, df.default)


def changed_managed_fields(doc, fieldnames) -> list[str]:
	"""The app-managed fields whose value this save changes (on insert: sets away from the default)."""
	before = doc.get_doc_before_save()
	changed = []
	for fieldname in fieldnames:
		df = doc.meta.get_field(fieldname)
		if not df:
			continue
		if df.fieldtype in frappe.model.table_fields:
			new = _rows(doc, df)
			old = _rows(before, df) if before else []
			if before is None and not new:
				continue
		else:
			new = _comparable(df, doc.get(fieldname))
			old = _comparable(df, before.get(fieldname)) if before else _default(df)
		if new != old:
			changed.append(fieldname)
	return changed


def refuse_managed_changes(doc, fieldnames) -> None:
	if in_app_write():
		return
	changed = changed_managed_fields(doc, fieldnames)
	if changed:
		frappe.throw(
			_(
				"{0} {1}: {2} can only be changed by the app's own actions, not by editing the document"
			).format(
				_(doc.doctype),
				doc.name if not doc.is_new() else _("New"),
				", ".join(_(doc.meta.get_label(f)) for f in changed),
			),
			frappe.PermissionError,
			title=_("Not allowed"),
		)


class AppDocument(Document):
	"""Base of every doctype of the module.

	Before Frappe reads any value (its link checks run first on insert and save), the values are
	checked for their type and the column's range, so a malformed one is a 4xx with a message,
	never a database error. A plain save may not set `app_managed_fields`, nor change
	`set_once_fields` after insert. Text stored verbatim (`ignore_xss_filter`) prints escaped."""

	app_managed_fields: tuple[str, ...] = ()
	set_once_fields: tuple[str, ...] = ()

	def run_method(self, method, *args, **kwargs):
		if method in workflow_lock.EVENTS:
			workflow_lock.before_workflow_actions(self)
		return super().run_method(method, *args, **kwargs)

	def _validate_links(self):
		check_field_types(self)
		if self.is_new():
			refuse_managed_changes(self, self.app_managed_fields)
		else:
			refuse_managed_changes(self, (*self.app_managed_fields, *self.set_once_fields))
		super()._validate_links()
		check_links_that_fetch(self)

	def extend(self, key, value):
		check_table_value(self, key, value)
		return super().extend(key, value)

	def get_formatted(
		self, fieldname, doc=None, currency=None, absolute_value=False, translated=False, format=None
	):
		df = self.meta.get_field(fieldname)
		value = self.get(fieldname)
		if df and df.get("ignore_xss_filter") and df.fieldtype in VERBATIM_TYPES and isinstance(value, str):
			return escape_html(value).replace("\n", "<br>")
		return super().get_formatted(fieldname, doc, currency, absolute_value, translated, format)
