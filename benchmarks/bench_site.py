"""What every benchmark does around its own run: the --site and --sites-path options, then the run on
that site as Administrator, everything it wrote rolled back afterwards.

It also holds the floor every sweep is measured against: the bare SQL statements the sweep's writes
need (the same SELECT of what is due, then INSERTs and UPDATEs of exactly the rows the sweep wrote,
their values computed beforehand), replayed from the state the sweep started from (`Floor`,
`sweep_and_floor`)."""

import argparse
import cProfile
import io
import os
import pstats
import time
from collections import defaultdict

# Rows per INSERT or UPDATE statement on the floor: the chunk the app's bulk writers use.
CHUNK = 2000


def parser(doc: str) -> argparse.ArgumentParser:
	"""An argument parser with the site options; the benchmark adds its own."""
	result = argparse.ArgumentParser(description=doc.splitlines()[0])
	result.add_argument("--site", default="test_site")
	result.add_argument("--sites-path", default=os.path.join(os.getcwd(), "sites"))
	result.add_argument(
		"--rounds", type=int, default=2, help="sweep and floor timings, alternately; best kept"
	)
	result.add_argument("--profile", action="store_true", help="print the sweep's cProfile (top functions)")
	return result


def run_on_site(args, run) -> None:
	import frappe

	os.chdir(args.sites_path)  # Frappe writes its logs relative to the sites folder
	frappe.init(site=args.site, sites_path=".")
	frappe.connect()
	frappe.set_user("Administrator")
	try:
		run(args)
	finally:
		frappe.db.rollback()
		frappe.destroy()


def timed(fn, *args):
	start = time.perf_counter()
	result = fn(*args)
	return time.perf_counter() - start, result


def rows_of(sql: str, values=None) -> tuple[list[str], list[tuple]]:
	"""(columns, rows) of a query: what a sweep wrote, read back to be written again on the floor."""
	import frappe

	rows = frappe.db.sql(sql, values)
	return [d[0] for d in frappe.db._cursor.description], [tuple(row) for row in rows]


class Floor:
	"""The bare statements of a sweep, prepared first (SQL text and values), executed by `run`."""

	def __init__(self):
		self.statements: list[tuple[str, list | dict | None]] = []
		self.rows = 0

	def sql(self, query: str, values=None) -> "Floor":
		"""A statement as it is (the SELECT of what is due, a set-based UPDATE)."""
		self.statements.append((query, values))
		return self

	def insert(self, table: str, columns: list[str], rows: list[tuple]) -> "Floor":
		"""Multi-row INSERTs of `rows`, CHUNK rows a statement; a column with one value in every row
		(the standard columns of a batch) is written as one literal, as the app's writers do."""
		import frappe

		fixed = [i for i in range(len(columns)) if rows and all(row[i] == rows[0][i] for row in rows)]
		varying = [i for i in range(len(columns)) if i not in fixed]
		names = ", ".join(f"`{columns[i]}`" for i in (*varying, *fixed))
		literals = "".join(f", {frappe.db._cursor.mogrify('%s', (rows[0][i],))}" for i in fixed)
		row_sql = "(" + ", ".join(["%s"] * len(varying)) + literals + ")"
		for start in range(0, len(rows), CHUNK):
			chunk = rows[start : start + CHUNK]
			self.statements.append(
				(
					f"insert into `{table}` ({names}) values {', '.join([row_sql] * len(chunk))}",
					[row[i] for row in chunk for i in varying],
				)
			)
		self.rows += len(rows)
		return self

	def update(self, table: str, columns: list[str], rows: list[tuple], key: str = "name") -> "Floor":
		"""Give each row (key, *values in `columns` order) its values: rows that share their values go
		in one `UPDATE ... WHERE key IN (...)`, CHUNK names a statement; when nearly every row has its
		own values, one UPDATE joined to the values per CHUNK rows (the cheapest bare form of each)."""
		groups = defaultdict(list)
		for row in rows:
			groups[tuple(row[1:])].append(row[0])
		self.rows += len(rows)
		if len(groups) * 20 <= len(rows):
			sets = ", ".join(f"`{c}` = %s" for c in columns)
			for values, names in groups.items():
				for start in range(0, len(names), CHUNK):
					chunk = names[start : start + CHUNK]
					self.statements.append(
						(
							f"update `{table}` set {sets} where `{key}` in ({', '.join(['%s'] * len(chunk))})",
							[*values, *chunk],
						)
					)
			return self
		sets = ", ".join(f"t.`{c}` = u.`{c}`" for c in columns)
		first = f"select %s as `{key}`, " + ", ".join(f"%s as `{c}`" for c in columns)
		other = "select " + ", ".join(["%s"] * (len(columns) + 1))
		for start in range(0, len(rows), CHUNK):
			chunk = rows[start : start + CHUNK]
			derived = " union all ".join([first] + [other] * (len(chunk) - 1))
			self.statements.append(
				(
					f"update `{table}` t join ({derived}) u on t.`{key}` = u.`{key}` set {sets}",
					[value for row in chunk for value in row],
				)
			)
		return self

	def run(self) -> float:
		"""Execute the statements; returns the seconds. `escaping` keeps the part the driver spent
		putting the values into the statements, the rest went to the wire and the server."""
		import frappe

		self.escaping = 0.0
		start = time.perf_counter()
		for query, values in self.statements:
			if values:
				t = time.perf_counter()
				query = frappe.db._cursor.mogrify(query, values)
				self.escaping += time.perf_counter() - t
			frappe.db.sql(query)
		return time.perf_counter() - start


