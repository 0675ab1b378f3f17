"""Rules for claiming warranty cost back from the maker or supplier (requirements §6; 001/10 §8-9):
which work is claimable and from whom, the period a claim covers, who signs it, what the supplier's
answer may be, and how the claim stands."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aftersales_module.policy.messages import Problem, _
from aftersales_module.policy.repair import CONTRACT, WARRANTY

# Work the company did for free that a maker may owe it for; goodwill is the company's own choice.
CLAIMABLE_SERVICE_CLASSES = (WARRANTY, CONTRACT)

DRAFT = "Draft"
AWAITING_SECOND = "Awaiting Second Approval"
APPROVED = "Approved"
CLAIMED = "Claimed"
SETTLED = "Settled"
REJECTED = "Rejected"
CANCELLED = "Cancelled"
STATUSES = (DRAFT, AWAITING_SECOND, APPROVED, CLAIMED, SETTLED, REJECTED, CANCELLED)

ACCEPTED = "Accepted"
PARTLY = "Partly Accepted"
REFUSED = "Rejected"
OUTCOMES = (ACCEPTED, PARTLY, REFUSED)

DEBIT_NOTE = "Debit Note"
JOURNAL_ENTRY = "Journal Entry"
BOOKINGS = (DEBIT_NOTE, JOURNAL_ENTRY)

MATERIAL_TRANSFER = "Material Transfer"
PURCHASE_RETURN = "Purchase Return"

LABOUR = "labour"


def claim_period(today: date) -> tuple[date, date]:
	"""The period the daily sweep proposes claims for: the calendar month before `today`."""
	end = today.replace(day=1) - timedelta(days=1)
	return end.replace(day=1), end


def claim_key(repair_job: str, part_row: str | None) -> str:
	"""What may be claimed once, ever: a part row of a job, or the labour on a job."""
	return f"{repair_job}:{part_row or LABOUR}"


def proposal_key(company: str, supplier: str, period_start: date) -> str:
	"""The one draft the sweep keeps per supplier and period."""
	return f"{company}:{supplier}:{period_start.isoformat()}"


def as_date(value) -> date | None:
	if value is None:
		return None
	return value.date() if isinstance(value, datetime) else value


def within_supplier_warranty(purchased_on, warranty_days: int | None, failed_on) -> bool:
	"""Whether a part or unit bought on `purchased_on` still had the supplier's warranty when it
	failed: `warranty_days` from purchase, both days counted. No days, no supplier warranty."""
	purchased_on, failed_on = as_date(purchased_on), as_date(failed_on)
	if not warranty_days or warranty_days <= 0 or not purchased_on or not failed_on:
		return False
	return purchased_on <= failed_on <= purchased_on + timedelta(days=int(warranty_days) - 1)


@dataclass(frozen=True)
class Trace:
	"""Where a unit or part came from: its supplier, the day it was bought, and the days of the
	supplier's warranty on its item."""

	supplier: str | None
	purchased_on: date | None
	warranty_days: int | None

	def covers(self, failed_on) -> bool:
		return bool(self.supplier) and within_supplier_warranty(
			self.purchased_on, self.warranty_days, failed_on
		)


def supplier_for(unit: Trace | None, part: Trace | None, failed_on) -> tuple[str | None, bool]:
	"""Who pays for a part used on a job, and whether the claim is for the unit: a unit still under
	its maker's warranty makes the maker answer for every part and the labour on it; otherwise a
	part still under its own supplier's warranty is claimed from that supplier alone."""
	if unit and unit.covers(failed_on):
		return unit.supplier, True
	if part and part.covers(failed_on):
		return part.supplier, False
	return None, False


def labour_amount(hours: float, rate: float) -> float:
	return round(max(hours or 0.0, 0.0) * max(rate or 0.0, 0.0), 2)


def approvals_needed(total: float, limit: float | None) -> int:
	"""Claim orders are signed by the workshop manager; large amounts also by the after-sales
	director (001/10 §8-9). No limit set: every claim needs both."""
	if limit is not None and limit > 0 and total <= limit:
		return 1
	return 2


def approval_problem(
	total: float,
	limit: float | None,
	first_approver: str | None,
	user: str,
	is_manager: bool,
	holds_second_role: bool,
	second_role: str,
) -> str | None:
	"""Why `user` may not give the next approval of a claim, or None. The message takes
	{0} = the second approver's role when it names one."""
	if not first_approver:
		return (
			None if is_manager else _("Only an After Sales Manager gives a supplier claim its first approval")
		)
	if approvals_needed(total, limit) < 2:
		return _("This claim needs one approval and already has it")
	if user == first_approver:
		return _("The second approval must come from another person than the first")
	if not holds_second_role:
		return _("The second approval of a claim above the limit needs the role {0}")
	return None


def status_after_approval(total: float, limit: float | None, approvals: int) -> str:
	return APPROVED if approvals >= approvals_needed(total, limit) else AWAITING_SECOND


def outcome_problem(
	outcome: str | None, claimed: float, accepted: float, reason: str | None
) -> Problem | None:
	"""What is wrong with the supplier's answer on one line, or None."""
	claimed, accepted = round(claimed or 0.0, 2), round(accepted or 0.0, 2)
	if not outcome:
		return (
			None
			if not accepted
			else Problem("outcome", _("Set the outcome of a line with an accepted amount"))
		)
	if outcome == ACCEPTED and accepted != claimed:
		return Problem("accepted_amount", _("{0} of an accepted line is the claimed amount {1}"), (claimed,))
	if outcome == PARTLY and not 0 < accepted < claimed:
		return Problem(
			"accepted_amount", _("{0} of a partly accepted line is above 0 and below {1}"), (claimed,)
		)
	if outcome == REFUSED:
		if accepted:
			return Problem("accepted_amount", _("{0} of a rejected line is 0"))
		if not (reason or "").strip():
			return Problem("rejection_reason", _("{0}: say why the supplier rejected the line"))
	return None


def accepted_for(outcome: str | None, claimed: float, accepted: float | None) -> float:
	"""The amount an outcome stands for when the user did not type one: all of an accepted line,
	nothing of a rejected one."""
	if outcome == ACCEPTED:
		return round(claimed or 0.0, 2)
	if outcome == REFUSED:
		return 0.0
	return round(accepted or 0.0, 2)


def settled_status(outcomes: list[str | None], accepted_total: float) -> str | None:
	"""The claim's status once the supplier has answered every line (None: not every line yet)."""
	if not outcomes or any(not outcome for outcome in outcomes):
		return None
	return SETTLED if round(accepted_total, 2) > 0 else REJECTED
