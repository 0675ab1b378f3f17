from aftersales_module.policy import repair
from aftersales_module.policy.repair import PartLine


def test_status_moves():
	assert repair.can_move("Open", "Dispatched")
	assert repair.can_move("In Progress", "Completed")
	assert not repair.can_move("Open", "Completed"), "a job is dispatched and worked before completion"
	assert not repair.can_move("Completed", "Invoiced"), "only the Sales Invoice makes a job Invoiced"
	assert not repair.can_move("Closed", "Open")


def test_parts_move_only_against_working_jobs():
	for status in ("Open", "Dispatched", "In Progress", "Awaiting Parts"):
		assert repair.can_issue_parts(status)
	for status in ("Completed", "Invoiced", "Closed"):
		assert not repair.can_issue_parts(status)
	assert repair.can_return_parts("Completed")
	assert not repair.can_return_parts("Closed")
	assert not repair.can_return_parts("Invoiced")


def test_who_pays():
	assert not repair.company_bears_cost("Paid")
	for service_class in ("Warranty", "Contract", "Goodwill"):
		assert repair.company_bears_cost(service_class)
	assert repair.can_invoice("Paid", "Completed")
	assert not repair.can_invoice("Paid", "In Progress")
	assert not repair.can_invoice("Warranty", "Completed")
	assert not repair.can_invoice("Contract", "Completed")


def test_issue_cap_counts_returns():
	line = PartLine(requested=3, issued=2, returned=1)
	assert repair.unissued_qty(line) == 2
	assert not repair.issue_exceeds_request(line, 2)
	assert repair.issue_exceeds_request(line, 2.5)
	assert repair.unissued_qty(PartLine(requested=1, issued=3)) == 0


def test_return_cap_and_used_parts():
	line = PartLine(requested=3, issued=3, returned=1)
	assert repair.return_problem(line, 2) is None
	assert "only {3}" in repair.return_problem(line, 3)
	used = PartLine(requested=3, issued=3, is_used=True)
	assert "used" in repair.return_problem(used, 1)


def test_price_and_cost():
	parts = [(2, 130.0), (1, 560.0)]
	labour = [(1.5, 150.0)]
	assert repair.job_price("Paid", parts, labour) == 1045.0
	assert repair.job_price("Warranty", parts, labour) == 0.0
	assert repair.job_cost(640.0, labour) == 865.0
	assert repair.job_cost(None, []) == 0.0
	assert repair.chargeable_part_qty(PartLine(requested=2, issued=2, returned=1)) == 1


def test_discount_approval_threshold():
	assert repair.discount_percent(1000, 900) == 10
	assert repair.discount_percent(0, 0) == 0
	assert not repair.discount_needs_approval(1000, 900, 10), "exactly 10% is within an SA's limit"
	assert repair.discount_needs_approval(1000, 899, 10)
	assert repair.discount_needs_approval(1000, 940, 5)
	assert repair.discount_needs_approval(1000, 880, None), "default threshold is 10%"
	assert not repair.discount_needs_approval(1000, 1100, 10), "a surcharge is no discount"


def test_parts_moves_are_frozen_once_invoiced_or_closed():
	assert repair.can_undo_parts_move("Completed")
	assert not repair.can_undo_parts_move("Invoiced")
	assert not repair.can_undo_parts_move("Closed")
