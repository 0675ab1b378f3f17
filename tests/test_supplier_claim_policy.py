"""Supplier warranty recovery: the period, the trace to a supplier, approval by amount and the
supplier's answer per line."""

from datetime import date, datetime

import pytest

from aftersales_module.policy import supplier_claims as policy
from aftersales_module.policy.supplier_claims import Trace


def test_the_sweep_claims_the_month_before():
	assert policy.claim_period(date(2026, 3, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
	assert policy.claim_period(date(2026, 1, 17)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_supplier_warranty_counts_both_days():
	bought = date(2026, 1, 1)
	assert policy.within_supplier_warranty(bought, 31, date(2026, 1, 31))
	assert not policy.within_supplier_warranty(bought, 31, date(2026, 2, 1))
	assert policy.within_supplier_warranty(bought, 31, datetime(2026, 1, 31, 23, 59))
	assert not policy.within_supplier_warranty(bought, 0, date(2026, 1, 1)), "no days, no warranty"
	assert not policy.within_supplier_warranty(None, 30, date(2026, 1, 1))
	assert not policy.within_supplier_warranty(bought, 30, date(2025, 12, 31)), "failed before it was bought"


def test_the_maker_of_a_unit_in_warranty_answers_for_every_part():
	unit = Trace("Maker", date(2026, 1, 1), 365)
	part = Trace("Parts Co", date(2026, 5, 1), 90)
	assert policy.supplier_for(unit, part, date(2026, 6, 1)) == ("Maker", True)
	assert policy.supplier_for(Trace("Maker", date(2024, 1, 1), 365), part, date(2026, 6, 1)) == (
		"Parts Co",
		False,
	)
	assert policy.supplier_for(None, Trace("Parts Co", date(2026, 1, 1), 90), date(2026, 6, 1)) == (
		None,
		False,
	)
	assert policy.supplier_for(Trace(None, date(2026, 1, 1), 365), None, date(2026, 6, 1)) == (None, False)


def test_claim_keys_name_a_part_or_the_labour_once():
	assert policy.claim_key("RJ-1", "row1") == "RJ-1:row1"
	assert policy.claim_key("RJ-1", None) == "RJ-1:labour"
	assert policy.proposal_key("C", "S", date(2026, 2, 1)) == "C:S:2026-02-01"


def test_labour_is_hours_at_the_suppliers_rate():
	assert policy.labour_amount(1.5, 80) == 120.0
	assert policy.labour_amount(-2, 80) == 0.0
	assert policy.labour_amount(None, 80) == 0.0


@pytest.mark.parametrize(
	("total", "limit", "needed"),
	[(1000, 5000, 1), (5000, 5000, 1), (5000.01, 5000, 2), (10, 0, 2), (10, None, 2)],
)
def test_large_claims_need_a_second_signature(total, limit, needed):
	assert policy.approvals_needed(total, limit) == needed


def test_approval_by_amount_never_by_the_same_person():
	args = {"total": 9000, "limit": 5000, "second_role": "General Manager"}
	first = policy.approval_problem(
		first_approver=None, user="m", is_manager=True, holds_second_role=False, **args
	)
	assert first is None
	assert policy.approval_problem(
		first_approver=None, user="u", is_manager=False, holds_second_role=True, **args
	)
	same = policy.approval_problem(
		first_approver="m", user="m", is_manager=True, holds_second_role=True, **args
	)
	assert "another person" in same
	assert "role" in policy.approval_problem(
		first_approver="m", user="x", is_manager=True, holds_second_role=False, **args
	)
	assert (
		policy.approval_problem(
			first_approver="m", user="g", is_manager=False, holds_second_role=True, **args
		)
		is None
	)
	small = dict(args, total=100)
	assert "already" in policy.approval_problem(
		first_approver="m", user="g", is_manager=False, holds_second_role=True, **small
	)
	assert policy.status_after_approval(100, 5000, 1) == policy.APPROVED
	assert policy.status_after_approval(9000, 5000, 1) == policy.AWAITING_SECOND
	assert policy.status_after_approval(9000, 5000, 2) == policy.APPROVED


def test_the_suppliers_answer_per_line():
	assert policy.outcome_problem(None, 100, 0, None) is None
	assert policy.outcome_problem(None, 100, 50, None).fieldname == "outcome"
	assert policy.outcome_problem("Accepted", 100, 100, None) is None
	assert policy.outcome_problem("Accepted", 100, 90, None).fieldname == "accepted_amount"
	assert policy.outcome_problem("Partly Accepted", 100, 40, None) is None
	for bad in (0, 100, 120):
		assert policy.outcome_problem("Partly Accepted", 100, bad, None).fieldname == "accepted_amount"
	assert policy.outcome_problem("Rejected", 100, 0, "not our part") is None
	assert policy.outcome_problem("Rejected", 100, 0, "  ").fieldname == "rejection_reason"
	assert policy.outcome_problem("Rejected", 100, 10, "x").fieldname == "accepted_amount"
	assert policy.accepted_for("Accepted", 100, 0) == 100
	assert policy.accepted_for("Rejected", 100, 30) == 0
	assert policy.accepted_for("Partly Accepted", 100, 30) == 30


def test_a_claim_settles_when_every_line_is_answered():
	assert policy.settled_status(["Accepted", None], 10) is None
	assert policy.settled_status([], 0) is None
	assert policy.settled_status(["Accepted", "Rejected"], 10) == policy.SETTLED
	assert policy.settled_status(["Rejected", "Rejected"], 0) == policy.REJECTED
