"""Return visits: which visits, when they fall due and are missed, and what the ratings mean."""

from datetime import date, datetime

from aftersales_module.policy import visits

DAY = date(2026, 3, 10)


def test_a_completed_job_gets_three_visits_at_the_set_days():
	planned = visits.plan(visits.REPAIR_JOB, DAY, 1, 3, 7)
	assert [v.kind for v in planned] == list(visits.KINDS)
	call, first, second = planned
	assert (call.due_date, call.last_day) == (date(2026, 3, 11), date(2026, 3, 12))
	assert (first.due_date, first.last_day) == (date(2026, 3, 13), date(2026, 3, 17))
	assert (second.due_date, second.last_day) == (date(2026, 3, 20), date(2026, 3, 20))


def test_first_follow_up_later_than_a_week_keeps_its_own_day_as_the_last():
	first = visits.plan(visits.REPAIR_JOB, DAY, 1, 9, 7)[1]
	assert first.due_date == first.last_day == date(2026, 3, 19)


def test_a_resolved_complaint_gets_the_satisfaction_call_only():
	planned = visits.plan(visits.COMPLAINT, DAY, 1, 3, 7)
	assert [v.kind for v in planned] == [visits.SATISFACTION_CALL]


def test_second_follow_up_moves_with_the_first_visit():
	second = visits.second_follow_up(visits.SECOND_FOLLOW_UP, date(2026, 3, 15), 7)
	assert second.due_date == second.last_day == date(2026, 3, 22)


def test_state_overdue_then_missed():
	due, last = date(2026, 3, 11), date(2026, 3, 12)
	assert visits.state_on("Open", due, last, date(2026, 3, 11)) == (False, "Open")
	assert visits.state_on("Open", due, last, date(2026, 3, 12)) == (True, "Open")
	assert visits.state_on("Open", due, last, date(2026, 3, 13)) == (True, "Missed")
	assert visits.state_on("Done", due, last, date(2026, 4, 1)) == (False, "Done")


def test_ratings():
	assert visits.rating_problem("Good") is None
	assert visits.rating_problem("") is None
	assert visits.rating_problem("Superb")
	assert visits.rating_problem("5")
	ratings = ["Excellent", "Good", "Good", "Fair"]
	assert visits.average(ratings) == 3.0
	assert not visits.is_satisfied(ratings)
	assert visits.is_satisfied(["Excellent", "Good", "Good", "Excellent"])
	assert not visits.is_satisfied(["Excellent", "Good", "", "Excellent"]), "all four items rated"
	assert not visits.needs_complaint(ratings)
	assert visits.needs_complaint(["Excellent", "Poor", "", ""])
	assert visits.average([]) == 0.0


def test_complete_needs_reach_and_four_ratings():
	assert visits.is_complete(True, ["Good"] * 4)
	assert not visits.is_complete(False, ["Good"] * 4)
	assert not visits.is_complete(True, ["Good", "Good", "Good", ""])


def test_rate():
	assert visits.rate(3, 4) == 75.0
	assert visits.rate(0, 0) is None
	assert visits.rate(2, 3) == 66.7


def test_every_contact_method_maps_to_a_complaint_channel():
	assert set(visits.CONTACT_METHODS) == set(visits.COMPLAINT_CHANNEL)
	assert visits.COMPLAINT_CHANNEL["SMS"] == "Instant Message"


def test_survey_link_expires_days_after_sending():
	sent = datetime(2026, 11, 18, 10, 0)
	assert visits.survey_expiry(sent) == datetime(2026, 11, 25, 10, 0)
	assert visits.survey_expiry(sent, 1) == datetime(2026, 11, 19, 10, 0)


def test_survey_link_problems():
	expires = datetime(2026, 11, 25, 10, 0)
	before, after = datetime(2026, 11, 25, 9, 59), datetime(2026, 11, 25, 10, 1)

	def problem(**overrides):
		args = {
			"signature_ok": True,
			"expires_at": expires,
			"now": before,
			"status": visits.OPEN,
			"answered": False,
			"is_latest": True,
			**overrides,
		}
		return visits.survey_link_problem(**args)

	assert problem() is None
	assert problem(status=visits.MISSED) is None  # a missed visit may still be answered
	assert problem(now=after) == visits.LINK_EXPIRED
	assert problem(signature_ok=False) == visits.LINK_INVALID
	assert problem(status=None) == visits.LINK_INVALID  # no such visit
	assert problem(expires_at=None) == visits.LINK_INVALID
	assert problem(answered=True) == visits.LINK_ANSWERED
	assert problem(status=visits.DONE) == visits.LINK_ANSWERED  # staff answered it first
	assert problem(answered=True, now=after) == visits.LINK_ANSWERED
	assert problem(is_latest=False) == visits.LINK_REPLACED
	# tampering is reported as such, whatever else holds
	assert problem(signature_ok=False, answered=True, now=after) == visits.LINK_INVALID


def test_survey_answer_rates_all_four_items():
	assert visits.survey_answer_problem(["Excellent", "Good", "Fair", "Poor"]) is None
	assert visits.survey_answer_problem(["Excellent", "Good", "Fair", ""])
	assert visits.survey_answer_problem(["Excellent", "Good", "Fair", "Bad"])
	assert visits.survey_answer_problem(["Excellent", "Good", "Fair"])
