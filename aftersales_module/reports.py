"""What the script reports share: the From/To Date range, the company filter, the rows a user may see
under their User Permissions, and how values are labelled in charts.

Script reports build their SQL themselves. Frappe applies User Permissions to list views, and to a
report's rows only afterwards and only through its Link columns, so a report that adds rows up in
SQL (no company column) would show every company. `filtered` (or `restricted`) puts them into every
report's query instead."""

from datetime import date

import frappe
from frappe import _
from frappe.permissions import get_user_permissions
from frappe.query_builder.functions import IfNull
from frappe.utils import add_days, getdate

# Link fields of a report's main table that User Permissions restrict.
RESTRICTED_FIELDS = ("company", "customer")


def date_range(filters: dict) -> tuple[date | None, date | None]:
	"""The report's From Date and To Date, None where the filter is empty; From Date after To Date is
	refused."""
	from_date = getdate(filters["from_date"]) if filters.get("from_date") else None
	to_date = getdate(filters["to_date"]) if filters.get("to_date") else None
	if from_date and to_date and from_date > to_date:
		frappe.throw(_("From Date {0} is after To Date {1}").format(from_date, to_date))
	return from_date, to_date


def within_dates(query, column, filters: dict):
	"""`query` limited to rows whose `column` (Date or Datetime) falls between From Date and To Date,
	both days included. The bounds compare the column itself, so its index serves."""
	from_date, to_date = date_range(filters)
	if from_date:
		query = query.where(column >= from_date)
	if to_date:
		query = query.where(column < add_days(to_date, 1))
	return query


def filtered(query, table, filters: dict, date_field: str | None = None, restrict: bool = True):
	"""`query` limited to the report's company filter, its dates on `date_field` of `table`, and the
	rows the session user may see (unless not `restrict`: totals that a sweep keeps for everyone)."""
	if date_field:
		query = within_dates(query, table[date_field], filters)
	if filters.get("company"):
		query = query.where(table.company == filters["company"])
	return restricted(query, table) if restrict else query


def permitted_values(
	doctype: str, for_doctype: str | None = None, user: str | None = None
) -> list[str] | None:
	"""The records of `doctype` the user is restricted to by User Permission, the default one first;
	None when the user is not restricted.

	As in Frappe's list views (which ERPNext's reports rely on): a permission counts when it applies
	to all doctypes or to `for_doctype`, the doctype whose rows are read, and it includes the
	descendants of a group (a parent company) unless it hides them."""
	permissions = get_user_permissions(user or frappe.session.user).get(doctype) or []
	applicable = [
		permission
		for permission in permissions
		if not permission.get("applicable_for") or permission.get("applicable_for") == for_doctype
	]
	if not applicable:
		return None
	applicable.sort(key=lambda permission: not permission.get("is_default"))
	return list(dict.fromkeys(permission.doc for permission in applicable))


def restricted(query, table, fields: tuple[str, ...] = RESTRICTED_FIELDS):
	"""`query` limited to the rows of `table` whose company and customer the session user may see.

	A user without User Permissions sees every row. An empty value passes unless the system applies
	strict user permissions, as in Frappe's list views. A company filter naming a company the user
	may not see therefore returns nothing, as ERPNext's General Ledger does."""
	doctype = table._table_name.removeprefix("tab")
	meta = frappe.get_meta(doctype)
	strict = frappe.get_system_settings("apply_strict_user_permissions")
	for fieldname in fields:
		df = meta.get_field(fieldname)
		if not df or df.fieldtype != "Link" or df.ignore_user_permissions:
			continue
		allowed = permitted_values(df.options, doctype)
		if allowed is None:
			continue
		condition = table[fieldname].isin(allowed)
		if not strict:
			condition = condition | (IfNull(table[fieldname], "") == "")
		query = query.where(condition)
	return query


def translates(column: dict) -> bool:
	"""Whether the desk shows this column's values translated: Select values and links to a translated
	doctype (Frappe's formatters pass those through __())."""
	if column.get("fieldtype") == "Select":
		return True
	options = column.get("options")
	return column.get("fieldtype") == "Link" and bool(
		options and frappe.get_meta(options).get("translated_doctype")
	)


def chart_labels(values: list, column: dict) -> list:
	"""Chart labels for the values of `column`, translated as the table shows them."""
	if not translates(column):
		return list(values)
	return [_(value) if isinstance(value, str) else value for value in values]


def names_of(doctype: str, title_field: str, names) -> dict:
	"""name -> title (a user's full name, an employee's name) of the records `names`, from one query
	(permissions aside: the report has already decided who may see the rows)."""
	names = list(set(names) - {None, ""})
	if not names:
		return {}
	return dict(
		frappe.get_all(doctype, filters={"name": ("in", names)}, fields=["name", title_field], as_list=True)
	)


def with_user_names(columns: list[dict], rows: list[dict]) -> list[dict]:
	"""The columns with, beside each one that links a User, the person's full name (an email
	address tells a service manager little), filled into `rows` from one query."""
	user_fields = [
		c["fieldname"] for c in columns if c.get("fieldtype") == "Link" and c.get("options") == "User"
	]
	names = names_of("User", "full_name", {row.get(field) for row in rows for field in user_fields})
	for row in rows:
		for field in user_fields:
			row[f"{field}_name"] = names.get(row.get(field)) or row.get(field)
	out = []
	for column in columns:
		out.append(column)
		if column["fieldname"] in user_fields:
			out.append(
				{
					"fieldname": f"{column['fieldname']}_name",
					"label": _("{0} Name").format(column["label"]),
					"fieldtype": "Data",
					"width": 120,
				}
			)
	return out
