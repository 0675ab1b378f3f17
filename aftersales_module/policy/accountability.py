"""Rewards and penalties (奖惩): who is fined for what, and how much.

- Complaint loss (001/1 §2.3, §3.7 "奖惩结果"): when a complaint the company is at fault for is
  closed, the company's loss (the compensation, times the fault degree when the fault is Partial) is
  shared between the responsible employee and the head of their department (the employee they
  report to), by the shares in After Sales Settings.
- Concealment (001/10): hiding an unresolved complaint from the supervisor is fined each time: one
  fine per case the Concealment Audit finds, on its handler (else its responsible employee).
- Escalation (004/1 §4): a case the rep neither resolved nor reported, so that the customer
  complained higher up, fines the rep and the regional head, once per escalation reaching the
  penalised level.
- Service rule breaches (004/11) and anything else are typed by hand.

A drafted entry carries a source key: the same source, employee and role give the same key, so an
entry is drafted once however often the hook or the sweep runs, and by however many workers."""

import hashlib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from aftersales_module.policy.messages import _

FINE = "Fine"
REWARD = "Reward"
KINDS = (FINE, REWARD)

COMPLAINT_LOSS = "Complaint Loss"
CONCEALMENT = "Concealment"
ESCALATION = "Escalation"
SERVICE_RULE_BREACH = "Service Rule Breach"
OTHER = "Other"
RULES = (COMPLAINT_LOSS, CONCEALMENT, ESCALATION, SERVICE_RULE_BREACH, OTHER)
# The rules only the app drafts from a source; a user types the others.
DRAFTED_RULES = (COMPLAINT_LOSS, CONCEALMENT, ESCALATION)
MANUAL_RULES = (SERVICE_RULE_BREACH, OTHER)

# company_fault of a Complaint Record
NO_FAULT, PARTIAL_FAULT, FULL_FAULT = "None", "Partial", "Full"
FAULTS = (PARTIAL_FAULT, FULL_FAULT)

# The part a person played in the case (part of the source key).
RESPONSIBLE = "responsible"
HANDLER = "handler"
HEAD = "head"

KEY_LENGTH = 140  # a Data column

# After Sales Settings' defaults, for a site whose settings were saved before the fields existed.
DEFAULT_SETTINGS = {
	"penalty_employee_percent": 70,
	"penalty_head_percent": 30,
	"concealment_fine_amount": 100,
	"penalised_escalation_level": 0,
	"escalation_fine_amount": 100,
	"service_rule_fine_amount": 100,
}


def with_defaults(values: dict) -> dict:
	"""The accountability settings from `values`, a default where a value was never stored."""
	return {
		fieldname: default if values.get(fieldname) is None else values.get(fieldname)
		for fieldname, default in DEFAULT_SETTINGS.items()
	}


@dataclass(frozen=True)
class Draft:
	"""One entry to draft: who, in which part, how much, and why (`message` translated by the
	caller and formatted with `args`)."""

	employee: str
	role: str
	amount: float
	message: str
	args: tuple = field(default_factory=tuple)


