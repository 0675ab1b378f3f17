# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

import frappe
from frappe.utils import add_days, getdate

from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
	expiring_contracts_card,
	overdue_visits_card,
	renew,
)
from aftersales_module.aftersales_module.report.renewal_rate import renewal_rate
from aftersales_module.tasks import contracts as sweeps
from aftersales_module.tests.contract_utils import (
	ACCOUNTANT,
	DESK_USER,
	MANAGER,
	delivered_serials,
	make_contract,
	setup_contracts,
)
from aftersales_module.tests.utils import TEST_COMPANY, AfterSalesTestCase, today


class TestRenewalRate(AfterSalesTestCase):
	@classmethod
	def setUpClass(cls):
		super().setUpClass()
		setup_contracts()

	def tearDown(self):
		frappe.set_user("Administrator")

	def test_renewed_over_ending_per_month_and_per_lead(self):
		start = add_days(today(), -350)
		end = getdate(add_days(start, 364))
		renewed = make_contract(delivered_serials(1), start_date=start)
		make_contract(delivered_serials(1), start_date=start)
		make_contract(
			delivered_serials(1),
			start_date=start,
			team=[{"user": DESK_USER, "is_lead": 1}, {"user": MANAGER}],
		)
		successor = frappe.get_doc("Maintenance Contract", renew(renewed.name))
		successor.submit()
		filters = {"company": TEST_COMPANY, "from_date": end, "to_date": end}

		_columns, rows, _message, chart = renewal_rate.execute({**filters, "group_by": "Month"})
		self.assertEqual(
			[(r["value"], r["ending"], r["renewed"], r["renewal_rate"]) for r in rows],
			[(end.strftime("%Y-%m"), 3, 1, 33.3)],
		)
		self.assertEqual(chart["data"]["datasets"][1]["values"], [1])

		_columns, rows, _message, _chart = renewal_rate.execute({**filters, "group_by": "Account Lead"})
		by_lead = {r["value"]: (r["ending"], r["renewed"]) for r in rows}
		self.assertEqual(by_lead, {MANAGER: (2, 1), DESK_USER: (1, 0)})

		with self.assertRaises(frappe.ValidationError):
			renewal_rate.execute({**filters, "group_by": "Colour"})
		with self.assertRaises(frappe.ValidationError):
			renewal_rate.execute({"from_date": end, "to_date": add_days(end, -1)})

		frappe.set_user(ACCOUNTANT)
		self.assertEqual(len(renewal_rate.execute({**filters, "group_by": "Month"})[1]), 1)

	def test_number_cards(self):
		before_expiring = expiring_contracts_card()["value"]
		before_overdue = overdue_visits_card()["value"]
		make_contract(delivered_serials(1), start_date=add_days(today(), -300))
		late = make_contract(delivered_serials(1), start_date=add_days(today(), -200))
		self.assertEqual(expiring_contracts_card()["value"], before_expiring + 1)
		sweeps.mark_overdue_visits(today())
		overdue = frappe.db.count("Maintenance Contract Visit", {"parent": late.name, "status": "Overdue"})
		self.assertEqual(overdue, 1, "the visit ~109 days in was not done")
		self.assertGreaterEqual(overdue_visits_card()["value"], before_overdue + 1)
