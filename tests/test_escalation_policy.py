import random
from dataclasses import FrozenInstanceError
from datetime import date, datetime, timedelta, timezone

import pytest

from aftersales_module.policy.escalation import (
	ABROAD_REPLY_DAYS,
	DEFAULT_CHAIN,
	DEFAULT_REPLY_DAYS,
	MAJOR_IMMEDIATE,
	Calendar,
	Due,
	Level,
	add_time,
	check_levels,
	due_levels,
	major_chain,
	next_escalation_at,
	reply_deadline,
	restart_on_reopen,
)
from aftersales_module.policy.messages import Problem

WORKING = Calendar(working_days_only=True)


def jan(day: int, hour: int = 0, minute: int = 0) -> datetime:
	"""A time in January 2026 (days past 31 run on into February). The 1st is a Thursday, so Mondays
	are the 5th, 12th, 19th, 26th and Saturdays the 3rd, 10th, 17th, 24th, 31st."""
	return datetime(2026, 1, 1, hour, minute) + timedelta(days=day - 1)


def day(number: int) -> date:
	return jan(number).date()


def reference_add_time(start, amount, unit, calendar):
	"""A slow, obvious version of add_time: walk day by day, spending each working day's hours."""
	remaining = timedelta(hours=amount * (24 if unit == "Days" else 1))
	if not remaining or not calendar.working_days_only:
		return start + remaining
	moment = start
	while True:
		next_midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time())
		if moment.weekday() not in calendar.weekend and moment.date() not in calendar.holidays:
			if remaining <= next_midnight - moment:
				return moment + remaining
			remaining -= next_midnight - moment
		moment = next_midnight


# add_time -------------------------------------------------------------------------------------


def test_plain_time_ignores_weekends_and_holidays():
	calendar = Calendar(working_days_only=False, holidays=frozenset({day(10), day(11), day(12)}))
	assert add_time(jan(9, 10), 1, "Days", calendar) == jan(10, 10)
	assert add_time(jan(9, 10), 1, "Days") == jan(10, 10)
	assert add_time(jan(9, 10), 36, "Hours") == jan(10, 22)
	assert add_time(jan(10, 10), 2.5, "Days") == jan(12, 22)
	assert add_time(jan(9, 10), 0.5, "Hours") == jan(9, 10, 30)


def test_friday_start_continues_on_monday():
	assert add_time(jan(9, 10), 1, "Days", WORKING) == jan(12, 10)
	assert add_time(jan(9, 10), 14, "Hours", WORKING) == jan(10)  # exactly the rest of Friday
	assert add_time(jan(9, 10), 15, "Hours", WORKING) == jan(12, 1)
	assert add_time(jan(9, 23, 30), 1, "Hours", WORKING) == jan(12, 0, 30)
	assert add_time(jan(9, 10), 1.5, "Days", WORKING) == jan(12, 22)


def test_weekend_start_begins_the_clock_on_monday():
	assert add_time(jan(10, 10), 1, "Days", WORKING) == jan(13)
	assert add_time(jan(11, 23), 1, "Days", WORKING) == jan(13)
	assert add_time(jan(11, 23), 2, "Hours", WORKING) == jan(12, 2)
	assert add_time(jan(10, 10), 5, "Days", WORKING) == jan(17)  # the end of Friday
	assert add_time(jan(10, 10), 5.25, "Days", WORKING) == jan(19, 6)


def test_weekday_start_within_the_week():
	assert add_time(jan(5, 9), 3, "Days", WORKING) == jan(8, 9)
	assert add_time(jan(5, 9), 4, "Days", WORKING) == jan(9, 9)
	assert add_time(jan(5, 9), 5, "Days", WORKING) == jan(12, 9)
	assert add_time(jan(6), 10, "Days", WORKING) == jan(20)
	assert add_time(jan(6, 12), 6, "Hours", WORKING) == jan(6, 18)


def test_zero_amount_returns_the_start_even_on_a_weekend():
	assert add_time(jan(10, 10), 0, "Days", WORKING) == jan(10, 10)
	assert add_time(jan(11, 3), 0.0, "Hours", WORKING) == jan(11, 3)
	assert add_time(jan(7, 8), 0, "Hours") == jan(7, 8)


