"""Rules of a customer complaint: severity, dates, classification, policy matching and statistics."""

from datetime import date, datetime, timedelta

from aftersales_module.policy.messages import Problem, _

SEVERITIES = ("General", "Written", "Major")  # ascending
GROUP_COMPLAINT_HOUSEHOLDS = 3  # 002/2: a group complaint of 3 or more households is Major
FUTURE_TOLERANCE = timedelta(hours=1)  # clocks differ; a registration this far ahead is still fine
# Statuses in which a complaint is still open: it escalates and can turn overdue.
ACTIVE_STATUSES = (
	"Registered",
	"Classified",
	"Assigned",
	"Investigating",
	"Solution Proposed",
	"Approved",
	"Agreed",
	"In Execution",
	"Reopened",
)
POLICY_CONDITIONS = ("complaint_type", "severity", "complaint_category", "customer_group", "territory")

# (lowest age, highest age or None for no limit, label), in whole days since registration.
AGE_BUCKETS = (
	(0, 2, _("0-2 days")),
	(3, 5, _("3-5 days")),
	(6, 10, _("6-10 days")),
	(11, 15, _("11-15 days")),
	(16, None, _("Over 15 days")),
)


def raise_severity(severity: str | None) -> str:
	"""One step up, capped at Major (a repeat complaint, 002/8). Empty counts as General; a value that
	is no severity comes back unchanged for the form's option check to report."""
	severity = severity or SEVERITIES[0]
	if severity not in SEVERITIES:
		return severity
	return SEVERITIES[min(SEVERITIES.index(severity) + 1, len(SEVERITIES) - 1)]


def is_lower_severity(old: str | None, new: str | None) -> bool:
	"""Whether `new` is a lower severity than `old` (lowering a case needs a manager)."""
	if old not in SEVERITIES or new not in SEVERITIES:
		return False
	return SEVERITIES.index(new) < SEVERITIES.index(old)


def is_second_person(approver: str, others: set[str]) -> bool:
	"""A Major case's solution is approved by someone other than who registered or handles it
	(001/10: the handler reports up; the approval is a second person's)."""
	return approver not in {o for o in others if o}


def effective_severity(severity: str | None, households_affected: int | None) -> str:
	"""Major when GROUP_COMPLAINT_HOUSEHOLDS or more households complain together, else the severity
	given (empty counts as General). Never lowers a severity."""
	if households_affected is not None and households_affected >= GROUP_COMPLAINT_HOUSEHOLDS:
		return "Major"
	return severity or SEVERITIES[0]


def is_within_repeat_window(
	previous_registered_on: datetime, registered_on: datetime, window_days: int
) -> bool:
	"""True when the earlier complaint was registered at most `window_days` before this one."""
	return timedelta(0) <= registered_on - previous_registered_on <= timedelta(days=window_days)


def _shown(moment: datetime) -> datetime:
	return moment.replace(microsecond=0)


def check_dates(
	registered_on: datetime | None, deadline: datetime | None, next_reply_date: date | None, now: datetime
) -> list[Problem]:
	"""The problems with a complaint's dates. Values missing are not checked."""
	problems = []
	if registered_on is None:
		return problems
	if deadline is not None and deadline < registered_on:
		problems.append(
			Problem(
				"deadline",
				_("{0} cannot be before the complaint was registered ({1})"),
				(_shown(registered_on),),
			)
		)
	if next_reply_date is not None and next_reply_date < registered_on.date():
		problems.append(
			Problem(
				"next_reply_date",
				_("{0} cannot be before the day the complaint was registered ({1})"),
				(registered_on.date(),),
			)
		)
	if registered_on - now > FUTURE_TOLERANCE:
		problems.append(
			Problem("registered_on", _("{0} cannot be in the future: {1}"), (_shown(registered_on),))
		)
	return problems


def _is_empty(value) -> bool:
	return value is None or (isinstance(value, str) and not value.strip())


def missing_classification(values: dict) -> list[str]:
	"""The fieldnames a complaint still needs to leave the Classified state, in form order."""
	missing = []
	if _is_empty(values.get("complaint_type")):
		missing.append("complaint_type")
	elif values.get("complaint_type") == "Product Quality" and _is_empty(values.get("quality_sub_type")):
		missing.append("quality_sub_type")
	if _is_empty(values.get("severity")):
		missing.append("severity")
	if _is_empty(values.get("validity")) or values.get("validity") == "Pending":
		missing.append("validity")
	return missing


def is_overdue(deadline: datetime | None, now: datetime, is_open: bool) -> bool:
	"""An open case whose reply deadline has passed (a deadline of exactly now is not yet overdue)."""
	return bool(is_open) and deadline is not None and deadline < now


def _meets(value, condition) -> bool:
	if isinstance(value, set | frozenset):
		return condition in value
	return value == condition


def matches(conditions: dict, case: dict) -> bool:
	"""Every condition that is set equals the case's value; empty conditions match anything.

	A case value may be a set of values, all of which count: a customer group and the groups above
	it in the tree, so that a condition on a parent group matches its sub-groups."""
	return all(_meets(case.get(key), value) for key, value in conditions.items() if not _is_empty(value))


def _specificity(policy: dict) -> int:
	return sum(1 for key in POLICY_CONDITIONS if not _is_empty(policy.get(key)))


def pick_policy(policies: list[dict], case: dict) -> dict | None:
	"""The enabled policy whose conditions match `case`: the most specific (most conditions set), then
	the highest priority, then the first name alphabetically. None when no policy matches."""
	candidates = [
		policy
		for policy in policies
		if policy.get("enabled", True) and matches({key: policy.get(key) for key in POLICY_CONDITIONS}, case)
	]
	if not candidates:
		return None
	return min(
		candidates,
		key=lambda policy: (-_specificity(policy), -(policy.get("priority") or 0), policy.get("name") or ""),
	)


def age_bucket(age_days: int) -> str:
	"""The AGE_BUCKETS label of a case `age_days` old (a negative age, from clock skew, is the first)."""
	for _low, high, label in AGE_BUCKETS:
		if high is None or age_days <= high:
			return label
	raise AssertionError("the last age bucket has no upper bound")


def shares_and_ranks(counts: list[tuple[str, int]]) -> list[tuple[str, int, float, int]]:
	"""(key, count, share in percent rounded to 2 decimals, rank), most frequent first (ties by key).
	Ties share a rank and the next rank skips (1, 2, 2, 4). With no counts at all every share is 0.0."""
	ordered = sorted(counts, key=lambda item: (-item[1], item[0] or ""))
	total = sum(count for _key, count in ordered)
	result = []
	for position, (key, count) in enumerate(ordered, start=1):
		rank = result[-1][3] if result and result[-1][1] == count else position
		share = round(count * 100 / total, 2) if total else 0.0
		result.append((key, count, share, rank))
	return result


def concealment_rate(overdue: int, overdue_not_escalated: int) -> float:
	"""The percentage of overdue complaints the handler never escalated, rounded to 2 decimals."""
	if not overdue or overdue <= 0:
		return 0.0
	return round((overdue_not_escalated or 0) * 100 / overdue, 2)
