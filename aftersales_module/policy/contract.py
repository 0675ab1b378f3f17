"""Rules for maintenance contracts (商品保养合同书, 001/3 §1; 001/8; 001/9): the contract's status on a
day, its inspection-visit schedule, which contract covers a unit on a date, what a covered job still
charges, which billing periods are due, and when renewal reminders fall due."""

import calendar as month_calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from aftersales_module.policy.escalation import Calendar, add_time
from aftersales_module.policy.messages import Problem, _

# Contract types: what the contract pays for.
FULL_SERVICE = "Full Service"
PARTS_ONLY = "Parts Only"
LABOUR_ONLY = "Labour Only"
INSPECTION_ONLY = "Inspection Only"
CONTRACT_TYPES = (FULL_SERVICE, PARTS_ONLY, LABOUR_ONLY, INSPECTION_ONLY)

# Contract statuses (app-managed).
DRAFT = "Draft"
ACTIVE = "Active"
EXPIRING = "Expiring"
EXPIRED = "Expired"
RENEWED = "Renewed"
CANCELLED = "Cancelled"
STATUSES = (DRAFT, ACTIVE, EXPIRING, EXPIRED, RENEWED, CANCELLED)
# Statuses of a submitted contract whose dates still decide whether it covers a unit.
COVERING_STATUSES = (ACTIVE, EXPIRING, EXPIRED, RENEWED)

# Visit statuses.
PLANNED = "Planned"
DUE = "Due"
OVERDUE = "Overdue"
DONE = "Done"
VISIT_CANCELLED = "Cancelled"
VISIT_STATUSES = (PLANNED, DUE, OVERDUE, DONE, VISIT_CANCELLED)
OPEN_VISIT_STATUSES = (PLANNED, DUE, OVERDUE)

# Billing intervals: months per period (None: one period over the whole contract).
ONE_OFF = "One-off"
MONTHLY = "Monthly"
QUARTERLY = "Quarterly"
YEARLY = "Yearly"
BILLING_INTERVALS = (ONE_OFF, MONTHLY, QUARTERLY, YEARLY)
INTERVAL_MONTHS = {ONE_OFF: None, MONTHLY: 1, QUARTERLY: 3, YEARLY: 12}

# Job kinds.
REPAIR = "Repair"
INSPECTION = "Inspection"
JOB_KINDS = (REPAIR, INSPECTION)

# Reminder kinds (Reminder Log).
CONTRACT_RENEWAL = "Contract Renewal"
WARRANTY_ENDING = "Warranty Ending"
REMINDER_KINDS = (CONTRACT_RENEWAL, WARRANTY_ENDING)

DEFAULT_REMINDER_LEAD_DAYS = (90, 30)  # 3 months (001/9) and 1 month (001/3 §15) before the end
DEFAULT_INSPECTION_JOB_LEAD_DAYS = 7
DEFAULT_VISITS_PER_YEAR = 2  # 每年2次巡视服务 (001/8)


def status_on(
	start: date,
	end: date,
	today: date,
	expiring_days: int,
	renewed: bool = False,
	cancelled: bool = False,
	submitted: bool = True,
) -> str:
	"""The status of a contract on `today`. Cancelled and Renewed stand whatever the date; a submitted
	contract is Expired after its last day, Expiring within `expiring_days` of it, otherwise Active
	(also before it starts: it is signed and runs from its start)."""
	if cancelled:
		return CANCELLED
	if not submitted:
		return DRAFT
	if renewed:
		return RENEWED
	if today > end:
		return EXPIRED
	if (end - today).days <= max(int(expiring_days or 0), 0):
		return EXPIRING
	return ACTIVE


MAX_CONTRACT_DAYS = 3660  # ten years
MAX_VISITS_PER_YEAR = 366  # one a day


def date_problems(start: date | None, end: date | None) -> list[Problem]:
	if start and end and end < start:
		return [Problem("end_date", _("{0} {1} is before the Start Date {2}"), (end, start))]
	if start and end and (end - start).days >= MAX_CONTRACT_DAYS:
		return [Problem("end_date", _("{0}: a contract runs for ten years at most; renew it instead"))]
	return []


def overlaps(start_a: date, end_a: date, start_b: date, end_b: date) -> bool:
	"""Whether two date ranges (both days included) share a day."""
	return start_a <= end_b and start_b <= end_a