def test_holidays_are_skipped():
	calendar = Calendar(working_days_only=True, holidays=frozenset({day(12), day(13)}))
	assert add_time(jan(9, 10), 1, "Days", calendar) == jan(14, 10)
	# a start on a holiday waits for the next working day
	assert add_time(jan(12, 12), 1, "Hours", calendar) == jan(14, 1)
	assert add_time(jan(11, 12), 2, "Days", calendar) == jan(16)
	# a holiday on a weekend day changes nothing
	weekend_holiday = Calendar(working_days_only=True, holidays=frozenset({day(10)}))
	assert add_time(jan(9, 10), 1, "Days", weekend_holiday) == jan(12, 10)


def test_a_holiday_list_alone_can_be_the_calendar():
	# ERPNext holiday lists carry the weekly offs themselves: no weekend, every Sunday a holiday.
	sundays = frozenset(day(4 + 7 * week) for week in range(10))
	calendar = Calendar(working_days_only=True, weekend=frozenset(), holidays=sundays)
	assert add_time(jan(10, 10), 1, "Days", calendar) == jan(12, 10)
	assert add_time(jan(10, 10), 14, "Hours", calendar) == jan(11)
	assert add_time(jan(5, 9), 12, "Days", calendar) == jan(19, 9)


def test_custom_weekend():
	friday_off = Calendar(working_days_only=True, weekend=frozenset({4}))
	assert add_time(jan(8, 12), 1, "Days", friday_off) == jan(10, 12)
	assert add_time(jan(10, 12), 1, "Days", friday_off) == jan(11, 12)


def test_large_amounts_skip_whole_weeks():
	start = jan(8, 10)  # a Thursday
	# 365 working days are 73 weeks of five
	assert add_time(start, 365, "Days", WORKING) == start + timedelta(weeks=73)
	holidays = frozenset({day(12), day(19), day(17)})
	calendar = Calendar(working_days_only=True, holidays=holidays)
	# two weekday holidays cost two working days (Friday, then Monday); the Saturday one costs nothing
	assert add_time(start, 365, "Days", calendar) == start + timedelta(weeks=73, days=4)
	assert add_time(start, 365 * 24, "Hours", calendar) == start + timedelta(weeks=73, days=4)
	# decades do not take long either
	assert add_time(start, 5000, "Days", WORKING) == start + timedelta(weeks=1000)
	assert add_time(start, 5000, "Days") == start + timedelta(days=5000)


def test_matches_a_day_by_day_walk():
	rng = random.Random(20260105)
	holidays = frozenset(day(rng.randrange(-10, 400)) for _ in range(60))
	calendars = [
		WORKING,
		Calendar(working_days_only=True, holidays=holidays),
		Calendar(working_days_only=True, weekend=frozenset({6}), holidays=holidays),
		Calendar(working_days_only=True, weekend=frozenset(), holidays=holidays),
		Calendar(working_days_only=True, weekend=frozenset({0, 2, 4, 5, 6}), holidays=holidays),
		Calendar(working_days_only=False, holidays=holidays),
	]
	for _ in range(500):
		calendar = rng.choice(calendars)
		start = jan(1) + timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
		unit = rng.choice(["Hours", "Days"])
		amount = rng.choice([rng.randrange(0, 200), rng.randrange(0, 2000) / 8])
		expected = reference_add_time(start, amount, unit, calendar)
		assert add_time(start, amount, unit, calendar) == expected, (start, amount, unit, calendar)


def test_timezone_aware_times_keep_their_zone():
	zone = timezone(timedelta(hours=8))
	start = datetime(2026, 1, 9, 10, tzinfo=zone)
	assert add_time(start, 1, "Days", WORKING) == datetime(2026, 1, 12, 10, tzinfo=zone)
	assert add_time(start, 1, "Days", WORKING).tzinfo is zone


def test_bad_arguments_raise():
	with pytest.raises(ValueError):
		add_time(jan(5), -1, "Days")
	with pytest.raises(ValueError):
		add_time(jan(5), -0.5, "Hours", WORKING)
	with pytest.raises(ValueError):
		add_time(jan(5), 1, "Weeks")
	with pytest.raises(ValueError):
		add_time(jan(5), 1, "days")
	with pytest.raises(ValueError):
		add_time(jan(5), 0, None)
	with pytest.raises(ValueError):
		add_time(jan(5), float("nan"), "Hours")
	with pytest.raises(ValueError):
		add_time(jan(5), float("inf"), "Days", WORKING)
	with pytest.raises(ValueError):
		add_time(jan(5), None, "Days")
	never = Calendar(working_days_only=True, weekend=frozenset(range(7)))
	with pytest.raises(ValueError):
		add_time(jan(5), 1, "Hours", never)
	with pytest.raises(ValueError):
		add_time(jan(5), 0, "Hours", never)
	# an all-weekend calendar is harmless when the clock runs on every day
	assert add_time(jan(5), 1, "Hours", Calendar(weekend=frozenset(range(7)))) == jan(5, 1)


