"""When a case escalates: time arithmetic on working days and the chain of escalation levels.

A policy is a chain of levels. Each level falls due a number of hours or days after the case was
created ("Creation") or after the level before it fell due ("Previous Level"). A case stores the
level it reached and when that level fell due; from those, `due_levels` says which levels fall
due now and when the next one will.
"""

import math
from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from aftersales_module.policy.messages import Problem, _

UNITS = ("Hours", "Days")
SINCE = ("Creation", "Previous Level")
DAY = timedelta(days=1)

# 002/8: a customer gets a reply within 15 days, 18 when abroad.
DEFAULT_REPLY_DAYS = 15
ABROAD_REPLY_DAYS = 18


@dataclass(frozen=True)
class Level:
	number: int  # 1-based position in the policy's chain
	after: float  # >= 0
	unit: str  # "Hours" or "Days"
	since: str  # "Creation" or "Previous Level"


@dataclass(frozen=True)
class Calendar:
	working_days_only: bool = False
	weekend: frozenset[int] = frozenset({5, 6})  # date.weekday() numbers
	holidays: frozenset[date] = frozenset()

	def is_working_day(self, day: date) -> bool:
		return day.weekday() not in self.weekend and day not in self.holidays


# 002/8: the branch handles a complaint for 5 days, then the market department for 7, then the deputy
# general manager, then the general manager, within the 15 days the customer waits for a reply.
DEFAULT_CHAIN = (
	Level(1, 5, "Days", "Creation"),  # to the market department at day 5
	Level(2, 7, "Days", "Previous Level"),  # to the deputy general manager at day 12
	Level(3, 3, "Days", "Previous Level"),  # to the general manager at day 15
)
# A Major case reaches the After Sales Manager at once.
MAJOR_IMMEDIATE = Level(1, 0, "Hours", "Creation")
# A covered repair job past its SLA deadline goes to the service chief at once (001/3 §9: late
# repairs are reported to the service chief); unresolved a day later, to the general manager (001/9:
# same-day unresolved issues are reported to the director in writing).
SLA_CHAIN = (
	Level(1, 0, "Hours", "Creation"),
	Level(2, 1, "Days", "Previous Level"),
)
# A missed return visit goes to the after-sales manager at once, and still not made 2 days later
# (001/13: follow-up issues that cannot be answered are reported within 2 days), further up.
MISSED_VISIT_CHAIN = (
	Level(1, 0, "Hours", "Creation"),
	Level(2, 2, "Days", "Previous Level"),
)


def major_chain() -> tuple[Level, ...]:
	"""MAJOR_IMMEDIATE, then the default chain renumbered from 2."""
	return (MAJOR_IMMEDIATE, *(replace(level, number=level.number + 1) for level in DEFAULT_CHAIN))


def _hours(amount: float, unit: str) -> float:
	if unit not in UNITS:
		raise ValueError(f"unknown time unit {unit!r}; expected one of {UNITS}")
	if isinstance(amount, bool) or not isinstance(amount, int | float) or not math.isfinite(amount):
		raise ValueError(f"the amount of time must be a finite number, not {amount!r}")
	if amount < 0:
		raise ValueError(f"the amount of time cannot be negative: {amount!r}")
	return amount * (24 if unit == "Days" else 1)


@lru_cache(maxsize=64)
def _weekday_holidays(calendar: Calendar) -> tuple[date, ...]:
	"""The calendar's holidays that fall on a working weekday, sorted (the others cost nothing)."""
	return tuple(sorted(day for day in calendar.holidays if day.weekday() not in calendar.weekend))


def _working_days_per_week(calendar: Calendar) -> int:
	working = 7 - len(calendar.weekend & frozenset(range(7)))
	if working == 0:
		raise ValueError("the calendar has no working weekday: every day is weekend")
	return working


def _midnight(day: date, like: datetime) -> datetime:
	return datetime.combine(day, time.min, tzinfo=like.tzinfo)


def _after_working_days(day: date, count: int, calendar: Calendar) -> date:
	"""The day after the `count`-th working day counted from `day` (inclusive); `day` if count is 0."""
	per_week = _working_days_per_week(calendar)
	holidays = _weekday_holidays(calendar)
	# Whole weeks at a time: each week holds `per_week` working weekdays minus its holidays, so this
	# never passes more working days than asked for. At least one is left for the walk below, which
	# stops right after the last one (a week jump would also pass the weekend that follows it).
	while count > per_week:
		weeks = (count - 1) // per_week
		end = day + timedelta(weeks=weeks)
		lost = bisect_left(holidays, end) - bisect_left(holidays, day)
		count -= weeks * per_week - lost
		day = end
	while count > 0:
		if calendar.is_working_day(day):
			count -= 1
		day += DAY
	return day


