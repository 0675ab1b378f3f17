from datetime import date, datetime, timedelta
from itertools import pairwise

from aftersales_module.policy.complaint import (
	AGE_BUCKETS,
	GROUP_COMPLAINT_HOUSEHOLDS,
	SEVERITIES,
	age_bucket,
	check_dates,
	concealment_rate,
	effective_severity,
	is_overdue,
	is_within_repeat_window,
	matches,
	missing_classification,
	pick_policy,
	raise_severity,
	shares_and_ranks,
)
from aftersales_module.policy.messages import Problem

NOW = datetime(2026, 3, 10, 12, 0)


def fields(problems):
	return [p.fieldname for p in problems]


# severity ---------------------------------------------------------------------------------------


def test_severities_ascend():
	assert SEVERITIES == ("General", "Written", "Major")
	assert GROUP_COMPLAINT_HOUSEHOLDS == 3


def test_raise_severity_one_step_capped_at_major():
	assert raise_severity("General") == "Written"
	assert raise_severity("Written") == "Major"
	assert raise_severity("Major") == "Major"


def test_raise_severity_of_empty_counts_from_general():
	assert raise_severity("") == "Written"
	assert raise_severity(None) == "Written"


def test_raise_severity_leaves_unknown_values_for_the_option_check():
	assert raise_severity("Critical") == "Critical"
	assert raise_severity("major") == "major"


def test_group_complaint_is_major():
	assert effective_severity("General", 3) == "Major"
	assert effective_severity("Written", 120) == "Major"
	assert effective_severity("", 3) == "Major"
	assert effective_severity(None, 5) == "Major"


def test_fewer_households_keep_the_severity():
	assert effective_severity("General", 2) == "General"
	assert effective_severity("Written", 1) == "Written"
	assert effective_severity("Written", 0) == "Written"
	assert effective_severity("Written", None) == "Written"
	# never lowered
	assert effective_severity("Major", 1) == "Major"
	assert effective_severity("Major", None) == "Major"
	# empty counts as General
	assert effective_severity("", None) == "General"
	assert effective_severity(None, 2) == "General"


# repeat window ------------------------------------------------------------------------------------


def test_repeat_window_bounds_are_inclusive():
	earlier = datetime(2026, 1, 1, 9, 0)
	assert is_within_repeat_window(earlier, earlier, 90) is True
	assert is_within_repeat_window(earlier, earlier + timedelta(days=90), 90) is True
	assert is_within_repeat_window(earlier, earlier + timedelta(days=90, seconds=1), 90) is False
	assert is_within_repeat_window(earlier, earlier + timedelta(days=30), 90) is True


def test_repeat_window_does_not_look_forward():
	earlier = datetime(2026, 1, 1, 9, 0)
	assert is_within_repeat_window(earlier, earlier - timedelta(seconds=1), 90) is False
	assert is_within_repeat_window(earlier + timedelta(days=1), earlier, 90) is False


def test_repeat_window_of_zero_days_is_the_same_instant_only():
	earlier = datetime(2026, 1, 1, 9, 0)
	assert is_within_repeat_window(earlier, earlier, 0) is True
	assert is_within_repeat_window(earlier, earlier + timedelta(minutes=1), 0) is False


# dates ----------------------------------------------------------------------------------------------


def test_good_dates_have_no_problems():
	registered = datetime(2026, 3, 1, 10, 0)
	assert check_dates(registered, registered + timedelta(days=15), date(2026, 3, 5), NOW) == []
	assert check_dates(registered, None, None, NOW) == []
	# the same instant and the same day are allowed
	assert check_dates(registered, registered, date(2026, 3, 1), NOW) == []


def test_deadline_before_registration():
	registered = datetime(2026, 3, 1, 10, 0, 0, 123456)
	problems = check_dates(registered, registered - timedelta(minutes=1), None, NOW)
	assert problems == [
		Problem(
			"deadline",
			"{0} cannot be before the complaint was registered ({1})",
			(datetime(2026, 3, 1, 10, 0),),
		)
	]
	assert problems[0].message.format("Deadline", *problems[0].args) == (
		"Deadline cannot be before the complaint was registered (2026-03-01 10:00:00)"
	)


def test_next_reply_date_before_the_registration_day():
	registered = datetime(2026, 3, 1, 10, 0)
	problems = check_dates(registered, None, date(2026, 2, 28), NOW)
	assert problems == [
		Problem(
			"next_reply_date",
			"{0} cannot be before the day the complaint was registered ({1})",
			(date(2026, 3, 1),),
		)
	]