def test_value_objects_are_frozen():
	with pytest.raises(FrozenInstanceError):
		DEFAULT_CHAIN[0].after = 1
	with pytest.raises(FrozenInstanceError):
		WORKING.working_days_only = False


# reply deadline and default chains -----------------------------------------------------------


def test_reply_deadline():
	assert (DEFAULT_REPLY_DAYS, ABROAD_REPLY_DAYS) == (15, 18)
	assert reply_deadline(jan(5, 9), DEFAULT_REPLY_DAYS) == jan(20, 9)
	assert reply_deadline(jan(5, 9), ABROAD_REPLY_DAYS) == jan(23, 9)
	# 15 working days are three working weeks
	assert reply_deadline(jan(5, 9), DEFAULT_REPLY_DAYS, WORKING) == jan(26, 9)
	assert reply_deadline(jan(10, 9), 1, WORKING) == jan(13)


def test_default_chain_follows_the_procedures():
	assert DEFAULT_CHAIN == (
		Level(1, 5, "Days", "Creation"),
		Level(2, 7, "Days", "Previous Level"),
		Level(3, 3, "Days", "Previous Level"),
	)
	due = due_levels(DEFAULT_CHAIN, jan(5, 9), 0, None, jan(31))
	assert [level.number for level in due.levels] == [1, 2, 3]
	# market department at day 5, deputy GM at day 12, GM at day 15
	assert due.due_at == (jan(10, 9), jan(17, 9), jan(20, 9))
	assert due.next_at is None
	assert check_levels(DEFAULT_CHAIN) == []


def test_major_chain_fires_at_creation():
	chain = major_chain()
	assert chain[0] == MAJOR_IMMEDIATE == Level(1, 0, "Hours", "Creation")
	assert chain[1:] == (
		Level(2, 5, "Days", "Creation"),
		Level(3, 7, "Days", "Previous Level"),
		Level(4, 3, "Days", "Previous Level"),
	)
	assert check_levels(chain) == []
	start = jan(10, 10)  # a Saturday: even with working days only it fires at once
	assert next_escalation_at(chain, start, 0, None, WORKING) == start
	due = due_levels(chain, start, 0, None, start, WORKING)
	assert due == Due((MAJOR_IMMEDIATE,), (start,), jan(17))
	# level 2 counts from creation, so the immediate level does not delay it
	due = due_levels(chain, jan(5, 9), 0, None, jan(17, 9))
	assert [level.number for level in due.levels] == [1, 2, 3]
	assert due.due_at == (jan(5, 9), jan(10, 9), jan(17, 9))
	assert due.next_at == jan(20, 9)


# due_levels ---------------------------------------------------------------------------------

CHAIN = (
	Level(1, 4, "Hours", "Creation"),
	Level(2, 1, "Days", "Previous Level"),
	Level(3, 2, "Days", "Creation"),
)


def test_nothing_due_before_the_first_level():
	due = due_levels(CHAIN, jan(5, 9), 0, None, jan(5, 12, 59))
	assert due == Due((), (), jan(5, 13))
	assert next_escalation_at(CHAIN, jan(5, 9), 0, None) == jan(5, 13)


def test_due_time_equal_to_now_is_due():
	due = due_levels(CHAIN, jan(5, 9), 0, None, jan(5, 13))
	assert due.levels == (CHAIN[0],)
	assert due.due_at == (jan(5, 13),)
	assert due.next_at == jan(6, 13)
	just_before = due_levels(CHAIN, jan(5, 9), 0, None, jan(5, 13) - timedelta(microseconds=1))
	assert just_before.levels == ()
	assert just_before.next_at == jan(5, 13)


