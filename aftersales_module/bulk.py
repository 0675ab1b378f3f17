"""Writing rows in bulk, for the escalation engine and the scheduled sweeps: a block of names taken
from a naming series at once, the standard columns, and plain parameterised INSERTs and joined
UPDATEs (Frappe's bulk_insert/bulk_update build every value through the query builder, and
bulk_update as one CASE per column, which costs far more than the database does at 10,000 rows).
Rows written this way get no sanitizing from Frappe: callers escape what a user typed."""

from collections import defaultdict

import frappe
from frappe.model.naming import parse_naming_series


def reserve_names(series: str, count: int) -> list[str]:
	"""`count` new names of `series` (e.g. "RV-.YYYY.-.#####"), taking the numbers in one locked
	update of the series counter, as Frappe's own naming does one at a time."""
	if count <= 0:
		return []
	taken = {}

	def capture(key: str, digits: int) -> str:
		taken["key"], taken["digits"] = key, digits
		return "{number}"

	template = parse_naming_series(series, number_generator=capture)
	key, digits = taken["key"], taken["digits"]
	frappe.db.sql(
		"insert into `tabSeries` (`name`, `current`) values (%s, 0) on duplicate key update `name` = `name`",
		key,
	)
	current = frappe.db.sql("select `current` from `tabSeries` where `name` = %s for update", key)[0][0]
	current = int(current or 0)
	frappe.db.sql("update `tabSeries` set `current` = %s where `name` = %s", (current + count, key))
	return [
		template.replace("{number}", f"{number:0{digits}d}")
		for number in range(current + 1, current + count + 1)
	]


def standard_values(name: str, now, user: str) -> dict:
	"""The standard columns of a row written without the ORM."""
	return {
		"name": name,
		"creation": now,
		"modified": now,
		"owner": user,
		"modified_by": user,
		"docstatus": 0,
		"idx": 0,
	}


CHUNK = 2000


def _literal(value) -> str:
	if value is None:
		return "NULL"
	if isinstance(value, int | float) and not isinstance(value, bool):
		return repr(value)
	return str(frappe.db.escape(str(value)))


def _same_in_every_row(rows: list[tuple], index: int) -> bool:
	first = rows[0][index]
	kind = type(first)
	return all(type(row[index]) is kind and row[index] == first for row in rows)


def _inlined(value) -> str | None:
	"""`value` as the driver would put it into a statement, ready to stand in the statement's text
	(where the other values are still %s placeholders); None when it cannot stand there as it is
	(Frappe rewrites `ifnull(` in a statement's text)."""
	if not frappe.db._conn:
		frappe.db.connect()
	text = frappe.db._conn.escape(value)
	if not isinstance(text, str) or "ifnull(" in text.lower():
		return None
	return text.replace("%", "%%")


def insert_rows(
	doctype: str,
	fields: list[str],
	rows: list[tuple],
	constants: dict | None = None,
	ignore_duplicates: bool = False,
) -> int:
	"""INSERT `rows` (tuples in `fields` order) into `doctype`'s table, a chunk per statement.
	`constants` are columns with one value for every row, sent once as literals; with
	`ignore_duplicates`, a row whose unique key is taken is skipped (INSERT IGNORE). Returns how
	many rows went in (the server's count of affected rows).

	A field whose value is the same (and of the same type) in every row is sent once too, escaped
	as the driver escapes it: escaping each value of each row is most of the Python a wide batch
	costs."""
	if not rows:
		return 0
	constants = constants or {}
	varying, fixed = [], []
	for index, field in enumerate(fields):
		literal = _inlined(rows[0][index]) if len(rows) > 1 and _same_in_every_row(rows, index) else None
		if literal is None:
			varying.append(index)
		else:
			fixed.append((field, literal))
	if not varying:  # nothing left to send per row: send the first field per row after all
		varying, fixed = [0], [f for f in fixed if f[0] != fields[0]]
	columns = ", ".join(
		f"`{field}`" for field in [*(fields[i] for i in varying), *(f for f, _l in fixed), *constants]
	)
	literals = "".join(f", {literal}" for _f, literal in fixed)
	literals += "".join(f", {_literal(value)}" for value in constants.values())
	row_sql = "(" + ", ".join(["%s"] * len(varying)) + literals + ")"
	verb = "insert ignore" if ignore_duplicates else "insert"
	if len(varying) < len(fields):
		rows = [tuple(row[i] for i in varying) for row in rows]
	inserted = 0
	for start in range(0, len(rows), CHUNK):
		chunk = rows[start : start + CHUNK]
		frappe.db.sql(
			f"{verb} into `tab{doctype}` ({columns}) values {', '.join([row_sql] * len(chunk))}",
			[value for row in chunk for value in row],
		)
		inserted += max(frappe.db._cursor.rowcount, 0)
	return inserted


def inserted_names(doctype: str, names: list[str], inserted: int) -> list[str]:
	"""Which of `names`, just written with INSERT IGNORE (`inserted` rows went in), are rows of
	`doctype` now: all of them when every row went in, else those found (`existing_names`)."""
	if inserted == len(names):
		return list(names)
	return existing_names(doctype, names)


def existing_names(doctype: str, names: list[str]) -> list[str]:
	"""Which of `names` are rows of `doctype` (after an INSERT IGNORE)."""
	found = []
	for start in range(0, len(names), CHUNK):
		chunk = names[start : start + CHUNK]
		found += frappe.db.sql(
			f"select `name` from `tab{doctype}` where `name` in ({', '.join(['%s'] * len(chunk))})",
			chunk,
			pluck=True,
		)
	return found


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


def update_each(doctype: str, updates: dict[str, dict], constants: dict | None = None) -> None:
	"""Give each named row its own values (updates: name -> {field: value}); rows that change the
	same columns go in one statement per chunk (`update_rows`)."""
	groups = defaultdict(dict)
	for name, values in updates.items():
		columns = tuple(sorted(values))
		groups[columns][name] = tuple(values[column] for column in columns)
	for columns, rows in groups.items():
		update_rows(doctype, list(columns), rows, constants)
