"""Customer grade and loyalty score: five weighted parts, capped, graded by thresholds."""

from aftersales_module.policy import customers as policy
from aftersales_module.policy.customers import Standing

RULES = dict(policy.DEFAULT_RULES)


def test_a_customer_with_nothing_scores_only_for_having_no_complaint():
	assert policy.score(Standing(), RULES) == 10.0
	assert policy.grade(10.0, RULES) == "D"


def test_the_best_customer_scores_100_and_is_a_core_customer():
	best = Standing(
		purchase_value=250000, has_contract=True, return_count=12, average_rating=4, complaint_count=0
	)
	assert policy.score(best, RULES) == 100.0
	assert policy.grade(100.0, RULES) == "A"


def test_each_part_is_capped_and_proportional():
	half = Standing(purchase_value=50000, return_count=3, average_rating=2.5, complaint_count=1)
	# 30*0.5 + 0 + 20*0.5 + 20*0.5 + 10*(1-1/3)
	assert policy.score(half, RULES) == round(15 + 10 + 10 + 10 * (2 / 3), 1)
	assert policy.score(Standing(complaint_count=9), RULES) == 0.0, "complaints never go below 0"


def test_ratings_poor_or_never_rated_count_nothing():
	assert policy.rating_share(0) == 0
	assert policy.rating_share(1) == 0
	assert policy.rating_share(4) == 1
	assert round(policy.rating_share(3), 3) == round(2 / 3, 3)


def test_grades_follow_the_thresholds():
	assert [policy.grade(s, RULES) for s in (80, 79.9, 60, 40, 39.9)] == ["A", "B", "B", "C", "D"]


def test_unset_rules_take_the_defaults():
	assert policy.rules_with_defaults({"grade_weight_purchase": None})["grade_weight_purchase"] == 30.0
	assert policy.score(Standing(), {}) == 10.0


def test_weights_must_add_to_100_and_thresholds_fall():
	assert policy.weights_problem(RULES) is None
	assert policy.weights_problem(dict(RULES, grade_weight_purchase=50)) == "weights"
	assert policy.weights_problem(dict(RULES, grade_b_score=90)) == "thresholds"