def test_registration_in_the_future():
	# up to an hour ahead is clock difference
	assert check_dates(NOW + timedelta(hours=1), None, None, NOW) == []
	problems = check_dates(NOW + timedelta(hours=1, seconds=1), None, None, NOW)
	assert problems == [
		Problem("registered_on", "{0} cannot be in the future: {1}", (datetime(2026, 3, 10, 13, 0, 1),))
	]


def test_all_date_problems_together():
	registered = NOW + timedelta(days=2)
	problems = check_dates(registered, NOW, date(2026, 3, 10), NOW)
	assert fields(problems) == ["deadline", "next_reply_date", "registered_on"]


def test_missing_registration_is_not_checked_here():
	assert check_dates(None, NOW, date(2020, 1, 1), NOW) == []


# classification -------------------------------------------------------------------------------------


def test_complete_classification():
	values = {"complaint_type": "Service", "severity": "General", "validity": "Valid"}
	assert missing_classification(values) == []
	values = {
		"complaint_type": "Product Quality",
		"quality_sub_type": "Product Fault",
		"severity": "Major",
		"validity": "Assisted",
	}
	assert missing_classification(values) == []
	assert missing_classification(dict(values, validity="Invalid")) == []


def test_nothing_classified():
	assert missing_classification({}) == ["complaint_type", "severity", "validity"]
	blank = {"complaint_type": "", "severity": None, "validity": "Pending", "quality_sub_type": ""}
	assert missing_classification(blank) == ["complaint_type", "severity", "validity"]


def test_pending_validity_is_missing():
	values = {"complaint_type": "Service", "severity": "General", "validity": "Pending"}
	assert missing_classification(values) == ["validity"]


def test_whitespace_is_missing():
	values = {"complaint_type": "  ", "severity": "General", "validity": "Valid"}
	assert missing_classification(values) == ["complaint_type"]


def test_product_quality_needs_a_sub_type():
	values = {"complaint_type": "Product Quality", "severity": "General", "validity": "Valid"}
	assert missing_classification(values) == ["quality_sub_type"]
	assert missing_classification(dict(values, quality_sub_type="", validity="Pending")) == [
		"quality_sub_type",
		"validity",
	]
	# other types do not
	assert missing_classification(dict(values, complaint_type="Suggestion")) == []


# overdue ----------------------------------------------------------------------------------------------


def test_overdue():
	assert is_overdue(NOW - timedelta(seconds=1), NOW, True) is True
	assert is_overdue(NOW - timedelta(days=30), NOW, True) is True


def test_not_overdue():
	assert is_overdue(NOW, NOW, True) is False  # due this instant is not yet late
	assert is_overdue(NOW + timedelta(days=1), NOW, True) is False
	assert is_overdue(None, NOW, True) is False
	assert is_overdue(NOW - timedelta(days=30), NOW, False) is False
	assert is_overdue(NOW - timedelta(days=30), NOW, 0) is False


# policy matching ----------------------------------------------------------------------------------


CASE = {
	"complaint_type": "Product Quality",
	"severity": "Major",
	"complaint_category": "Repair",
	"customer_group": "Commercial",
	"territory": "China",
}


def policy(name, priority=0, enabled=1, **conditions):
	return {"name": name, "enabled": enabled, "priority": priority, **conditions}


def test_matches():
	assert matches({}, CASE) is True
	assert matches({"severity": "Major"}, CASE) is True
	assert matches({"severity": "Major", "territory": "China"}, CASE) is True
	assert matches({"severity": "General"}, CASE) is False
	assert matches({"severity": "Major", "territory": "India"}, CASE) is False
	# empty conditions match anything
	assert matches({"severity": None, "territory": "", "complaint_type": "  "}, CASE) is True
	# a condition on a value the case lacks does not match
	assert matches({"customer_group": "Retail"}, {"severity": "Major"}) is False
	assert matches({"customer_group": "Retail"}, {"customer_group": None}) is False


def test_matches_a_set_of_case_values():
	# the caller passes a customer group with the groups above it, so parent-group conditions match
	case = dict(CASE, customer_group=frozenset({"Commercial", "All Customer Groups"}))
	assert matches({"customer_group": "Commercial"}, case) is True
	assert matches({"customer_group": "All Customer Groups"}, case) is True
	assert matches({"customer_group": "Retail"}, case) is False
	assert matches({"customer_group": "Retail"}, dict(CASE, customer_group=frozenset())) is False
	assert matches({"customer_group": ""}, dict(CASE, customer_group=frozenset())) is True
	policies = [
		policy("Parent", customer_group="All Customer Groups"),
		policy("Retail", customer_group="Retail"),
	]
	assert pick_policy(policies, case)["name"] == "Parent"


