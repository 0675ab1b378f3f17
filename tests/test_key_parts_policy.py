from datetime import date

import pytest

from aftersales_module.policy import key_parts


def test_month_keys_and_bounds():
	assert key_parts.month_key(date(2026, 3, 9)) == "2026-03"
	assert key_parts.month_start(date(2026, 3, 31)) == date(2026, 3, 1)
	assert key_parts.month_end(date(2026, 2, 10)) == date(2026, 2, 28)
	assert key_parts.month_end(date(2028, 2, 1)) == date(2028, 2, 29), "leap year"
	assert key_parts.month_end(date(2026, 12, 31)) == date(2026, 12, 31)
	assert key_parts.previous_month(date(2026, 1, 15)) == date(2025, 12, 1)
	assert key_parts.previous_month(date(2026, 3, 31)) == date(2026, 2, 1)


def test_months_between_covers_whole_months_both_ends_included():
	assert key_parts.months_between(date(2025, 11, 18), date(2026, 2, 3)) == [
		date(2025, 11, 1),
		date(2025, 12, 1),
		date(2026, 1, 1),
		date(2026, 2, 1),
	]
	assert key_parts.months_between(date(2026, 5, 31), date(2026, 5, 1)) == [date(2026, 5, 1)]
	assert key_parts.months_between(date(2026, 6, 1), date(2026, 5, 31)) == []


def test_the_sweep_looks_at_last_month_and_this_one():
	assert key_parts.months_to_evaluate(date(2026, 1, 1)) == [date(2025, 12, 1), date(2026, 1, 1)]


def test_failed_quantity_is_what_left_stock_and_stayed_out():
	assert key_parts.failure_qty(3, 1) == 2
	assert key_parts.failure_qty(1, 1) == 0
	assert key_parts.failure_qty(0, 2) == 0, "never negative"
	assert key_parts.failure_qty(None, None) == 0


def test_rate_is_failures_per_hundred_units_in_the_field():
	assert key_parts.failure_rate(3, 40) == 7.5
	assert key_parts.failure_rate(1, 3) == 33.33
	assert key_parts.failure_rate(0, 10) == 0
	assert key_parts.failure_rate(2, 0) is None, "no unit in the field: no rate"
	assert key_parts.failure_rate(2, None) is None


@pytest.mark.parametrize(
	"rate, threshold, over",
	[
		(7.5, 5, True),
		(5.0, 5, False),  # at the threshold is not above it
		(4.99, 5, False),
		(50, 0, False),  # no threshold set: watched in the report only
		(50, None, False),
		(None, 5, False),  # no rate without units in the field
		(0.01, 0.001, True),
	],
)
def test_over_threshold_is_strictly_above_a_set_threshold(rate, threshold, over):
	assert key_parts.over_threshold(rate, threshold) is over


def test_non_conformance_key_is_one_per_company_part_and_month():
	key = key_parts.non_conformance_key("Wind Power LLC", "AS-SP-CAP35", "2026-11")
	assert key == key_parts.non_conformance_key("Wind Power LLC", "AS-SP-CAP35", "2026-11")
	assert key.startswith("2026-11:")
	assert len(key) <= 140
	others = {
		key_parts.non_conformance_key("Wind Power LLC", "AS-SP-CAP35", "2026-10"),
		key_parts.non_conformance_key("Other Co", "AS-SP-CAP35", "2026-11"),
		key_parts.non_conformance_key("Wind Power LLC", "AS-SP-SEAL", "2026-11"),
		# the separator keeps company and item apart
		key_parts.non_conformance_key("Wind Power LLCA", "S-SP-CAP35", "2026-11"),
	}
	assert key not in others and len(others) == 4
	long_key = key_parts.non_conformance_key("C" * 140, "I" * 140, "2026-11")
	assert len(long_key) <= 140
