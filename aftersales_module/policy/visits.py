"""Return visits after a completed repair or a resolved complaint (requirements §1.8).

Every completed repair job gets three visits, each its own document with its own due dates (so each
is assigned, done, missed and counted on its own): the satisfaction call the next day (001/1), the
first follow-up 3 days to 1 week after pickup, and the second within 7 days after the first (001/13).
A resolved complaint gets one return visit, the satisfaction call (002/4 "事後應有回訪"). Every
completed service is visited: there is no sampling (001/3 §18).

A visit has a due date (when to make it; past it, the visit is overdue) and a last day (past it,
the visit is missed).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aftersales_module.policy.messages import _

REPAIR_JOB = "Repair Job"
COMPLAINT = "Complaint Record"

SATISFACTION_CALL = "Satisfaction Call"
FIRST_FOLLOW_UP = "First Follow-up"
SECOND_FOLLOW_UP = "Second Follow-up"
KINDS = (SATISFACTION_CALL, FIRST_FOLLOW_UP, SECOND_FOLLOW_UP)

# Which visits each kind of source gets.
VISITS_FOR = {
	REPAIR_JOB: (SATISFACTION_CALL, FIRST_FOLLOW_UP, SECOND_FOLLOW_UP),
	COMPLAINT: (SATISFACTION_CALL,),
}

# The statuses in which a source has been completed or resolved (it may have moved on since).
REPAIR_DONE_STATUSES = ("Completed", "Invoiced", "Closed")
COMPLAINT_DONE_STATUSES = ("Resolved", "Return Visited", "Closed")

OPEN = "Open"
DONE = "Done"
MISSED = "Missed"
STATUSES = (OPEN, DONE, MISSED)

# The first follow-up is made at the latest one week after pickup (001/13 "3天到1周").
FIRST_FOLLOW_UP_LAST_DAY = 7
# A satisfaction call not made on its day may still be made the day after.
SATISFACTION_CALL_GRACE_DAYS = 1
# The daily catch-up sweep looks this far back for completed jobs and resolved complaints.
CATCH_UP_DAYS = 60

# Four items rated at four levels (001/1 survey card; 001/3 §19).
RATINGS = ("Excellent", "Good", "Fair", "Poor")
SCORES = {"Excellent": 4, "Good": 3, "Fair": 2, "Poor": 1}
LOWEST = "Poor"
SATISFIED_RATINGS = ("Excellent", "Good")
RATING_FIELDS = ("rating_attitude", "rating_skill", "rating_punctuality", "rating_result")

COVERAGE_TARGET = 100.0  # return visits in warranty 100% (000/3)
SATISFACTION_TARGET = 98.0  # satisfaction >= 98% (000/3)


@dataclass(frozen=True)
class PlannedVisit:
	kind: str
	due_date: date
	last_day: date


def plan(
	source_doctype: str, service_date: date, satisfaction_days: int, first_days: int, second_days: int
) -> list[PlannedVisit]:
	"""The visits a source completed or resolved on `service_date` gets, with their dates."""
	visits = []
	for kind in VISITS_FOR[source_doctype]:
		if kind == SATISFACTION_CALL:
			due = service_date + timedelta(days=satisfaction_days)
			visits.append(PlannedVisit(kind, due, due + timedelta(days=SATISFACTION_CALL_GRACE_DAYS)))
		elif kind == FIRST_FOLLOW_UP:
			due = service_date + timedelta(days=first_days)
			last = service_date + timedelta(days=max(first_days, FIRST_FOLLOW_UP_LAST_DAY))
			visits.append(PlannedVisit(kind, due, last))
		else:
			first_due = service_date + timedelta(days=first_days)
			visits.append(second_follow_up(kind, first_due, second_days))
	return visits


def second_follow_up(kind: str, first_visit_day: date, second_days: int) -> PlannedVisit:
	"""The second follow-up falls `second_days` after the first: its planned day until the first
	is made, then the day it was made."""
	due = first_visit_day + timedelta(days=second_days)
	return PlannedVisit(kind, due, due)


def state_on(status: str, due_date: date, last_day: date, today: date) -> tuple[bool, str]:
	"""(is overdue, status) of a visit on `today`: an open visit past its due date is overdue, past
	its last day it is missed. A done or missed visit keeps its status."""
	if status != OPEN:
		return status == MISSED, status
	if today > last_day:
		return True, MISSED
	return today > due_date, OPEN


def rating_problem(value: str | None) -> str | None:
	"""A rating must be one of the four levels (or empty)."""
	if value in (None, "") or value in RATINGS:
		return None
	return _("{0}: {1} is not a rating; choose Excellent, Good, Fair or Poor")


def given(ratings) -> list[str]:
	return [r for r in ratings if r]


def is_complete(reached: bool, ratings) -> bool:
	"""A visit is done when the customer was reached and rated all four items."""
	return bool(reached) and len(given(ratings)) == len(RATING_FIELDS)


def average(ratings) -> float:
	"""The mean score (Excellent 4 … Poor 1) of the ratings given; 0 when none is."""
	scores = [SCORES[r] for r in given(ratings)]
	return round(sum(scores) / len(scores), 2) if scores else 0.0


def is_satisfied(ratings) -> bool:
	"""Satisfied: every item rated, each Good or Excellent."""
	values = given(ratings)
	return len(values) == len(RATING_FIELDS) and all(r in SATISFIED_RATINGS for r in values)


def needs_complaint(ratings) -> bool:
	"""Any item at the lowest level raises a service complaint."""
	return LOWEST in given(ratings)


def rate(part: float, whole: float) -> float | None:
	"""`part` as a percentage of `whole`, one decimal; None when nothing was due."""
	if not whole:
		return None
	return round(100.0 * part / whole, 1)


# Complaint channels the visit's contact method maps to (Complaint Record has no SMS channel).
COMPLAINT_CHANNEL = {
	"Phone": "Phone",
	"SMS": "Instant Message",
	"Instant Message": "Instant Message",
	"Email": "Email",
	"Letter": "Letter",
	"On-site Visit": "On-site",
}
CONTACT_METHODS = tuple(COMPLAINT_CHANNEL)


# Who recorded a visit's answers: return-visit staff, or the customer through a survey link.
STAFF = "Staff"
SELF_SERVICE = "Self-Service"
ANSWER_CHANNELS = (STAFF, SELF_SERVICE)

# Survey by link: the customer answers the four ratings on a signed link, sent by email or SMS. A
# link is valid this many days from sending, works once, and only the latest one sent works.
SURVEY_LINK_DAYS = 7
SURVEY_VIA = ("Email", "SMS")
# Or handed over on site: staff show the link (or its QR code) for the customer's own phone.
ON_SITE = "On-site Visit"
LINK_VIA = (*SURVEY_VIA, ON_SITE)
LINK_INVALID = "invalid"
LINK_ANSWERED = "answered"
LINK_REPLACED = "replaced"
LINK_EXPIRED = "expired"


def survey_expiry(sent_at: datetime, days: int = SURVEY_LINK_DAYS) -> datetime:
	"""When a survey link sent at `sent_at` stops working."""
	return sent_at + timedelta(days=days)


def survey_link_problem(
	signature_ok: bool,
	expires_at: datetime | None,
	now: datetime,
	status: str | None,
	answered: bool,
	is_latest: bool,
) -> str | None:
	"""Why a survey link may not be answered now, or None. A tampered link (or one for a visit that
	no longer exists) is invalid; a visit already answered, by the link or by staff, refuses every
	link; a link replaced by a newer one, or past its expiry, is refused."""
	if not signature_ok or expires_at is None or status is None:
		return LINK_INVALID
	if answered or status == DONE:
		return LINK_ANSWERED
	if not is_latest:
		return LINK_REPLACED
	if now > expires_at:
		return LINK_EXPIRED
	return None


def survey_answer_problem(ratings) -> str | None:
	"""A customer's answer rates all four items, each at one of the four levels."""
	if any(value not in RATINGS for value in ratings) or len(ratings) != len(RATING_FIELDS):
		return _("Please rate all four items")
	return None
