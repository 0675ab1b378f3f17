from datetime import date

from aftersales_module.policy import warranty


def test_start_basis():
	delivered, invoiced = date(2026, 3, 1), date(2026, 3, 10)
	assert warranty.start_date("Delivery Date", delivered, invoiced) == delivered
	assert warranty.start_date("Invoice Date", delivered, invoiced) == invoiced
	assert warranty.start_date("Invoice Date", delivered, None) == delivered, "not invoiced yet"


def test_end_date_counts_like_erpnext():
	assert warranty.end_date(date(2026, 1, 1), 365) == date(2027, 1, 1)
	assert warranty.end_date(date(2024, 2, 29), 1) == date(2024, 3, 1)
	assert warranty.status_on(date(2026, 5, 1), date(2026, 5, 1)) == "Active"
	assert warranty.status_on(date(2026, 5, 1), date(2026, 5, 2)) == "Expired"


def test_has_warranty():
	assert warranty.has_warranty("365")
	assert not warranty.has_warranty(None)
	assert not warranty.has_warranty("")
	assert not warranty.has_warranty("0")
	assert not warranty.has_warranty("abc")


def test_coverage():
	end = date(2026, 6, 30)
	assert warranty.coverage(date(2026, 6, 30), end) == "In Warranty", "the last day is covered"
	assert warranty.coverage(date(2026, 7, 1), end) == "Out of Warranty"
	assert warranty.coverage(date(2026, 7, 1), end, date(2026, 12, 31)) == "Under Contract"
	assert warranty.coverage(date(2027, 1, 1), end, date(2026, 12, 31)) == "Out of Warranty"
	assert warranty.coverage(date(2026, 7, 1), None) == "Out of Warranty", "no registration, no cover"


def test_service_class_for_claims():
	assert warranty.service_class_for("In Warranty", False) == "Warranty"
	assert warranty.service_class_for("Under Contract", False) == "Contract"
	assert warranty.service_class_for("Out of Warranty", True) == "Goodwill"
	assert warranty.service_class_for("Out of Warranty", False) == "Paid"


def test_claim_problems():
	assert warranty.claim_problem("In Warranty", "Repair", False, None, None) is None
	assert "resolution" in warranty.claim_problem("In Warranty", None, False, None, None)
	assert "goodwill" in warranty.claim_problem("Out of Warranty", "Repair", False, None, None)
	assert "reason" in warranty.claim_problem("Out of Warranty", "Repair", True, " ", None)
	assert warranty.claim_problem("Out of Warranty", "Repair", True, "Key account", None) is None
	assert "rejecting" in warranty.claim_problem("Out of Warranty", "Rejected", False, None, "")
	assert warranty.claim_problem("Out of Warranty", "Rejected", False, None, "Misuse") is None
