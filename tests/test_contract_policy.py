from datetime import date, datetime, timedelta

import pytest

from aftersales_module.policy import contract as c
from aftersales_module.policy.escalation import Calendar

START, END = date(2026, 1, 1), date(2026, 12, 31)


def test_status_across_dates():
	assert c.status_on(START, END, date(2025, 12, 1), 30) == c.ACTIVE, "signed, not started yet"
	assert c.status_on(START, END, date(2026, 6, 1), 30) == c.ACTIVE
	assert c.status_on(START, END, date(2026, 12, 1), 30) == c.EXPIRING, "30 days before the end"
	assert c.status_on(START, END, date(2026, 11, 30), 30) == c.ACTIVE, "31 days before"
	assert c.status_on(START, END, END, 30) == c.EXPIRING, "the last day is covered"
	assert c.status_on(START, END, date(2027, 1, 1), 30) == c.EXPIRED
	assert c.status_on(START, END, date(2026, 6, 1), 30, renewed=True) == c.RENEWED
	assert c.status_on(START, END, date(2027, 6, 1), 30, renewed=True, cancelled=True) == c.CANCELLED
	assert c.status_on(START, END, date(2026, 6, 1), 30, submitted=False) == c.DRAFT


def test_dates_and_overlap():
	assert c.date_problems(END, START)[0].fieldname == "end_date"
	assert not c.date_problems(START, START), "a one-day contract is fine"
	assert c.date_problems(START, date(2036, 6, 1)), "ten years at most"
	assert not c.date_problems(START, date(2035, 12, 31))
	assert c.overlaps(START, END, END, END + timedelta(days=5))
	assert not c.overlaps(START, END, END + timedelta(days=1), END + timedelta(days=5))


def test_visit_schedule_two_a_year():
	dates = c.visit_schedule(START, END, 2)
	assert dates == [date(2026, 4, 2), date(2026, 10, 1)]
	assert c.visit_schedule(START, END, 12)[0] == date(2026, 1, 16)
	assert len(c.visit_schedule(START, END, 12)) == 12
	assert all(START <= d <= END for d in c.visit_schedule(START, END, 12))
	assert c.visit_schedule(START, date(2026, 3, 31), 2) == [date(2026, 2, 15)], "pro rata, at least one"
	assert c.visit_schedule(START, END, 0) == []


def test_visit_problems():
	assert c.visit_problems(c.INSPECTION_ONLY, 0)
	assert not c.visit_problems(c.INSPECTION_ONLY, 2)
	assert not c.visit_problems(c.FULL_SERVICE, 0)
	assert c.visit_problems(c.FULL_SERVICE, -1)
	assert c.visit_problems(c.FULL_SERVICE, 367)
	assert not c.visit_problems(c.FULL_SERVICE, 366)
	assert c.amount_problems(-1)
	assert not c.amount_problems(0)
	assert c.team_problems(0, 2) and c.team_problems(2, 2) and c.team_problems(0, 0)
	assert not c.team_problems(1, 3)


def test_inspection_job_lead_and_overdue():
	planned = date(2026, 4, 2)
	assert not c.inspection_job_due(planned, date(2026, 3, 25), 7)
	assert c.inspection_job_due(planned, date(2026, 3, 26), 7)
	assert c.inspection_job_due(planned, date(2026, 5, 1), 7), "late is still due"
	assert c.visit_overdue(planned, date(2026, 4, 3), c.DUE)
	assert not c.visit_overdue(planned, planned, c.DUE)
	assert not c.visit_overdue(planned, date(2026, 4, 3), c.DONE)


def cover(name, start=START, end=END, status=c.ACTIVE, serial=None, item="PUMP", customer="A"):
	return c.Cover(name, customer, start, end, status, item, serial)


def test_active_contract_by_serial_then_item():
	rows = [
		cover("old", end=date(2025, 12, 31), start=date(2025, 1, 1), serial="S1", status=c.RENEWED),
		cover("new", serial="S1"),
		cover("items", serial=None),
		cover("other-customer-items", customer="B"),
		cover("cancelled", serial="S2", status=c.CANCELLED),
	]
	assert c.active_contract(rows, date(2026, 3, 1), "S1", "PUMP", "A").contract == "new"
	assert c.active_contract(rows, date(2025, 3, 1), "S1", "PUMP", "A").contract == "old", (
		"renewed still covers"
	)
	assert c.active_contract(rows, date(2026, 3, 1), "S9", "PUMP", "A").contract == "items"
	assert c.active_contract(rows, date(2026, 3, 1), "S2", "PUMP", "C") is None, "cancelled never covers"
	assert c.active_contract(rows, date(2027, 1, 1), "S1", "PUMP", "A") is None, "after the end"
	assert c.active_contract(rows, date(2026, 3, 1), None, "PUMP", "B").contract == "other-customer-items"


