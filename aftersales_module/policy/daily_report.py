"""The technician's daily report (技术员工作日报表, 001/3 §10): which jobs it lists, what each line
says, and how its hours become timesheet logs.

A job belongs to a technician's day when the technician is dispatched to it and its appointment
falls on that day or it was completed that day. The draft lists each such job once.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aftersales_module.policy.messages import _

# Work categories (各项工作类别).
ON_SITE = "On-site Repair"
CARRY_IN = "Carry-in Repair"
WORK_CATEGORIES = (ON_SITE, CARRY_IN, "Installation Work", "Maintenance", "Inspection", "Other")

FIXED = "Fixed"
AWAITING_PARTS = "Awaiting Parts"
FOLLOW_UP = "Follow-up Needed"
NOT_FIXED = "Not Fixed"
OUTCOMES = (FIXED, FOLLOW_UP, AWAITING_PARTS, NOT_FIXED)

# The working day the time logs are laid out from when a job has no start time.
DAY_START = time(8, 0)
MAX_DAY_HOURS = 24.0

# Workflow states (the Workflow fixture "Technician Daily Report Review").
DRAFT = "Draft"
SUBMITTED = "Submitted"
APPROVED = "Approved"
RETURNED = "Returned"


@dataclass(frozen=True)
class JobOnDay:
	"""What the draft needs of a repair job."""

	repair_job: str
	customer: str | None
	status: str
	appointment: datetime | None
	completed_on: datetime | None
	carry_in: bool
	labour_hours: float


@dataclass(frozen=True)
class Line:
	repair_job: str
	customer: str | None
	work_category: str
	start_time: datetime | None
	end_time: datetime | None
	hours: float
	outcome: str


@dataclass(frozen=True)
class TimeLog:
	repair_job: str
	from_time: datetime
	to_time: datetime
	hours: float


def report_date_problem(report_date: date, today: date) -> str | None:
	if report_date > today:
		return _("A daily report cannot be written for a future day ({0})")
	return None


def unique_key(technician: str, day: date) -> str:
	"""The value of the report's unique column: one report per technician and day."""
	return f"{technician}|{day.isoformat()}"


def on_day(value: datetime | None, day: date) -> bool:
	return bool(value) and value.date() == day


def belongs_to_day(job: JobOnDay, day: date) -> bool:
	return on_day(job.appointment, day) or on_day(job.completed_on, day)


def draft_line(job: JobOnDay, day: date) -> Line:
	"""One report line for a job on `day`: it starts at the appointment and ends at completion when
	those fall on that day; hours are the time between, else the job's labour hours."""
	start = job.appointment if on_day(job.appointment, day) else None
	end = job.completed_on if on_day(job.completed_on, day) else None
	if start and end and end < start:
		start = None  # finished before the appointment time: the appointment says nothing of the work
	if start and end:
		hours = round((end - start).total_seconds() / 3600, 2)
	else:
		hours = round(float(job.labour_hours or 0), 2)
	if on_day(job.completed_on, day):
		outcome = FIXED
	elif job.status == "Awaiting Parts":
		outcome = AWAITING_PARTS
	else:
		outcome = FOLLOW_UP
	return Line(
		repair_job=job.repair_job,
		customer=job.customer,
		work_category=CARRY_IN if job.carry_in else ON_SITE,
		start_time=start,
		end_time=end,
		hours=hours,
		outcome=outcome,
	)


def draft_lines(jobs: list[JobOnDay], day: date, already: set[str] = frozenset()) -> list[Line]:
	"""The lines for the jobs of `day` not yet in the report (`already`), each job once, in order
	of start (or end, for a job started earlier)."""
	seen = set(already)
	lines = []
	for job in jobs:
		if job.repair_job in seen or not belongs_to_day(job, day):
			continue
		seen.add(job.repair_job)
		lines.append(draft_line(job, day))
	return sorted(
		lines,
		key=lambda line: (
			line.start_time or line.end_time or datetime.combine(day, DAY_START),
			line.repair_job,
		),
	)


def line_problems(
	hours: float, travel_hours: float, start: datetime | None, end: datetime | None, day: date
) -> list[str]:
	problems = []
	if hours < 0 or travel_hours < 0:
		problems.append(_("Row {0}: hours cannot be negative"))
	if hours + travel_hours > MAX_DAY_HOURS:
		problems.append(_("Row {0}: more than 24 hours in one day"))
	if start and end and end < start:
		problems.append(_("Row {0}: the end is before the start"))
	if start and start.date() != day:
		problems.append(_("Row {0}: the start is not on the day of the report"))
	return problems


def total_problem(total_hours: float) -> str | None:
	if total_hours > MAX_DAY_HOURS:
		return _("The report adds up to {0} hours, more than a day")
	return None


def time_logs(day: date, lines: list[tuple[str, datetime | None, float]]) -> list[TimeLog]:
	"""Timesheet logs for the report's lines (job, start, hours incl. travel), one per job with
	hours, laid end to end from the day's start so that no two overlap (ERPNext refuses overlapping
	logs of one employee). A line starts at its own start time when that is later."""
	cursor = datetime.combine(day, DAY_START)
	logs = []
	for repair_job, start, hours in lines:
		if hours <= 0:
			continue
		begin = max(start, cursor) if start else cursor
		end = begin + timedelta(hours=hours)
		logs.append(TimeLog(repair_job, begin, end, round(hours, 4)))
		cursor = end
	return logs


def self_review_problem(reviewer: str, technician: str) -> str | None:
	"""A supervisor reviews another technician's report, never their own."""
	if reviewer == technician:
		return _("You cannot approve or return your own daily report {0}")
	return None


def first_time_fix_rate(jobs: int, first_time_fixes: int) -> float | None:
	return round(100.0 * first_time_fixes / jobs, 1) if jobs else None
