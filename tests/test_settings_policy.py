from aftersales_module.policy.settings import DEFAULT_DAYS, check_day_settings, check_webhook_url


def fields(problems):
	return [p.fieldname for p in problems]


def test_defaults_follow_the_source_procedures():
	assert DEFAULT_DAYS["satisfaction_call_days"] == 1
	assert DEFAULT_DAYS["first_return_visit_days"] == 3
	assert DEFAULT_DAYS["second_return_visit_days"] == 7
	assert DEFAULT_DAYS["free_maintenance_reminder_days"] == 90
	assert DEFAULT_DAYS["contract_renewal_reminder_days"] == 30
	assert DEFAULT_DAYS["repeat_complaint_window_days"] == 90
	assert check_day_settings(dict(DEFAULT_DAYS)) == []


def test_missing_and_non_integer_values_are_reported():
	values = dict(DEFAULT_DAYS, first_return_visit_days=None, repeat_complaint_window_days="90")
	assert fields(check_day_settings(values)) == ["first_return_visit_days", "repeat_complaint_window_days"]
	assert fields(check_day_settings(dict(DEFAULT_DAYS, satisfaction_call_days=True))) == [
		"satisfaction_call_days"
	]


def test_bounds_are_inclusive():
	assert check_day_settings(dict(DEFAULT_DAYS, satisfaction_call_days=0)) == []
	assert check_day_settings(dict(DEFAULT_DAYS, repeat_complaint_window_days=3650)) == []
	problems = check_day_settings(dict(DEFAULT_DAYS, repeat_complaint_window_days=3651))
	assert fields(problems) == ["repeat_complaint_window_days"]
	assert problems[0].args == (1, 3650)
	assert fields(check_day_settings(dict(DEFAULT_DAYS, contract_renewal_reminder_days=0))) == [
		"contract_renewal_reminder_days"
	]
	assert fields(check_day_settings(dict(DEFAULT_DAYS, second_return_visit_days=-1))) == [
		"second_return_visit_days"
	]


def test_satisfaction_call_cannot_follow_the_first_visit():
	problems = check_day_settings(dict(DEFAULT_DAYS, satisfaction_call_days=5, first_return_visit_days=4))
	assert fields(problems) == ["satisfaction_call_days"]
	assert problems[0].args == (5, 4)
	assert check_day_settings(dict(DEFAULT_DAYS, satisfaction_call_days=4, first_return_visit_days=4)) == []


def test_webhook_url():
	assert check_webhook_url(None) is None
	assert check_webhook_url("") is None
	assert check_webhook_url("https://hooks.example.com/aftersales") is None
	assert check_webhook_url("http://127.0.0.1:8999/hook") is None
	for bad in ("ftp://example.com/x", "hooks.example.com", "https://", "javascript:alert(1)"):
		problem = check_webhook_url(bad)
		assert problem and problem.fieldname == "alert_webhook_url", bad
	assert check_webhook_url("https://exa mple.com/x") is not None