def visit_count(start: date, end: date, visits_per_year: int) -> int:
	"""How many visits a contract of these dates gets: the yearly number pro rata, at least one when
	it plans any."""
	if not visits_per_year or visits_per_year <= 0 or end < start:
		return 0
	days = (end - start).days + 1
	return max(1, round(visits_per_year * days / 365))


def visit_schedule(start: date, end: date, visits_per_year: int) -> list[date]:
	"""Planned visit dates spread evenly: each in the middle of its share of the contract's days.
	Two visits a year on a calendar-year contract fall in early April and early October."""
	count = visit_count(start, end, visits_per_year)
	days = (end - start).days + 1
	return [start + timedelta(days=(days * (2 * i + 1)) // (2 * count)) for i in range(count)]


def visit_problems(contract_type: str, visits_per_year: int | None) -> list[Problem]:
	if visits_per_year is not None and visits_per_year < 0:
		return [Problem("visits_per_year", _("{0} cannot be negative"))]
	if visits_per_year and visits_per_year > MAX_VISITS_PER_YEAR:
		return [Problem("visits_per_year", _("{0} cannot be more than {1}"), (MAX_VISITS_PER_YEAR,))]
	if contract_type == INSPECTION_ONLY and not visits_per_year:
		return [Problem("visits_per_year", _("An Inspection Only contract needs {0} above zero"))]
	return []


def amount_problems(billing_amount: float | None) -> list[Problem]:
	if billing_amount is not None and billing_amount < 0:
		return [Problem("billing_amount", _("{0} cannot be negative"))]
	return []


def team_problems(leads: int, members: int) -> list[Problem]:
	"""The account team has exactly one lead when it has any member; a contract needs a team."""
	if not members:
		return [Problem("team", _("{0}: add the account team and mark its lead"))]
	if leads != 1:
		return [Problem("team", _("{0} must have exactly one lead, not {1}"), (leads,))]
	return []


def inspection_job_due(planned: date, today: date, lead_days: int) -> bool:
	"""A visit gets its inspection job `lead_days` before its planned date (or on any later day)."""
	return today >= planned - timedelta(days=max(int(lead_days or 0), 0))


def visit_overdue(planned: date, today: date, status: str) -> bool:
	return status in (PLANNED, DUE) and planned < today


@dataclass(frozen=True)
class Cover:
	"""One covered unit of a submitted contract, as the database holds it."""

	contract: str
	customer: str
	start: date
	end: date
	status: str
	item_code: str | None = None
	serial_no: str | None = None
	contract_type: str = FULL_SERVICE


def covers_on(cover: Cover, on: date) -> bool:
	return cover.status in COVERING_STATUSES and cover.start <= on <= cover.end


def active_contract(
	candidates: list[Cover],
	on: date,
	serial_no: str | None = None,
	item_code: str | None = None,
	customer: str | None = None,
) -> Cover | None:
	"""The contract that covers the unit on `on`: a row naming its serial number, else a row for its
	item without a serial number of the same customer. Of several, the one that started last."""
	running = [c for c in candidates if covers_on(c, on)]
	if serial_no:
		by_serial = [c for c in running if c.serial_no == serial_no]
		if by_serial:
			return max(by_serial, key=lambda c: (c.start, c.contract))
	if item_code and customer:
		by_item = [
			c for c in running if not c.serial_no and c.item_code == item_code and c.customer == customer
		]
		if by_item:
			return max(by_item, key=lambda c: (c.start, c.contract))
	return None


@dataclass(frozen=True)
class Charges:
	"""What the customer still pays on a covered job."""

	parts: bool
	labour: bool


def charges(contract_type: str, job_kind: str = REPAIR) -> Charges:
	"""Parts Only covers the parts, so the labour is invoiced; Labour Only covers the labour, so the
	parts are; Full Service covers both; Inspection Only covers the inspection visit and nothing else."""
	if contract_type == FULL_SERVICE:
		return Charges(parts=False, labour=False)
	if contract_type == PARTS_ONLY:
		return Charges(parts=False, labour=True)
	if contract_type == LABOUR_ONLY:
		return Charges(parts=True, labour=False)
	if contract_type == INSPECTION_ONLY:
		if job_kind == INSPECTION:
			return Charges(parts=False, labour=False)
		return Charges(parts=True, labour=True)
	raise ValueError(f"unknown contract type {contract_type!r}")


def covered_job_price(
	contract_type: str,
	job_kind: str,
	parts: list[tuple[float, float]],
	labour: list[tuple[float, float]],
) -> float:
	"""The price of a covered job: the lines its contract does not pay for."""
	charge = charges(contract_type, job_kind)
	total = 0.0
	if charge.parts:
		total += sum(round((q or 0) * (r or 0), 2) for q, r in parts)
	if charge.labour:
		total += sum(round((h or 0) * (r or 0), 2) for h, r in labour)
	return round(total, 2)


def add_months(day: date, months: int) -> date:
	"""`day` moved by whole months, kept within the target month (31 Jan + 1 month = 28/29 Feb)."""
	month_index = day.month - 1 + months
	year, month = day.year + month_index // 12, month_index % 12 + 1
	return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Period:
	start: date
	end: date


def billing_periods(start: date, end: date, interval: str) -> list[Period]:
	"""Every billing period of the contract, in order; the last one ends with the contract."""
	if interval not in INTERVAL_MONTHS:
		raise ValueError(f"unknown billing interval {interval!r}")
	months = INTERVAL_MONTHS[interval]
	if end < start:
		return []
	if months is None:
		return [Period(start, end)]
	periods, k = [], 0
	while True:
		period_start = add_months(start, k * months)
		if period_start > end:
			return periods
		period_end = min(add_months(start, (k + 1) * months) - timedelta(days=1), end)
		periods.append(Period(period_start, period_end))
		k += 1


def periods_due(
	start: date, end: date, interval: str, on: date, billed_starts: set[date] | frozenset = frozenset()
) -> list[Period]:
	"""The periods billed in advance that have started by `on` and are not billed yet."""
	return [
		p for p in billing_periods(start, end, interval) if p.start <= on and p.start not in billed_starts
	]


def planned_amount(start: date, end: date, interval: str, amount: float) -> float:
	"""What the whole contract bills: the amount once per period."""
	return round(len(billing_periods(start, end, interval)) * (amount or 0), 2)


def parse_lead_days(
	text: str | None, default: tuple[int, ...] = DEFAULT_REMINDER_LEAD_DAYS
) -> tuple[int, ...]:
	"""Lead times written as "90,30" (days before the end), largest first, without repeats. Raises
	ValueError for anything that is not a list of whole numbers from 1 to 366."""
	if not (text or "").strip():
		return tuple(sorted(set(default), reverse=True))
	values = set()
	for part in text.replace(";", ",").split(","):
		part = part.strip()
		if not part:
			continue
		if not part.isdigit() or not 1 <= int(part) <= 366:
			raise ValueError(part)
		values.add(int(part))
	if not values:
		raise ValueError(text)
	return tuple(sorted(values, reverse=True))


def reminder_due(
	end: date, today: date, lead_days: tuple[int, ...], sent: set[int] | frozenset
) -> int | None:
	"""The lead time whose reminder is due on `today`, or None. Only the nearest lead whose day has
	come counts: a contract signed 20 days before its end gets the 30-day notice, not the 90-day one
	too, and a reminder already sent is never sent again. Nothing is due after the end."""
	if today > end:
		return None
	opened = [lead for lead in lead_days if today >= end - timedelta(days=lead)]
	if not opened:
		return None
	nearest = min(opened)
	return None if nearest in sent else nearest


def sla_deadlines(
	opened_at: datetime,
	response_hours: float | None,
	resolution_hours: float | None,
	is_24x7: bool,
	working_calendar: Calendar,
) -> tuple[datetime | None, datetime | None]:
	"""When a covered job must be answered and resolved. 7×24 support counts calendar hours; otherwise
	only the working days of the company's holiday list count."""
	cal = Calendar() if is_24x7 else working_calendar
	response = add_time(opened_at, float(response_hours), "Hours", cal) if response_hours else None
	resolution = add_time(opened_at, float(resolution_hours), "Hours", cal) if resolution_hours else None
	return response, resolution


def renewal_dates(start: date, end: date) -> tuple[date, date]:
	"""The successor runs from the day after the end for as long as the contract did."""
	new_start = end + timedelta(days=1)
	return new_start, new_start + (end - start)


def current_sla_deadline(
	still_open: bool, response_due: datetime | None, resolution_due: datetime | None
) -> datetime | None:
	"""The deadline a covered job runs against now: the response time until it is answered (leaves
	Open), then the resolution time. A job with no response time runs against its resolution time."""
	if still_open and response_due:
		return response_due
	return resolution_due


def inspection_deadline(visit_day: date) -> datetime:
	"""An inspection is late once its visit day is over: midnight after it."""
	return datetime.combine(visit_day + timedelta(days=1), time.min)
