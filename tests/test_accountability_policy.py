"""Rewards and penalties: the company's loss on a complaint, its shares, who is drafted for each rule
and the source keys that keep a draft from being made twice."""

import pytest

from aftersales_module.policy import accountability as policy


@pytest.mark.parametrize(
	"fault,compensation,degree,loss",
	[
		("None", 1000, 100, 0.0),
		(None, 1000, 50, 0.0),
		("Full", 1000, 0, 1000.0),
		("Full", 1000, 40, 1000.0),  # full fault ignores the degree
		("Partial", 1000, 40, 400.0),
		("Partial", 1000, 0, 0.0),
		("Partial", 1000, None, 0.0),
		("Partial", 1000, 150, 1000.0),  # the degree is clamped to 100 %
		("Partial", 1000, -5, 0.0),
		("Partial", 333.33, 33.3, 111.0),  # 110.99889 → 111.00
		("Full", None, 100, 0.0),
		("Full", -50, 100, 0.0),
	],
)
def test_company_loss(fault, compensation, degree, loss):
	assert policy.company_loss(fault, compensation, degree) == loss


def test_shares_round_to_cents_half_up():
	assert policy.shares(1000, 70, 30) == (700.0, 300.0)
	assert policy.shares(100.01, 70, 30) == (70.01, 30.0)  # 70.007 → 70.01, 30.003 → 30.00
	assert policy.shares(0.05, 50, 50) == (0.03, 0.03)  # 0.025 → 0.03 (half up, not to even)
	assert policy.shares(0, 70, 30) == (0.0, 0.0)
	assert policy.shares(100, None, 0) == (0.0, 0.0)


def test_shares_over_100_percent_are_a_problem():
	assert policy.check_shares(70, 30) is None
	assert policy.check_shares(80, 30)
	assert policy.check_shares(None, None) is None


def test_complaint_loss_drafts_the_employee_and_the_head():
	drafts = policy.complaint_loss_drafts("CR-1", "Partial", 2000, 50, "EMP-1", "EMP-9", 70, 30)
	assert [(d.employee, d.role, d.amount) for d in drafts] == [
		("EMP-1", policy.RESPONSIBLE, 700.0),
		("EMP-9", policy.HEAD, 300.0),
	]
	assert drafts[0].args == (70.0, 1000.0, "CR-1")
	assert "{2}" in drafts[0].message and "{3}" in drafts[1].message


@pytest.mark.parametrize(
	"fault,employee,head,expected",
	[
		("None", "EMP-1", "EMP-9", []),  # no company fault: nobody
		("Full", None, "EMP-9", []),  # nobody responsible: nobody, not even a head
		("Full", "EMP-1", None, ["EMP-1"]),  # reports to nobody
		("Full", "EMP-1", "EMP-1", ["EMP-1"]),  # reports to themselves: fined once
	],
)
def test_complaint_loss_drafts_whom(fault, employee, head, expected):
	drafts = policy.complaint_loss_drafts("CR-1", fault, 1000, 100, employee, head, 70, 30)
	assert [d.employee for d in drafts] == expected


def test_no_zero_fines():
	assert policy.complaint_loss_drafts("CR-1", "Full", 0, 100, "EMP-1", "EMP-9", 70, 30) == []
	drafts = policy.complaint_loss_drafts("CR-1", "Full", 1000, 100, "EMP-1", "EMP-9", 100, 0)
	assert [(d.employee, d.amount) for d in drafts] == [("EMP-1", 1000.0)]
	assert policy.concealment_drafts("CR-1", "EMP-1", None, 0) == []
	assert policy.escalation_drafts("CR-1", 2, "EMP-1", None, {"EMP-1": "EMP-9"}, 0) == []


def test_concealment_fines_the_handler_else_the_responsible_employee():
	(draft,) = policy.concealment_drafts("CR-1", "EMP-H", "EMP-R", 100)
	assert (draft.employee, draft.role, draft.amount) == ("EMP-H", policy.HANDLER, 100.0)
	(draft,) = policy.concealment_drafts("CR-1", None, "EMP-R", 100)
	assert (draft.employee, draft.role) == ("EMP-R", policy.RESPONSIBLE)
	assert policy.concealment_drafts("CR-1", None, None, 100) == []