def test_several_levels_fall_due_at_once_on_their_scheduled_times():
	due = due_levels(CHAIN, jan(5, 9), 0, None, jan(9))
	assert [level.number for level in due.levels] == [1, 2, 3]
	# chained on the scheduled times, not on now
	assert due.due_at == (jan(5, 13), jan(6, 13), jan(7, 9))
	assert due.next_at is None
	two = due_levels(CHAIN, jan(5, 9), 0, None, jan(6, 20))
	assert two == Due(CHAIN[:2], (jan(5, 13), jan(6, 13)), jan(7, 9))


def test_levels_come_sorted_by_number():
	shuffled = [CHAIN[2], CHAIN[0], CHAIN[1]]
	assert due_levels(shuffled, jan(5, 9), 0, None, jan(9)) == due_levels(CHAIN, jan(5, 9), 0, None, jan(9))
	assert due_levels(shuffled, jan(5, 9), 0, None, jan(9)).levels == CHAIN
	assert next_escalation_at(shuffled, jan(5, 9), 1, jan(5, 13)) == jan(6, 13)


def test_a_level_never_falls_due_before_the_one_before_it():
	chain = (
		Level(1, 3, "Days", "Creation"),
		Level(2, 1, "Days", "Creation"),
		Level(3, 2, "Hours", "Previous Level"),
	)
	due = due_levels(chain, jan(5, 9), 0, None, jan(9))
	assert due.due_at == (jan(8, 9), jan(8, 9), jan(8, 11))
	# step by step gives the same times as all at once
	assert next_escalation_at(chain, jan(5, 9), 0, None) == jan(8, 9)
	assert next_escalation_at(chain, jan(5, 9), 1, jan(8, 9)) == jan(8, 9)
	assert next_escalation_at(chain, jan(5, 9), 2, jan(8, 9)) == jan(8, 11)


def test_a_later_level_is_not_due_before_the_level_last_reached():
	# escalated by hand to level 1 on Thursday; level 2 was scheduled for Tuesday from creation
	chain = (Level(1, 5, "Days", "Creation"), Level(2, 1, "Days", "Creation"))
	assert due_levels(chain, jan(5, 9), 1, jan(8, 15), jan(8, 15)) == Due((chain[1],), (jan(8, 15),), None)
	assert due_levels(chain, jan(5, 9), 1, jan(8, 15), jan(8, 14)) == Due((), (), jan(8, 15))


def test_idempotent_at_the_same_now():
	for now in (jan(5, 13), jan(6, 20), jan(7, 9), jan(9)):
		first = due_levels(CHAIN, jan(5, 9), 0, None, now)
		assert first.levels
		again = due_levels(CHAIN, jan(5, 9), first.levels[-1].number, first.due_at[-1], now)
		assert again.levels == ()
		assert again.due_at == ()
		assert again.next_at == first.next_at
		assert again.next_at is None or again.next_at > now


def test_step_by_step_matches_all_at_once():
	chains = [
		CHAIN,
		DEFAULT_CHAIN,
		major_chain(),
		(Level(1, 30, "Hours", "Previous Level"), *CHAIN[1:]),
		(
			Level(1, 3, "Days", "Creation"),
			Level(2, 1, "Days", "Creation"),
			Level(3, 1, "Hours", "Previous Level"),
		),
	]
	for calendar in (Calendar(), WORKING, Calendar(working_days_only=True, holidays=frozenset({day(12)}))):
		for chain in chains:
			start = jan(9, 17)
			all_at_once = due_levels(chain, start, 0, None, jan(90), calendar)
			assert all_at_once.next_at is None
			last_level, last_fired, fired, fired_at = 0, None, [], []
			next_at = next_escalation_at(chain, start, last_level, last_fired, calendar)
			while next_at is not None:
				due = due_levels(chain, start, last_level, last_fired, next_at, calendar)
				assert due.levels, "next_escalation_at promised a level"
				assert due.due_at[0] == next_at
				fired += due.levels
				fired_at += due.due_at
				last_level, last_fired = due.levels[-1].number, due.due_at[-1]
				next_at = due.next_at
			assert tuple(fired) == all_at_once.levels
			assert tuple(fired_at) == all_at_once.due_at
			assert list(fired_at) == sorted(fired_at)


def test_first_level_since_previous_level_counts_from_creation():
	chain = (Level(1, 6, "Hours", "Previous Level"), Level(2, 6, "Hours", "Previous Level"))
	assert next_escalation_at(chain, jan(5, 9), 0, None) == jan(5, 15)
	assert due_levels(chain, jan(5, 9), 0, None, jan(5, 21)).due_at == (jan(5, 15), jan(5, 21))


