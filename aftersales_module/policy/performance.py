"""Technician Performance from day totals (001/1 assessment; 001/3 §19): which figures add up across
days, how a month's averages come from the days' sums and counts, and which days the report reads
from the documents instead of the totals.

The hourly sweep keeps one row per technician, company and day. A document that changes a figure
of a day already added up marks that day stale; the report reads stale days from the documents,
each unbroken run of them as one date range, and the rest from the totals."""

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

from aftersales_module.policy.visits import RATING_FIELDS

# Scores that are averaged: the four rated items and the visit's own average.
AVERAGED = (*RATING_FIELDS, "average_rating")
COUNTS = ("jobs", "first_time_fixes", "repeat_repairs", "hours", "complaints", "visits")
# Every figure of a day row; each adds up across days and companies.
ADDITIVE = (*COUNTS, *(f"{field}_{part}" for field in AVERAGED for part in ("sum", "count")))

# More runs of stale days than this and the report reads the whole range from the documents:
# one query per figure over the range costs less than one per run.
MAX_STALE_RUNS = 12


def day_runs(days: Iterable[date]) -> list[tuple[date, date]]:
	"""The days as unbroken runs (first day, last day), in order."""
	runs: list[list[date]] = []
	for day in sorted(set(days)):
		if runs and day - runs[-1][1] == timedelta(days=1):
			runs[-1][1] = day
		else:
			runs.append([day, day])
	return [(first, last) for first, last in runs]


def add_up(into: dict, key, values: Mapping, figures: tuple[str, ...] = ADDITIVE) -> None:
	"""Add the `figures` of `values` (None counts as 0) to the totals kept under `key`."""
	totals = into.setdefault(key, dict.fromkeys(figures, 0))
	for field in figures:
		totals[field] += values.get(field) or 0


def mean(total: float, count: int) -> float | None:
	"""The average of `count` scores summing to `total`; None when nothing was scored."""
	return round(total / count, 2) if count else None


def averages(totals: Mapping) -> dict:
	"""Each averaged score of a row of totals, from its sum and count."""
	return {
		field: mean(totals.get(f"{field}_sum") or 0, totals.get(f"{field}_count") or 0) for field in AVERAGED
	}


def changed_days(before: Mapping | None, after: Mapping | None, fields: Iterable[str], day_field: str) -> set:
	"""The days whose totals a save moves: the document's day before and after, when one of `fields`
	(or the day itself) changed, or the document came or went. `before` and `after` are the values
	before and after the save, None for a new or deleted document."""
	if before is None and after is None:
		return set()
	if before is not None and after is not None:
		watched = (*fields, day_field)
		if all(_same(before.get(field), after.get(field)) for field in watched):
			return set()
	days = {_day(values.get(day_field)) for values in (before, after) if values is not None}
	return {day for day in days if day}


def _same(one, other) -> bool:
	"""Whether two values of a field are the same as stored: 0 is None for numbers, "" is None, and
	a date or datetime equals its text."""
	if isinstance(one, list | tuple) or isinstance(other, list | tuple):
		return sorted(one or []) == sorted(other or [])
	if isinstance(one, int | float) or isinstance(other, int | float):
		return float(one or 0) == float(other or 0)
	if isinstance(one, date) or isinstance(other, date):
		return str(one or "")[:19] == str(other or "")[:19]
	return (one or None) == (other or None)


def _day(value) -> date | None:
	if not value:
		return None
	if hasattr(value, "date") and callable(value.date):
		return value.date()
	if isinstance(value, date):
		return value
	return date.fromisoformat(str(value)[:10])
