"""The technician's daily report: which jobs, the lines, the time logs."""

from datetime import date, datetime

from aftersales_module.policy import daily_report as policy

DAY = date(2026, 3, 10)


def job(name, appointment=None, completed_on=None, status="In Progress", carry_in=False, labour=0):
	return policy.JobOnDay(name, "Cust", status, appointment, completed_on, carry_in, labour)


def test_future_day_is_refused():
	assert policy.report_date_problem(date(2026, 3, 11), DAY)
	assert policy.report_date_problem(DAY, DAY) is None


def test_only_jobs_of_the_day_each_once():
	jobs = [
		job("RJ-1", appointment=datetime(2026, 3, 10, 9), completed_on=datetime(2026, 3, 10, 11, 30)),
		job("RJ-1", appointment=datetime(2026, 3, 10, 9)),
		job("RJ-2", appointment=datetime(2026, 3, 9, 9), completed_on=datetime(2026, 3, 10, 15)),
		job("RJ-3", appointment=datetime(2026, 3, 11, 9)),
		job("RJ-4", appointment=datetime(2026, 3, 10, 8), status="Awaiting Parts", labour=1.5, carry_in=True),
	]
	lines = policy.draft_lines(jobs, DAY)
	assert [line.repair_job for line in lines] == ["RJ-4", "RJ-1", "RJ-2"]
	by_job = {line.repair_job: line for line in lines}
	assert by_job["RJ-1"].hours == 2.5 and by_job["RJ-1"].outcome == policy.FIXED
	assert by_job["RJ-2"].start_time is None and by_job["RJ-2"].end_time == datetime(2026, 3, 10, 15)
	assert by_job["RJ-4"].outcome == policy.AWAITING_PARTS
	assert by_job["RJ-4"].work_category == policy.CARRY_IN and by_job["RJ-4"].hours == 1.5
	assert policy.draft_lines(jobs, DAY, already={"RJ-1", "RJ-2", "RJ-4"}) == []


def test_time_logs_never_overlap():
	logs = policy.time_logs(
		DAY,
		[
			("RJ-1", datetime(2026, 3, 10, 9), 2.0),
			("RJ-2", datetime(2026, 3, 10, 10), 1.0),
			("RJ-3", None, 0),
			("RJ-4", None, 0.5),
		],
	)
	assert [(log.repair_job, log.from_time.hour, log.to_time.hour) for log in logs] == [
		("RJ-1", 9, 11),
		("RJ-2", 11, 12),
		("RJ-4", 12, 12),
	]
	assert logs[2].to_time == datetime(2026, 3, 10, 12, 30)


def test_line_problems():
	assert policy.line_problems(1, 0, None, None, DAY) == []
	assert policy.line_problems(-1, 0, None, None, DAY)
	assert policy.line_problems(20, 5, None, None, DAY)
	assert policy.line_problems(1, 0, datetime(2026, 3, 10, 10), datetime(2026, 3, 10, 9), DAY)
	assert policy.line_problems(1, 0, datetime(2026, 3, 9, 10), None, DAY)
	assert policy.total_problem(25)
	assert policy.total_problem(8) is None


def test_no_self_review():
	assert policy.self_review_problem("a@x", "a@x")
	assert policy.self_review_problem("b@x", "a@x") is None


def test_first_time_fix_rate():
	assert policy.first_time_fix_rate(4, 3) == 75.0
	assert policy.first_time_fix_rate(0, 0) is None


def test_a_job_finished_before_its_appointment_time_has_no_start():
	line = policy.draft_line(
		job("RJ-9", appointment=datetime(2026, 3, 10, 14), completed_on=datetime(2026, 3, 10, 9), labour=2),
		DAY,
	)
	assert line.start_time is None and line.hours == 2
	assert policy.line_problems(line.hours, 0, line.start_time, line.end_time, DAY) == []