def test_levels_on_working_days_only():
	due = due_levels(DEFAULT_CHAIN, jan(8, 9), 0, None, jan(60), WORKING)
	# 5 working days from Thursday: the next Thursday; 7 more: Monday week; 3 more: Thursday
	assert due.due_at == (jan(15, 9), jan(26, 9), jan(29, 9))
	# the same chain on the plain clock
	assert due_levels(DEFAULT_CHAIN, jan(8, 9), 0, None, jan(60)).due_at == (
		jan(13, 9),
		jan(20, 9),
		jan(23, 9),
	)


def test_empty_or_exhausted_chain():
	assert due_levels((), jan(5), 0, None, jan(9)) == Due((), (), None)
	assert next_escalation_at((), jan(5), 0, None) is None
	assert due_levels(CHAIN, jan(5), 3, jan(7), jan(100)) == Due((), (), None)
	assert next_escalation_at(CHAIN, jan(5), 3, jan(7)) is None
	# an unset level counts as 0
	assert next_escalation_at(CHAIN, jan(5, 9), None, None) == jan(5, 13)


def test_bad_levels_raise():
	with pytest.raises(ValueError):
		due_levels((Level(1, 1, "Hours", "Assignment"),), jan(5), 0, None, jan(9))
	with pytest.raises(ValueError):
		next_escalation_at((Level(1, 1, "Weeks", "Creation"),), jan(5), 0, None)


# policy changed mid-case --------------------------------------------------------------------


def test_policy_change_adds_levels():
	# the case reached level 3 (Wednesday 9:00) under the old three-level chain
	longer = (*CHAIN, Level(4, 1, "Days", "Previous Level"), Level(5, 1, "Hours", "Previous Level"))
	due = due_levels(longer, jan(5, 9), 3, jan(7, 9), jan(8, 9, 30))
	assert due == Due((longer[3],), (jan(8, 9),), jan(8, 10))


def test_policy_change_new_levels_below_the_reached_level_are_skipped():
	# the new policy puts two quick levels in front; the case already reached level 2
	new = (
		Level(1, 1, "Hours", "Creation"),
		Level(2, 2, "Hours", "Creation"),
		Level(3, 3, "Days", "Creation"),
		Level(4, 1, "Days", "Previous Level"),
	)
	assert due_levels(new, jan(5, 9), 2, jan(6, 13), jan(6, 14)) == Due((), (), jan(8, 9))
	due = due_levels(new, jan(5, 9), 2, jan(6, 13), jan(9, 9))
	assert [level.number for level in due.levels] == [3, 4]
	assert due.due_at == (jan(8, 9), jan(9, 9))


def test_policy_change_removes_levels():
	# the case reached level 3; the policy now has only two levels
	assert due_levels(CHAIN[:2], jan(5, 9), 3, jan(7, 9), jan(100)) == Due((), (), None)
	assert next_escalation_at(CHAIN[:2], jan(5, 9), 3, jan(7, 9)) is None
	# level 2 removed from the middle: level 3 is next for a case at level 1
	assert next_escalation_at((CHAIN[0], CHAIN[2]), jan(5, 9), 1, jan(5, 13)) == jan(7, 9)


def test_policy_change_times_changed():
	# level 2 moves from 1 day to 3 hours after the previous level: due at once, at its new time
	faster = (CHAIN[0], Level(2, 3, "Hours", "Previous Level"), CHAIN[2])
	assert due_levels(faster, jan(5, 9), 1, jan(5, 13), jan(5, 18)) == Due(
		(faster[1],), (jan(5, 16),), jan(7, 9)
	)
	# level 3 moves from 2 to 5 days after creation: later
	slower = (*CHAIN[:2], Level(3, 5, "Days", "Creation"))
	assert next_escalation_at(slower, jan(5, 9), 2, jan(6, 13)) == jan(10, 9)
	# a level moved before the level already reached falls due when the check runs, no earlier
	earlier = (*CHAIN[:2], Level(3, 2, "Hours", "Creation"))
	assert due_levels(earlier, jan(5, 9), 2, jan(6, 13), jan(6, 14)) == Due(
		(earlier[2],), (jan(6, 13),), None
	)


