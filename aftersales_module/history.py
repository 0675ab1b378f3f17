"""Records brought in by Data Import: the installed base and the history before the app.

An imported Complaint Record or Repair Job is *historical* when it was already closed, or when it
was opened before the cut-off date its Data Import names (the custom field
`aftersales_history_cutoff` on Data Import). A historical record never escalates, never turns
overdue and gets no return visit: it is the ledger of the past, not work to do. An imported open
case after the cut-off is live work, and its escalation clock starts at the import, not at its old
registration (escalation/planning.py).

`is_historical` and `imported_on` are app-managed: only the import, through `before_insert` while
`frappe.flags.in_import` is set (server-side, no request can set it), writes them."""

from datetime import date

import frappe
from frappe.utils import getdate, now_datetime

CUTOFF_FIELD = "aftersales_history_cutoff"
FIELDS = ("is_historical", "imported_on")


def is_historical(closed: bool, opened_on: date | None, cutoff: date | None) -> bool:
	"""Closed when imported, or opened before the import's cut-off day."""
	return bool(closed or (cutoff and opened_on and opened_on < cutoff))


def running_data_import(doc) -> str | None:
	"""The Data Import inserting `doc` now (the importer names itself in `updater_reference`)."""
	if not frappe.flags.in_import:
		return None
	reference = doc.flags.get("updater_reference") or {}
	if reference.get("doctype") == "Data Import":
		return reference.get("docname")
	return None


def cutoff_of(data_import: str | None) -> date | None:
	"""The cut-off day a Data Import names, read once per import and request."""
	if not data_import:
		return None
	cache = frappe.flags.setdefault("aftersales_history_cutoffs", {})
	if data_import not in cache:
		value = None
		if frappe.get_meta("Data Import").has_field(CUTOFF_FIELD):
			value = frappe.db.get_value("Data Import", data_import, CUTOFF_FIELD)
		cache[data_import] = getdate(value) if value else None
	return cache[data_import]


def mark_imported(doc, opened_on, closed: bool) -> bool:
	"""In `before_insert`: stamp a record a Data Import brings in, historical or not. Whether it is."""
	if not (frappe.flags.in_import and doc.is_new()):
		return False
	doc.imported_on = now_datetime()
	cutoff = cutoff_of(running_data_import(doc))
	doc.is_historical = int(is_historical(closed, getdate(opened_on) if opened_on else None, cutoff))
	return bool(doc.is_historical)


def imported_now(doc) -> bool:
	"""A new document that an import is inserting (stamped by `mark_imported`)."""
	return bool(frappe.flags.in_import and doc.is_new() and doc.get("imported_on"))


# ---------------------------------------------------------------- the installed base
def register_installed_unit(doc) -> None:
	"""`before_insert` of a Warranty Registration a Data Import brings in (a unit sold before the
	app): its source is the import, and a serial number ERPNext does not know yet (column
	`installed_serial_no`, a plain text column, since Data Import refuses a file whose Link column
	names a missing record) becomes a delivered Serial No of the item and customer."""
	if not (frappe.flags.in_import and doc.is_new()):
		return
	data_import = running_data_import(doc)
	if data_import:
		doc.source_doctype, doc.source_name = "Data Import", data_import
	serial_no = (doc.get("installed_serial_no") or "").strip()
	if not serial_no:
		return
	doc.installed_serial_no = serial_no
	if doc.serial_no and doc.serial_no != serial_no:
		frappe.throw(
			frappe._("Serial No {0} and {1} disagree: fill in one of them").format(
				frappe.bold(doc.serial_no), frappe.bold(serial_no)
			)
		)
	known = frappe.db.get_value("Serial No", serial_no, ["item_code", "customer"], as_dict=True)
	if known:
		if known.item_code != doc.item_code:
			frappe.throw(
				frappe._("Serial No {0} is of item {1}, not {2}").format(
					frappe.bold(serial_no), known.item_code, doc.item_code
				)
			)
		if known.customer and known.customer != doc.customer:
			frappe.throw(
				frappe._("Serial No {0} was delivered to {1}, not to {2}").format(
					frappe.bold(serial_no), known.customer, doc.customer
				),
				title=frappe._("Wrong customer"),
			)
	else:
		if not frappe.get_cached_value("Item", doc.item_code, "has_serial_no"):
			frappe.throw(
				frappe._("Item {0} has no serial numbers: leave the serial number of {1} empty").format(
					frappe.bold(doc.item_code), frappe.bold(serial_no)
				)
			)
		unit = frappe.new_doc("Serial No")
		unit.update(
			{
				"serial_no": serial_no,
				"item_code": doc.item_code,
				"company": doc.company,
				"customer": doc.customer,
				"status": "Delivered",
			}
		)
		unit.insert(ignore_permissions=True)
	doc.serial_no = serial_no
	doc.qty = 1


def after_installed_unit(doc) -> None:
	"""`after_insert`: the unit's Serial No carries its warranty end, as a delivery sets it."""
	if frappe.flags.in_import and doc.serial_no and doc.source_doctype == "Data Import":
		frappe.db.set_value(
			"Serial No", doc.serial_no, "warranty_expiry_date", doc.end_date, update_modified=False
		)