def test_what_a_contract_charges():
	parts, labour = [(2, 50.0)], [(1.5, 80.0)]
	assert c.covered_job_price(c.FULL_SERVICE, c.REPAIR, parts, labour) == 0
	assert c.covered_job_price(c.PARTS_ONLY, c.REPAIR, parts, labour) == 120.0, "labour is invoiced"
	assert c.covered_job_price(c.LABOUR_ONLY, c.REPAIR, parts, labour) == 100.0, "parts are invoiced"
	assert c.covered_job_price(c.INSPECTION_ONLY, c.INSPECTION, parts, labour) == 0
	assert c.covered_job_price(c.INSPECTION_ONLY, c.REPAIR, parts, labour) == 220.0
	with pytest.raises(ValueError):
		c.charges("Everything")


def test_billing_periods():
	monthly = c.billing_periods(date(2026, 1, 31), date(2026, 4, 15), c.MONTHLY)
	assert [p.start for p in monthly] == [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)]
	assert monthly[0].end == date(2026, 2, 27) and monthly[-1].end == date(2026, 4, 15)
	assert len(c.billing_periods(START, END, c.QUARTERLY)) == 4
	assert c.billing_periods(START, END, c.ONE_OFF) == [c.Period(START, END)]
	assert c.billing_periods(START, END, c.YEARLY) == [c.Period(START, END)]
	due = c.periods_due(START, END, c.QUARTERLY, date(2026, 4, 1))
	assert [p.start for p in due] == [START, date(2026, 4, 1)]
	assert c.periods_due(START, END, c.QUARTERLY, date(2026, 4, 1), {START, date(2026, 4, 1)}) == []
	assert c.periods_due(START, END, c.MONTHLY, date(2025, 12, 31)) == [], "nothing before the start"
	assert c.planned_amount(START, END, c.QUARTERLY, 250) == 1000
	with pytest.raises(ValueError):
		c.billing_periods(START, END, "Weekly")


def test_lead_days():
	assert c.parse_lead_days("30, 90") == (90, 30)
	assert c.parse_lead_days("") == (90, 30)
	assert c.parse_lead_days("30,30") == (30,)
	for bad in ("abc", "0", "400", "-5", ","):
		with pytest.raises(ValueError):
			c.parse_lead_days(bad)


def test_reminders_fire_once_per_lead_over_a_range_of_days():
	leads, sent, fired = (90, 30), set(), []
	for offset in range(-120, 10):
		today = END + timedelta(days=offset)
		lead = c.reminder_due(END, today, leads, frozenset(sent))
		if lead:
			fired.append((today, lead))
			sent.add(lead)
	assert fired == [(END - timedelta(days=90), 90), (END - timedelta(days=30), 30)]


def test_late_contract_gets_only_the_nearest_reminder():
	assert c.reminder_due(END, END - timedelta(days=20), (90, 30), frozenset()) == 30
	assert c.reminder_due(END, END - timedelta(days=20), (90, 30), {30}) is None
	assert c.reminder_due(END, END + timedelta(days=1), (90, 30), frozenset()) is None


def test_sla_deadlines():
	friday = datetime(2026, 11, 27, 16, 0)  # a Friday
	response, resolution = c.sla_deadlines(friday, 4, 24, True, Calendar(working_days_only=True))
	assert response == datetime(2026, 11, 27, 20, 0) and resolution == datetime(2026, 11, 28, 16, 0)
	response, resolution = c.sla_deadlines(friday, 10, 24, False, Calendar(working_days_only=True))
	assert response == datetime(2026, 11, 30, 2, 0), "the weekend does not count"
	assert resolution == datetime(2026, 11, 30, 16, 0)
	assert c.sla_deadlines(friday, None, 0, False, Calendar()) == (None, None)


def test_renewal_dates():
	assert c.renewal_dates(START, END) == (date(2027, 1, 1), date(2027, 12, 31))