# reopened cases -------------------------------------------------------------------------------


def test_restart_on_reopen():
	assert restart_on_reopen(2, jan(40, 10)) == (jan(40, 10), 2, jan(40, 10))
	assert restart_on_reopen(0, jan(40, 10)) == (jan(40, 10), 0, jan(40, 10))


def test_reopened_case_does_not_refire_reached_levels():
	reopened = jan(40, 10)
	clock_start, last_level, last_fired = restart_on_reopen(2, reopened)
	# long after every level's original time, the levels reached do not fire again
	due = due_levels(CHAIN, clock_start, last_level, last_fired, reopened)
	assert due == Due((), (), jan(42, 10))  # level 3 (2 days since creation) counts from the reopening
	assert due_levels(CHAIN, clock_start, last_level, last_fired, jan(42, 10)) == Due(
		(CHAIN[2],), (jan(42, 10),), None
	)
	# without the restart, level 3 would have fired at once
	assert due_levels(CHAIN, jan(5, 9), 2, jan(6, 13), reopened).levels == (CHAIN[2],)


def test_reopened_case_chains_from_the_reopening():
	clock_start, last_level, last_fired = restart_on_reopen(1, jan(10, 10))
	due = due_levels(DEFAULT_CHAIN, clock_start, last_level, last_fired, jan(20, 10))
	assert due == Due(DEFAULT_CHAIN[1:], (jan(17, 10), jan(20, 10)), None)
	# on working days the clock of a Saturday reopening starts on Monday
	assert next_escalation_at(DEFAULT_CHAIN, clock_start, last_level, last_fired, WORKING) == jan(21)
	# a fully escalated case stays fully escalated
	clock_start, last_level, last_fired = restart_on_reopen(3, jan(10, 10))
	assert due_levels(DEFAULT_CHAIN, clock_start, last_level, last_fired, jan(100)) == Due((), (), None)


# check_levels -------------------------------------------------------------------------------


def test_check_levels_accepts_a_good_chain():
	assert check_levels(CHAIN) == []
	assert check_levels([Level(1, 0, "Hours", "Previous Level")]) == []
	assert check_levels([Level(2, 1.5, "Days", "Creation"), Level(1, 0, "Hours", "Creation")]) == []


def test_check_levels_empty():
	assert check_levels([]) == [Problem("levels", "{0}: add at least one level")]
	assert check_levels(()) == [Problem("levels", "{0}: add at least one level")]


def test_check_levels_duplicates():
	problems = check_levels(
		[Level(1, 1, "Days", "Creation"), Level(2, 1, "Days", "Creation"), Level(1, 2, "Days", "Creation")]
	)
	assert problems == [Problem("levels", "{0}: level {1} repeats an earlier level number", (1,))]


def test_check_levels_negative_and_non_numbers():
	problems = check_levels([Level(1, -1, "Days", "Creation"), Level(2, -0.5, "Hours", "Previous Level")])
	assert problems == [
		Problem("levels", "{0}: level {1} cannot fire a negative time after its start", (1,)),
		Problem("levels", "{0}: level {1} cannot fire a negative time after its start", (2,)),
	]
	problems = check_levels([Level(1, None, "Days", "Creation"), Level(2, float("nan"), "Days", "Creation")])
	assert problems == [
		Problem("levels", "{0}: level {1} needs a number of hours or days", (1,)),
		Problem("levels", "{0}: level {1} needs a number of hours or days", (2,)),
	]


def test_check_levels_unknown_unit_and_since():
	problems = check_levels(
		[Level(1, 1, "Weeks", "Creation"), Level(2, 1, "Days", None), Level(3, 1, None, "Assignment")]
	)
	assert problems == [
		Problem("levels", "{0}: level {1} has an unknown unit: {2}", (1, "Weeks")),
		Problem("levels", "{0}: level {1} counts from an unknown start: {2}", (2, None)),
		Problem("levels", "{0}: level {1} has an unknown unit: {2}", (3, None)),
		Problem("levels", "{0}: level {1} counts from an unknown start: {2}", (3, "Assignment")),
	]


def test_check_levels_messages_format():
	for problem in check_levels([Level(1, -1, "Weeks", "Assignment"), Level(1, 1, "Days", "Creation")]):
		text = problem.message.format("Levels", *problem.args)
		assert text.startswith("Levels: level 1 ")
		assert "{" not in text
