"""Batched writes with plain parameterised SQL. Frappe's bulk_insert/bulk_update build every value
through the query builder (and bulk_update as one CASE per column, quadratic in the chunk), which
costs far more than the database does at 10,000 rows."""

import frappe

CHUNK = 2000


def _literal(value) -> str:
	if value is None:
		return "NULL"
	if isinstance(value, int | float) and not isinstance(value, bool):
		return repr(value)
	return str(frappe.db.escape(str(value)))


def insert_rows(doctype: str, fields: list[str], rows: list[tuple], constants: dict | None = None) -> None:
	"""INSERT `rows` (tuples in `fields` order) into `doctype`'s table, a chunk per statement.
	`constants` are columns with one value for every row, sent once as literals."""
	constants = constants or {}
	columns = ", ".join(f"`{field}`" for field in [*fields, *constants])
	fixed = "".join(f", {_literal(value)}" for value in constants.values())
	row_sql = "(" + ", ".join(["%s"] * len(fields)) + fixed + ")"
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		frappe.db.sql(
			f"insert into `tab{doctype}` ({columns}) values {', '.join([row_sql] * len(chunk))}",
			[value for row in chunk for value in row],
		)


def update_rows(
	doctype: str, fields: list[str], updates: dict[str, tuple], constants: dict | None = None
) -> None:
	"""Give each named row its own values for `fields` (updates: name -> tuple in `fields` order),
	by joining the table to the new values on its primary key; `constants` go to every row."""
	constants = constants or {}
	assignments = [f"t.`{field}` = u.`{field}`" for field in fields]
	assignments += [f"t.`{field}` = {_literal(value)}" for field, value in constants.items()]
	first = "select %s as `name`, " + ", ".join(f"%s as `{field}`" for field in fields)
	other = "select " + ", ".join(["%s"] * (len(fields) + 1))
	names = list(updates)
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		derived = " union all ".join([first] + [other] * (len(chunk) - 1))
		frappe.db.sql(
			f"update `tab{doctype}` t join ({derived}) u on t.`name` = u.`name` set {', '.join(assignments)}",
			[value for name in chunk for value in (name, *updates[name])],
		)