def money(value) -> float:
	"""`value` rounded to cents, halves away from zero (as an invoice rounds)."""
	return float(Decimal(str(value or 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def company_loss(company_fault: str | None, compensation_amount, fault_degree) -> float:
	"""What the company lost on a case: nothing without fault, the whole compensation at full
	fault, the fault degree's share of it at partial fault (degree clamped to 0-100 %)."""
	amount = max(float(compensation_amount or 0), 0.0)
	if company_fault == FULL_FAULT:
		return money(amount)
	if company_fault == PARTIAL_FAULT:
		degree = min(max(float(fault_degree or 0), 0.0), 100.0)
		return money(Decimal(str(amount)) * Decimal(str(degree)) / 100)
	return 0.0


def shares(loss, employee_percent, head_percent) -> tuple[float, float]:
	"""The responsible employee's and the head's shares of `loss`, each rounded to cents."""
	loss = Decimal(str(max(float(loss or 0), 0.0)))

	def share(percent) -> float:
		percent = max(float(percent or 0), 0.0)
		return money(loss * Decimal(str(percent)) / 100)

	return share(employee_percent), share(head_percent)


def check_shares(employee_percent, head_percent) -> str | None:
	"""A problem when the shares would fine more than the loss, else None."""
	if float(employee_percent or 0) + float(head_percent or 0) > 100:
		return _("The employee's and the head's shares together exceed 100% of the loss")
	return None


def head_of(employee: str | None, heads: dict) -> str | None:
	"""The employee's department head (whom they report to); None when there is none, or when the
	record says they report to themselves."""
	head = heads.get(employee) if employee else None
	return head if head and head != employee else None


def complaint_loss_drafts(
	complaint: str,
	company_fault: str | None,
	compensation_amount,
	fault_degree,
	responsible_employee: str | None,
	head: str | None,
	employee_percent,
	head_percent,
) -> list[Draft]:
	"""The fines a closed complaint with company fault calls for: the responsible employee's share
	and their head's. Nobody is fined a zero share, nor without a responsible employee."""
	if not responsible_employee or company_fault not in FAULTS:
		return []
	loss = company_loss(company_fault, compensation_amount, fault_degree)
	employee_share, head_share = shares(loss, employee_percent, head_percent)
	drafts = []
	if employee_share > 0:
		drafts.append(
			Draft(
				responsible_employee,
				RESPONSIBLE,
				employee_share,
				_("{0}% of the company's loss of {1} on complaint {2}, as the responsible employee"),
				(money(employee_percent), loss, complaint),
			)
		)
	if head and head != responsible_employee and head_share > 0:
		drafts.append(
			Draft(
				head,
				HEAD,
				head_share,
				_("{0}% of the company's loss of {1} on complaint {2}, as the head of {3}"),
				(money(head_percent), loss, complaint, responsible_employee),
			)
		)
	return drafts


def concealment_drafts(
	complaint: str, handler_employee: str | None, responsible_employee: str | None, amount
) -> list[Draft]:
	"""One fine for an overdue case never reported to the supervisor: on the employee who handles
	it, else on the one responsible for it."""
	employee = handler_employee or responsible_employee
	amount = money(amount)
	if not employee or amount <= 0:
		return []
	role = HANDLER if handler_employee else RESPONSIBLE
	return [
		Draft(
			employee,
			role,
			amount,
			_("Overdue complaint {0} was never reported to the supervisor (concealment audit)"),
			(complaint,),
		)
	]


def escalation_drafts(
	complaint: str,
	level: int,
	responsible_employee: str | None,
	handler_employee: str | None,
	heads: dict,
	amount,
) -> list[Draft]:
	"""An escalation reaching the penalised level fines the rep (the responsible employee, else the
	handler) and their head (004/1 §4), each the same amount."""
	employee = responsible_employee or handler_employee
	amount = money(amount)
	if not employee or amount <= 0:
		return []
	role = RESPONSIBLE if responsible_employee else HANDLER
	drafts = [
		Draft(
			employee,
			role,
			amount,
			_("Complaint {0} was escalated to level {1}: not resolved or not reported in time"),
			(complaint, level),
		)
	]
	head = head_of(employee, heads)
	if head:
		drafts.append(
			Draft(
				head,
				HEAD,
				amount,
				_("Complaint {0} was escalated to level {1}, as the head of {2}"),
				(complaint, level, employee),
			)
		)
	return drafts


def reaches_level(from_level, to_level, penalised_level) -> bool:
	"""Whether an escalation from `from_level` to `to_level` reaches the penalised level (a jump
	past it counts); a penalised level of 0 penalises nothing."""
	penalised = int(penalised_level or 0)
	return penalised > 0 and int(from_level or 0) < penalised <= int(to_level or 0)


def key_prefix(rule: str, source_doctype: str, source_name: str, occurrence: str = "") -> str:
	"""The part of the source key every entry drafted from one source shares (`occurrence`: which
	event of the source, e.g. the escalation log row)."""
	return f"{rule}:{source_doctype}:{source_name}:" + (f"{occurrence}:" if occurrence else "")


def source_key(
	rule: str, source_doctype: str, source_name: str, role: str, employee: str, occurrence: str = ""
) -> str:
	"""What makes an entry drafted once: the rule, the source (and which event of it), the part the
	person played and the person. A key longer than the column keeps its prefix and a digest."""
	key = f"{key_prefix(rule, source_doctype, source_name, occurrence)}{role}:{employee}"
	if len(key) <= KEY_LENGTH:
		return key
	digest = hashlib.sha1(key.encode("utf-8")).hexdigest()
	return f"{key[: KEY_LENGTH - len(digest) - 1]}#{digest}"


def default_amount(rule: str, amount, service_rule_fine_amount) -> float:
	"""A hand-typed entry's amount: what was typed, else the settings' fine for a Service Rule
	Breach."""
	if float(amount or 0) > 0:
		return money(amount)
	if rule == SERVICE_RULE_BREACH:
		return money(service_rule_fine_amount)
	return money(amount)


def is_self_approval(approver: str | None, employee_user: str | None) -> bool:
	"""Whether the approver is the person the entry fines or rewards."""
	return bool(approver and employee_user and approver.strip().lower() == employee_user.strip().lower())