class SqlClock:
	"""Counts the statements a sweep sends and the wall time spent in `frappe.db.sql` (the driver
	and the server), by wrapping it for the length of a `with` block."""

	def __init__(self):
		self.seconds = 0.0
		self.statements = 0

	def __enter__(self):
		import frappe

		db = frappe.db
		original = db.sql

		def sql(*args, **kwargs):
			start = time.perf_counter()
			try:
				return original(*args, **kwargs)
			finally:
				self.seconds += time.perf_counter() - start
				self.statements += 1

		db.sql = sql
		self.db = db
		return self

	def __exit__(self, *exc):
		del self.db.sql


def sweep_and_floor(args, sweep, check, floor, savepoint: str = "bench_fresh"):
	"""Time `sweep` and its floor from the same state, alternately, `args.rounds` times each, rolling
	back to a savepoint in between; the best of each is kept (the machine is shared). After the first
	sweep, `check(result)` asserts what it did and `floor()` reads back what it wrote and returns the
	`Floor` replaying it. A last, profiled sweep says where the time beyond the floor goes.
	Returns a `Timing`; the sweep's writes are rolled back."""
	import frappe

	frappe.db.savepoint(savepoint)
	timing = Timing()
	for round_ in range(max(args.rounds, 1)):
		with SqlClock() as clock:
			seconds, result = timed(sweep)
		if not timing.sweeps or seconds < min(timing.sweeps):
			timing.sql_seconds, timing.sql_statements = clock.seconds, clock.statements
		timing.sweeps.append(seconds)
		if round_ == 0:
			timing.result = result
			check(result)
			timing.plan = floor()
		frappe.db.rollback(save_point=savepoint)
		seconds = timing.plan.run()
		if not timing.floors or seconds < min(timing.floors):
			timing.floor_escaping = timing.plan.escaping
		timing.floors.append(seconds)
		frappe.db.rollback(save_point=savepoint)
	profiler = cProfile.Profile()
	profiler.runcall(sweep)
	frappe.db.rollback(save_point=savepoint)
	timing.profile = pstats.Stats(profiler)
	if args.profile:
		report(profiler)
	return timing


class Timing:
	def __init__(self):
		self.sweeps, self.floors = [], []
		self.result = self.plan = self.profile = None
		self.sql_seconds, self.sql_statements = 0.0, 0
		self.floor_escaping = 0.0

	@property
	def sweep(self) -> float:
		return min(self.sweeps)

	@property
	def floor(self) -> float:
		return min(self.floors)

	def line(self, label: str) -> str:
		"""`sweep time / floor time`, against the 2x target."""
		ratio = self.sweep / self.floor if self.floor else float("inf")
		return (
			f"floor {label}: sweep {self.sweep:.2f} s / bare SQL {self.floor:.2f} s "
			f"({len(self.plan.statements)} statements, {self.plan.rows:,} rows; "
			f"{self.floor_escaping:.2f} s of it escaping values) = {ratio:.2f}x "
			f"(target <= 2x{'' if ratio <= 2 else ': ABOVE'})"
		)

	def breakdown(self, label: str, notes: str = "") -> str:
		"""Where the sweep's time beyond the floor goes: its statements (more of them than the
		floor's: reads, claims, the driver escaping values) against the floor's, and its Python,
		split by where the profile saw it."""
		python = max(self.sweep - self.sql_seconds, 0)
		shares = python_shares(self.profile)
		parts = ", ".join(f"{name} {python * share:.2f}" for name, share in shares[:5] if share >= 0.03)
		return (
			f"rest {label}: {self.sweep - self.floor:.2f} s over the floor; the sweep spent "
			f"{self.sql_seconds:.2f} s in its {self.sql_statements} statements (the floor "
			f"{self.floor:.2f} s in {len(self.plan.statements)}) and {python:.2f} s in Python ({parts})"
			+ (f"; {notes}" if notes else "")
		)


# What the profile's own time is spent in, by where the function lives; the first match wins.
CATEGORIES = (
	("SQL", ("pymysql", "recv_into", "sendall", "socket", "database/database.py", "database/mariadb")),
	("policy per row", ("aftersales_module/policy/",)),
	("translation", ("frappe/translate.py", "babel", "gettext")),
	("templates", ("jinja2",)),
	("query builder", ("pypika", "frappe/query_builder", "frappe/database/query")),
	("Frappe cache/redis", ("redis", "frappe/cache", "frappe/utils/redis")),
	("Frappe ORM/meta", ("frappe/model",)),
	("date/value helpers", ("frappe/utils/data.py", "dateutil", "_strptime", "datetime")),
	("hashes", ("generate_hash", "secrets", "hashlib", "random")),
	("app row building", ("aftersales_module/",)),
	("html escaping", ("html/__init__", "markupsafe")),
)


def python_shares(stats) -> list[tuple[str, float]]:
	"""The profile's own time outside SQL, as shares by category, largest first."""
	totals = defaultdict(float)
	for (filename, _line, function), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
		where = f"{filename}:{function}"
		category = next(
			(name for name, needles in CATEGORIES if any(n in where for n in needles)), "other Python"
		)
		totals[category] += tottime
	totals.pop("SQL", None)
	whole = sum(totals.values()) or 1
	return sorted(((name, t / whole) for name, t in totals.items()), key=lambda item: -item[1])


def report(profiler, top: int = 35) -> None:
	out = io.StringIO()
	pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
	print(out.getvalue())
