"""Customer grade and loyalty (requirements §1.7: 004/2, 004/8 grade and core customers; 000/4
"回厂次数、客户的品质": loyalty from how often the customer comes back and how they rate us).

The score is 0-100, the sum of five parts, each the weight of its rule in After Sales Settings
times how far the customer gets on it, capped at 1:
- purchase value over the last year, against the value that earns the full weight;
- holding an active maintenance contract (all or nothing);
- coming back: repair jobs over the last year, against the count that earns the full weight;
- ratings: the average return-visit rating over the last year, Poor (1) 0 … Excellent (4) 1;
- complaints: the full weight less a share per complaint over the last year.
The grade follows the score by the settings' thresholds; grade A customers are the core customers.
The daily sweep computes the same sum in SQL; this module is the rule it follows."""

from dataclasses import dataclass

GRADES = ("A", "B", "C", "D")

# Defaults for a site whose settings never held them (the settings' JSON defaults are the same).
DEFAULT_RULES = {
	"grade_weight_purchase": 30.0,
	"grade_full_purchase_value": 100000.0,
	"grade_weight_contract": 20.0,
	"grade_weight_returns": 20.0,
	"grade_full_return_count": 6,
	"grade_weight_ratings": 20.0,
	"grade_weight_complaints": 10.0,
	"grade_complaints_to_zero": 3,
	"grade_a_score": 80.0,
	"grade_b_score": 60.0,
	"grade_c_score": 40.0,
}


@dataclass(frozen=True)
class Standing:
	"""What the last year says of a customer."""

	purchase_value: float = 0.0
	has_contract: bool = False
	return_count: int = 0
	average_rating: float = 0.0  # 0 when never rated, else 1 (Poor) … 4 (Excellent)
	complaint_count: int = 0


def rules_with_defaults(values: dict) -> dict:
	"""The grading rules from `values` (the settings), a default where one was never stored."""
	return {
		key: default if values.get(key) in (None, "") else values.get(key)
		for key, default in DEFAULT_RULES.items()
	}


def _share(value: float, full: float) -> float:
	if full is None or full <= 0:
		return 0.0
	return max(0.0, min(1.0, float(value or 0) / float(full)))


def rating_share(average_rating: float) -> float:
	"""Poor (1) and never rated count 0, Excellent (4) counts 1."""
	if not average_rating or average_rating <= 1:
		return 0.0
	return min(1.0, (float(average_rating) - 1.0) / 3.0)


def complaint_share(count: int, to_zero: int) -> float:
	"""No complaint earns the full weight; `to_zero` complaints or more earn none."""
	if not to_zero or to_zero <= 0:
		return 1.0 if not count else 0.0
	return max(0.0, 1.0 - float(count or 0) / float(to_zero))


def score(standing: Standing, rules: dict) -> float:
	"""The loyalty score 0-100 (rounded to 1 decimal) by the settings' rules."""
	r = rules_with_defaults(rules)
	total = (
		float(r["grade_weight_purchase"]) * _share(standing.purchase_value, r["grade_full_purchase_value"])
		+ float(r["grade_weight_contract"]) * (1.0 if standing.has_contract else 0.0)
		+ float(r["grade_weight_returns"]) * _share(standing.return_count, r["grade_full_return_count"])
		+ float(r["grade_weight_ratings"]) * rating_share(standing.average_rating)
		+ float(r["grade_weight_complaints"])
		* complaint_share(standing.complaint_count, int(r["grade_complaints_to_zero"]))
	)
	return round(max(0.0, min(100.0, total)), 1)


def grade(value: float, rules: dict) -> str:
	r = rules_with_defaults(rules)
	if value >= float(r["grade_a_score"]):
		return "A"
	if value >= float(r["grade_b_score"]):
		return "B"
	if value >= float(r["grade_c_score"]):
		return "C"
	return "D"


def weights_problem(rules: dict) -> str | None:
	"""The weights must add up to 100 and the thresholds fall from A to C."""
	r = rules_with_defaults(rules)
	weights = sum(
		float(r[key])
		for key in (
			"grade_weight_purchase",
			"grade_weight_contract",
			"grade_weight_returns",
			"grade_weight_ratings",
			"grade_weight_complaints",
		)
	)
	if round(weights, 2) != 100:
		return "weights"
	if not float(r["grade_a_score"]) > float(r["grade_b_score"]) > float(r["grade_c_score"]) >= 0:
		return "thresholds"
	return None