def test_pick_policy_none():
	assert pick_policy([], CASE) is None
	assert pick_policy([policy("Minor", severity="General")], CASE) is None
	assert pick_policy([policy("Off", enabled=0)], CASE) is None


def test_pick_policy_most_specific_wins():
	policies = [
		policy("Standard", priority=10),
		policy("Major", severity="Major"),
		policy("Major Repair", severity="Major", complaint_category="Repair"),
		policy("Major Retail", priority=99, severity="Major", customer_group="Retail"),
	]
	assert pick_policy(policies, CASE)["name"] == "Major Repair"
	assert pick_policy(policies, dict(CASE, complaint_category="Hygiene"))["name"] == "Major"
	assert pick_policy(policies, dict(CASE, severity="General"))["name"] == "Standard"


def test_pick_policy_priority_then_name():
	policies = [
		policy("B", priority=1, severity="Major"),
		policy("A", priority=1, territory="China"),
		policy("C", priority=5, complaint_type="Product Quality"),
	]
	assert pick_policy(policies, CASE)["name"] == "C"
	assert pick_policy(policies[:2], CASE)["name"] == "A"
	assert pick_policy(list(reversed(policies[:2])), CASE)["name"] == "A"
	# an unset priority counts as 0
	assert pick_policy([policy("Z", priority=None), policy("Y", priority=-1)], CASE)["name"] == "Z"


def test_pick_policy_skips_disabled():
	policies = [policy("Specific", enabled=0, severity="Major"), policy("General")]
	assert pick_policy(policies, CASE)["name"] == "General"


def test_pick_policy_returns_the_policy_itself():
	chosen = policy("Only", severity="Major")
	assert pick_policy([chosen], CASE) is chosen


# statistics ---------------------------------------------------------------------------------------


def test_age_bucket_bounds():
	assert [label for _low, _high, label in AGE_BUCKETS] == [
		"0-2 days",
		"3-5 days",
		"6-10 days",
		"11-15 days",
		"Over 15 days",
	]
	expected = {
		0: "0-2 days",
		2: "0-2 days",
		3: "3-5 days",
		5: "3-5 days",
		6: "6-10 days",
		10: "6-10 days",
		11: "11-15 days",
		15: "11-15 days",
		16: "Over 15 days",
		400: "Over 15 days",
		-1: "0-2 days",
	}
	for age, label in expected.items():
		assert age_bucket(age) == label, age


def test_age_buckets_are_contiguous():
	for (_low, high, _label), (next_low, _next_high, _next_label) in pairwise(AGE_BUCKETS):
		assert next_low == high + 1
	assert AGE_BUCKETS[0][0] == 0
	assert AGE_BUCKETS[-1][1] is None


def test_shares_and_ranks():
	counts = [("Service", 2), ("Repair", 5), ("Hygiene", 2), ("Billing", 1)]
	assert shares_and_ranks(counts) == [
		("Repair", 5, 50.0, 1),
		("Hygiene", 2, 20.0, 2),
		("Service", 2, 20.0, 2),
		("Billing", 1, 10.0, 4),
	]


def test_shares_round_to_two_decimals():
	assert shares_and_ranks([("a", 1), ("b", 1), ("c", 1)]) == [
		("a", 1, 33.33, 1),
		("b", 1, 33.33, 1),
		("c", 1, 33.33, 1),
	]
	assert shares_and_ranks([("a", 2), ("b", 1)]) == [("a", 2, 66.67, 1), ("b", 1, 33.33, 2)]


def test_shares_and_ranks_empty_and_zero():
	assert shares_and_ranks([]) == []
	assert shares_and_ranks([("b", 0), ("a", 0)]) == [("a", 0, 0.0, 1), ("b", 0, 0.0, 1)]
	assert shares_and_ranks([("a", 3), ("b", 0)]) == [("a", 3, 100.0, 1), ("b", 0, 0.0, 2)]


def test_shares_and_ranks_with_an_unset_key():
	assert shares_and_ranks([("Repair", 1), ("", 3)]) == [("", 3, 75.0, 1), ("Repair", 1, 25.0, 2)]


def test_concealment_rate():
	assert concealment_rate(0, 0) == 0.0
	assert concealment_rate(4, 0) == 0.0
	assert concealment_rate(4, 1) == 25.0
	assert concealment_rate(4, 4) == 100.0
	assert concealment_rate(3, 2) == 66.67
	assert concealment_rate(None, 3) == 0.0
