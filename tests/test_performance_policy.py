from datetime import date, datetime

from aftersales_module.policy import performance as policy


def test_day_runs_join_consecutive_days():
	days = [date(2026, 3, 2), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 5), date(2026, 3, 2)]
	assert policy.day_runs(days) == [
		(date(2026, 2, 28), date(2026, 3, 2)),
		(date(2026, 3, 5), date(2026, 3, 5)),
	]
	assert policy.day_runs([]) == []


def test_add_up_sums_every_figure_and_treats_none_as_zero():
	totals = {}
	policy.add_up(totals, "k", {"jobs": 2, "hours": 1.5, "rating_skill_sum": 7, "rating_skill_count": 2})
	policy.add_up(totals, "k", {"jobs": 1, "hours": None, "rating_skill_sum": 3, "rating_skill_count": 1})
	assert totals["k"]["jobs"] == 3
	assert totals["k"]["hours"] == 1.5
	assert totals["k"]["visits"] == 0
	assert policy.averages(totals["k"])["rating_skill"] == 3.33
	assert policy.averages(totals["k"])["rating_result"] is None


def test_mean():
	assert policy.mean(7, 2) == 3.5
	assert policy.mean(0, 0) is None


def test_changed_days_of_a_new_a_moved_and_a_deleted_document():
	done = {"completed_on": datetime(2026, 3, 1, 17, 0), "first_time_fix": 1}
	assert policy.changed_days(None, done, ["first_time_fix"], "completed_on") == {date(2026, 3, 1)}
	assert policy.changed_days(done, None, ["first_time_fix"], "completed_on") == {date(2026, 3, 1)}
	moved = {**done, "completed_on": "2026-03-02 09:00:00"}
	assert policy.changed_days(done, moved, ["first_time_fix"], "completed_on") == {
		date(2026, 3, 1),
		date(2026, 3, 2),
	}
	reopened = {**done, "completed_on": None}
	assert policy.changed_days(done, reopened, [], "completed_on") == {date(2026, 3, 1)}


def test_changed_days_ignore_a_save_that_moves_no_figure():
	before = {"completed_on": datetime(2026, 3, 1, 17, 0), "first_time_fix": 0, "technicians": ["a", "b"]}
	same = {"completed_on": "2026-03-01 17:00:00", "first_time_fix": None, "technicians": ["b", "a"]}
	assert policy.changed_days(before, same, ["first_time_fix", "technicians"], "completed_on") == set()
	other = {**same, "technicians": ["a"]}
	assert policy.changed_days(before, other, ["technicians"], "completed_on") == {date(2026, 3, 1)}
	assert policy.changed_days({"x": 1}, {"x": 2}, ["x"], "completed_on") == set()
