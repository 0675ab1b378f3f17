"""Rules for watching key parts (requirements 000/3: motor, controller, rear axle …): how many of a
key part failed in a month, against how many units that contain it are in the field, and when
that rate is high enough to raise a Non Conformance for quality inspection.

- A failure is a key part used on a repair job completed in the month: the quantity that left
  stock for the job and did not come back (issued − returned, never negative).
- Units in the field are the delivered units, with their warranty running at the month's end, of
  the products that contain the part.
- The rate is failures per 100 units in the field. With no unit in the field there is no rate,
  and nothing is raised: a part on no product we know of cannot be judged against a threshold.
- A rate strictly above the part's threshold is over it; a part with no threshold (0 or empty)
  is watched in the report but raises nothing."""

import hashlib
from datetime import date, timedelta


def month_key(day: date) -> str:
	"""The month `day` falls in, as the report and the Non Conformance name it: "2026-11"."""
	return f"{day.year:04d}-{day.month:02d}"


def month_start(day: date) -> date:
	return day.replace(day=1)


def month_end(day: date) -> date:
	"""The last day of the month `day` falls in."""
	following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
	return following - timedelta(days=1)


def previous_month(day: date) -> date:
	"""The first day of the month before the one `day` falls in."""
	return month_start(month_start(day) - timedelta(days=1))


def months_between(start: date, end: date) -> list[date]:
	"""The first day of every month from the one `start` falls in to the one `end` falls in, both
	included; empty when `end` is before `start`."""
	months, month, last = [], month_start(start), month_start(end)
	while month <= last:
		months.append(month)
		month = month_end(month) + timedelta(days=1)
	return months


def months_to_evaluate(today: date) -> list[date]:
	"""The months the daily sweep looks at: last month (its late completions still count) and this
	one."""
	return [previous_month(today), month_start(today)]


def failure_qty(issued: float, returned: float) -> float:
	"""What of a part row failed on its job: what left stock for it and did not come back."""
	return max((issued or 0.0) - (returned or 0.0), 0.0)


def failure_rate(failures: float, units_in_field: float) -> float | None:
	"""Failures per 100 units in the field, rounded to 2 decimals; None with no unit in the field."""
	if not units_in_field or units_in_field <= 0:
		return None
	return round((failures or 0.0) / units_in_field * 100, 2)


def is_watched(threshold: float | None) -> bool:
	"""Whether a threshold is set: only then can a rate be over it."""
	return bool(threshold) and threshold > 0


def over_threshold(rate: float | None, threshold: float | None) -> bool:
	"""A rate strictly above the part's threshold (a percentage) is over it."""
	return rate is not None and is_watched(threshold) and rate > threshold


def non_conformance_key(company: str, item_code: str, month: str) -> str:
	"""The unique key of the one Non Conformance a part may raise in a month for a company:
	"2026-11:" and a digest of the company and the item (both may be 140 characters long)."""
	digest = hashlib.sha1(f"{company}\n{item_code}".encode()).hexdigest()[:32]
	return f"{month}:{digest}"
