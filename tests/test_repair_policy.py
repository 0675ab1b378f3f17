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


# ---------------------------------------------------------------- issuing parts to the technician's van
VAN = "Van 1 - C"
STORES = "Stores - C"


def test_moves_are_classified_by_purpose_and_van():
	assert repair.classify_move("Material Issue", STORES, None, VAN) == (repair.MOVE_ISSUE, False)
	assert repair.classify_move("Material Issue", STORES, None, None) == (repair.MOVE_ISSUE, False)
	assert repair.classify_move("Material Receipt", None, STORES, VAN) == (repair.MOVE_RETURN, False)
	assert repair.classify_move("Material Transfer", STORES, VAN, VAN) == (repair.MOVE_ISSUE, True)
	assert repair.classify_move("Material Transfer", VAN, STORES, VAN) == (repair.MOVE_RETURN, True)
	assert repair.classify_move("Material Issue", VAN, None, VAN) == (repair.MOVE_CONSUMPTION, True)
	# a transfer that does not touch the van, or without a van set, is no job move
	assert repair.classify_move("Material Transfer", STORES, "Other - C", VAN) == (None, False)
	assert repair.classify_move("Material Transfer", STORES, VAN, None) == (None, False)
	assert repair.classify_move("Material Transfer", VAN, VAN, VAN) == (None, False)
	assert repair.classify_move("Manufacture", STORES, None, VAN) == (None, False)


def test_tally_counts_transfers_as_issued_and_consumption_only_once():
	moves = [
		("Material Transfer", repair.MOVE_ISSUE, 3),
		("Material Transfer", repair.MOVE_RETURN, 1),
		("Material Issue", repair.MOVE_CONSUMPTION, 2),
	]
	assert repair.tally_moves(moves) == {"issued": 3, "returned": 1, "in_van": 0, "consumed": 2}
	# legacy entries without a recorded move count by purpose; direct moves never touch the van
	legacy = [("Material Issue", None, 2), ("Material Receipt", None, 1)]
	assert repair.tally_moves(legacy) == {"issued": 2, "returned": 1, "in_van": 0, "consumed": 0}
	mixed = [("Material Issue", repair.MOVE_ISSUE, 1), ("Material Transfer", repair.MOVE_ISSUE, 2)]
	assert repair.tally_moves(mixed) == {"issued": 3, "returned": 0, "in_van": 2, "consumed": 0}


def test_van_returns_are_capped_at_what_is_in_the_van():
	line = PartLine(requested=3, issued=3, returned=1, in_van=2)
	assert repair.returnable_qty(line, from_van=True) == 2
	assert repair.returnable_qty(line, from_van=False) == 0
	assert repair.return_problem(line, 2, from_van=True) is None
	assert "from the van" in repair.return_problem(line, 3, from_van=True)
	assert "only {3}" in repair.return_problem(line, 1, from_van=False)
	consumed = PartLine(requested=2, issued=2, consumed=2)
	assert repair.returnable_qty(consumed, from_van=True) == 0
	assert repair.returnable_qty(consumed, from_van=False) == 0, "consumed parts never go back"
	assert "used" in repair.return_problem(PartLine(requested=2, issued=2, in_van=2, is_used=True), 1, True)


def test_completed_job_consumes_what_is_in_the_van():
	assert repair.qty_to_consume(PartLine(requested=3, issued=3, returned=1, in_van=2)) == 2
	assert repair.qty_to_consume(PartLine(requested=2, issued=2)) == 0, "direct issues are expensed already"
	line = PartLine(requested=2, issued=2, in_van=2)
	assert repair.consumption_problem(line, 2) is None
	assert "only {3}" in repair.consumption_problem(line, 3)
	assert repair.can_consume_parts("Completed")
	assert not any(repair.can_consume_parts(s) for s in repair.STATUSES if s != "Completed")


def test_consumption_stands_while_the_job_is_finished():
	assert all(repair.can_undo_consumption(s) for s in repair.WORKING_STATUSES)
	for status in ("Completed", "Invoiced", "Closed"):
		assert not repair.can_undo_consumption(status)


def test_an_issue_cannot_be_undone_once_its_parts_came_back_or_were_used():
	van = PartLine(requested=2, issued=2, consumed=2)
	assert repair.undo_issue_problem(van, 2, through_van=True)
	assert repair.undo_issue_problem(PartLine(requested=2, issued=2, in_van=2), 2, True) is None
	direct = PartLine(requested=2, issued=2, returned=1)
	assert repair.undo_issue_problem(direct, 2, through_van=False)
	assert repair.undo_issue_problem(direct, 1, through_van=False) is None