def test_escalation_fines_the_rep_and_the_head():
	heads = {"EMP-R": "EMP-9", "EMP-H": "EMP-8"}
	drafts = policy.escalation_drafts("CR-1", 2, "EMP-R", "EMP-H", heads, 100)
	assert [(d.employee, d.role, d.amount) for d in drafts] == [
		("EMP-R", policy.RESPONSIBLE, 100.0),
		("EMP-9", policy.HEAD, 100.0),
	]
	drafts = policy.escalation_drafts("CR-1", 2, None, "EMP-H", heads, 100)
	assert [(d.employee, d.role) for d in drafts] == [("EMP-H", policy.HANDLER), ("EMP-8", policy.HEAD)]
	assert policy.escalation_drafts("CR-1", 2, None, None, heads, 100) == []
	drafts = policy.escalation_drafts("CR-1", 2, "EMP-X", None, {"EMP-X": "EMP-X"}, 100)
	assert [d.employee for d in drafts] == ["EMP-X"]


@pytest.mark.parametrize(
	"from_level,to_level,penalised,reaches",
	[
		(0, 1, 1, True),
		(1, 2, 2, True),
		(0, 3, 2, True),  # jumped past the level: it was reached
		(2, 3, 2, False),  # already past it
		(0, 1, 2, False),
		(0, 5, 0, False),  # 0: nothing is penalised
		(None, 1, 1, True),
	],
)
def test_reaches_level(from_level, to_level, penalised, reaches):
	assert policy.reaches_level(from_level, to_level, penalised) is reaches


def test_source_keys_are_stable_and_distinct():
	key = policy.source_key(policy.COMPLAINT_LOSS, "Complaint Record", "CR-1", policy.HEAD, "EMP-9")
	assert key == policy.source_key(policy.COMPLAINT_LOSS, "Complaint Record", "CR-1", policy.HEAD, "EMP-9")
	assert key.startswith(policy.key_prefix(policy.COMPLAINT_LOSS, "Complaint Record", "CR-1"))
	others = {
		policy.source_key(policy.COMPLAINT_LOSS, "Complaint Record", "CR-1", policy.RESPONSIBLE, "EMP-9"),
		policy.source_key(policy.CONCEALMENT, "Complaint Record", "CR-1", policy.HEAD, "EMP-9"),
		policy.source_key(policy.COMPLAINT_LOSS, "Complaint Record", "CR-2", policy.HEAD, "EMP-9"),
		policy.source_key(policy.COMPLAINT_LOSS, "Complaint Record", "CR-1", policy.HEAD, "EMP-8"),
	}
	assert key not in others and len(others) == 4
	first = policy.source_key(policy.ESCALATION, "Complaint Record", "CR-1", policy.HEAD, "E", "row1")
	second = policy.source_key(policy.ESCALATION, "Complaint Record", "CR-1", policy.HEAD, "E", "row2")
	assert first != second
	assert first.startswith(policy.key_prefix(policy.ESCALATION, "Complaint Record", "CR-1", "row1"))


def test_long_source_keys_fit_the_column():
	long_name = "E" * 200
	key = policy.source_key(policy.CONCEALMENT, "Complaint Record", "CR-1", policy.HANDLER, long_name)
	assert len(key) <= policy.KEY_LENGTH
	other = policy.source_key(policy.CONCEALMENT, "Complaint Record", "CR-1", policy.HANDLER, long_name + "X")
	assert key != other


def test_default_amount():
	assert policy.default_amount(policy.SERVICE_RULE_BREACH, None, 100) == 100.0
	assert policy.default_amount(policy.SERVICE_RULE_BREACH, 0, 100) == 100.0
	assert policy.default_amount(policy.SERVICE_RULE_BREACH, 55.555, 100) == 55.56
	assert policy.default_amount(policy.OTHER, None, 100) == 0.0


def test_self_approval():
	assert policy.is_self_approval("a@example.com", "A@example.com ")
	assert not policy.is_self_approval("a@example.com", "b@example.com")
	assert not policy.is_self_approval("a@example.com", None)


def test_rules_partition():
	assert set(policy.DRAFTED_RULES) | set(policy.MANUAL_RULES) == set(policy.RULES)
	assert not set(policy.DRAFTED_RULES) & set(policy.MANUAL_RULES)
