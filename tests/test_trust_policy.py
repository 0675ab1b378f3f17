"""The policy behind the trust rules: who moves a repair job, when who-pays is settled, lowering a
complaint's severity, a second approver, backdated claims, hand-made registrations, webhook hosts."""

from datetime import date

import pytest

from aftersales_module.policy import complaint, repair, settings, warranty


@pytest.mark.parametrize(
	("current", "new", "technician_only", "has_technicians", "refused"),
	[
		("Dispatched", "In Progress", True, True, False),
		("In Progress", "Completed", True, True, False),
		("Dispatched", "Closed", True, True, True),  # closing is the desk's
		("Dispatched", "Open", True, True, True),  # so is sending it back
		("Dispatched", "Closed", False, True, False),
		("Open", "Closed", False, False, False),
		("Open", "Dispatched", False, False, True),  # nobody to dispatch to
		("Open", "Completed", False, True, True),  # not a move at all
		("Invoiced", "Completed", False, True, True),  # only the invoice's cancel does that
		("Open", "Nonsense", False, True, True),
	],
)
def test_repair_job_moves(current, new, technician_only, has_technicians, refused):
	problem = repair.move_problem(current, new, technician_only, has_technicians)
	assert (problem is not None) == refused
	if problem:
		assert "{0}" in problem, "the message names the job"


def test_who_pays_is_settled_after_dispatch_parts_or_invoice():
	assert not repair.service_class_locked("Open", parts_moved=False, invoiced=False)
	assert repair.service_class_locked("Dispatched", parts_moved=False, invoiced=False)
	assert repair.service_class_locked("Open", parts_moved=True, invoiced=False)
	assert repair.service_class_locked("Open", parts_moved=False, invoiced=True)


def test_lower_severity_and_second_person():
	assert complaint.is_lower_severity("Major", "General")
	assert complaint.is_lower_severity("Written", "General")
	assert not complaint.is_lower_severity("General", "Major")
	assert not complaint.is_lower_severity("Major", "Major")
	assert not complaint.is_lower_severity(None, "General")
	assert complaint.is_second_person("b@x", {"a@x", None})
	assert not complaint.is_second_person("a@x", {"a@x", "c@x"})


def test_claim_date_cannot_buy_coverage():
	today = date(2026, 11, 27)
	assert warranty.claim_date_problem(today, today, may_backdate=False) is None
	assert "future" in warranty.claim_date_problem(date(2026, 11, 28), today, may_backdate=True)
	assert "After Sales Manager" in warranty.claim_date_problem(date(2026, 11, 1), today, may_backdate=False)
	assert warranty.claim_date_problem(date(2026, 11, 1), today, may_backdate=True) is None


def test_hand_made_registration_days():
	start, end = date(2025, 1, 1), date(2026, 1, 1)
	assert warranty.registration_days(730, 365, start, end) == 730  # as entered
	assert warranty.registration_days(None, 365, start, end) == 365  # from the dates
	assert warranty.registration_days(None, 180, start, None) == 180  # from the item
	assert warranty.registration_days(None, None, start, date(2024, 1, 1)) is None  # end before start
	assert warranty.registration_days(0, 0, start, None) is None


@pytest.mark.parametrize(
	("url", "allowed", "addresses", "ok"),
	[
		("https://hooks.example.com/x", "", ["93.184.215.14"], True),
		("http://hooks.example.com/x", "", ["93.184.215.14"], False),  # plain http
		("https://hooks.example.com/x", "", [], False),  # does not resolve
		("https://internal.example.com/x", "", ["10.0.0.5"], False),  # private
		("https://x.example.com/x", "", ["127.0.0.1"], False),  # loopback
		("https://x.example.com/x", "", ["169.254.169.254"], False),  # link-local (cloud metadata)
		("https://x.example.com/x", "", ["93.184.215.14", "192.168.1.1"], False),  # any private one
		("https://x.example.com/x", "", ["::1"], False),
		("http://127.0.0.1:9000/hook", "127.0.0.1", [], True),  # a System Manager allowed it
		("http://Hooks.Internal/x", "hooks.internal, other", [], True),
	],
)
def test_webhook_destinations(url, allowed, addresses, ok):
	problem = settings.webhook_host_problem(url, settings.allowed_hosts(allowed), addresses)
	assert (problem is None) == ok