def add_time(start: datetime, amount: float, unit: str, calendar: Calendar = Calendar()) -> datetime:
	"""`start` plus `amount` hours or days. On a working-days calendar the clock only runs on working
	days (all 24 hours of them): Friday 10:00 + 1 day is Monday 10:00, Saturday 10:00 + 1 day is
	Tuesday 00:00. A span that ends exactly at the end of a working day ends at the next midnight."""
	hours = _hours(amount, unit)
	if calendar.working_days_only:
		_working_days_per_week(calendar)
	if hours == 0:
		return start
	remaining = timedelta(hours=hours)
	if not calendar.working_days_only:
		return start + remaining

	day = start.date()
	if calendar.is_working_day(day):
		left_today = _midnight(day + DAY, start) - start
		if remaining <= left_today:
			return start + remaining
		remaining -= left_today
	day += DAY
	# From midnight of `day` on, `remaining` working time is left: whole days, then a part of a day.
	whole_days, rest = divmod(remaining, DAY)
	day = _after_working_days(day, whole_days, calendar)
	if not rest:
		return _midnight(day, start)
	while not calendar.is_working_day(day):
		day += DAY
	return _midnight(day, start) + rest


def reply_deadline(opened_at: datetime, days: float, calendar: Calendar = Calendar()) -> datetime:
	"""When the customer must have had a reply (DEFAULT_REPLY_DAYS, ABROAD_REPLY_DAYS)."""
	return add_time(opened_at, days, "Days", calendar)


@dataclass(frozen=True)
class Due:
	levels: tuple[Level, ...]  # levels due now, in chain order (several can be due at once)
	due_at: tuple[datetime, ...]  # the scheduled time each of those fell due
	next_at: datetime | None  # when the following level falls due; None when the chain is exhausted


def _schedule(levels, clock_start: datetime, last_level: int, last_fired_at: datetime | None, calendar):
	"""Yield (level, when it falls due) for each level above `last_level`, in chain order.

	A level never falls due before the level before it: not before `last_fired_at` for the first,
	not before the previous one's time for the others. "Previous Level" counts from that time."""
	previous = last_fired_at if last_fired_at is not None else clock_start
	for level in sorted(levels, key=lambda level: level.number):
		if level.number <= last_level:
			continue
		if level.since == "Creation":
			own = add_time(clock_start, level.after, level.unit, calendar)
		elif level.since == "Previous Level":
			own = add_time(previous, level.after, level.unit, calendar)
		else:
			raise ValueError(f"level {level.number} counts from an unknown start {level.since!r}")
		previous = max(own, previous)
		yield level, previous


def due_levels(
	levels,
	clock_start: datetime,
	last_level: int,
	last_fired_at: datetime | None,
	now: datetime,
	calendar: Calendar = Calendar(),
) -> Due:
	"""The levels above `last_level` that are due at `now` (due time <= now) and when the next falls
	due. After downtime several fall due at once, each at its scheduled time, not at `now`; store the
	last one's number and time, and the same call finds nothing more until `next_at`."""
	fired, fired_at = [], []
	for level, when in _schedule(levels, clock_start, last_level or 0, last_fired_at, calendar):
		if when > now:
			return Due(tuple(fired), tuple(fired_at), when)
		fired.append(level)
		fired_at.append(when)
	return Due(tuple(fired), tuple(fired_at), None)


def next_escalation_at(
	levels,
	clock_start: datetime,
	last_level: int,
	last_fired_at: datetime | None,
	calendar: Calendar = Calendar(),
) -> datetime | None:
	"""When the level after `last_level` falls due, due or not; None when the chain is exhausted."""
	for _level, when in _schedule(levels, clock_start, last_level or 0, last_fired_at, calendar):
		return when
	return None


def restart_on_reopen(last_level: int, reopened_at: datetime) -> tuple[datetime, int, datetime]:
	"""(clock_start, last_level, last_fired_at) of a reopened case: the levels it reached stay
	reached, and the later ones count from the reopening."""
	return reopened_at, last_level, reopened_at


def check_levels(levels) -> list[Problem]:
	"""The problems with a chain of levels (fieldname "levels")."""
	if not levels:
		return [Problem("levels", _("{0}: add at least one level"))]
	problems = []
	seen = set()
	for level in sorted(levels, key=lambda level: level.number):
		number = level.number
		if number in seen:
			problems.append(Problem("levels", _("{0}: level {1} repeats an earlier level number"), (number,)))
		seen.add(number)
		after = level.after
		if isinstance(after, bool) or not isinstance(after, int | float) or not math.isfinite(after):
			problems.append(Problem("levels", _("{0}: level {1} needs a number of hours or days"), (number,)))
		elif after < 0:
			problems.append(
				Problem("levels", _("{0}: level {1} cannot fire a negative time after its start"), (number,))
			)
		if level.unit not in UNITS:
			problems.append(
				Problem("levels", _("{0}: level {1} has an unknown unit: {2}"), (number, level.unit))
			)
		if level.since not in SINCE:
			problems.append(
				Problem(
					"levels", _("{0}: level {1} counts from an unknown start: {2}"), (number, level.since)
				)
			)
	return problems
