"""Helpers for the maintenance-contract tests: real delivered units, users with one role, and a
contract built from a few overrides."""

import frappe
from frappe.utils import add_days

from aftersales_module.tests.utils import (
	CUSTOMER,
	SERIAL_ITEM,
	SERVICE_ITEM,
	TEST_COMPANY,
	make_customer,
	make_delivery_note,
	make_item,
	make_user,
	receive_serial_units,
	set_price,
	today,
	use_repair_settings,
)

MANAGER = "_as.mc.manager@example.com"
DESK_USER = "_as.mc.user@example.com"
ACCOUNTANT = "_as.mc.accounts@example.com"
TECHNICIAN = "_as.mc.tech@example.com"
OTHER_TECHNICIAN = "_as.mc.tech2@example.com"
OTHER_CUSTOMER = "_AS MC Other Customer"
CONTRACT_ITEM = "_AS Maintenance Contract Service"
PLAIN_ITEM = "_AS MC Unserialized Unit"


def setup_contracts() -> None:
	use_repair_settings()
	make_item(CONTRACT_ITEM, is_stock_item=0)
	make_item(PLAIN_ITEM)
	make_customer(OTHER_CUSTOMER)
	set_price(SERVICE_ITEM, 80)
	settings = frappe.get_doc("After Sales Settings")
	settings.contract_billing_item = CONTRACT_ITEM
	settings.contract_reminder_lead_days = "90,30"
	settings.inspection_job_lead_days = 7
	settings.save(ignore_permissions=True)
	make_user(MANAGER, ["After Sales Manager", "After Sales User"])
	make_user(DESK_USER, ["After Sales User"])
	make_user(ACCOUNTANT, ["Accounts User"])
	make_user(TECHNICIAN, ["Service Technician"])
	make_user(OTHER_TECHNICIAN, ["Service Technician"])


def delivered_serials(qty: int = 1, customer: str = CUSTOMER) -> list[str]:
	"""Serialized units received into stock and delivered to `customer` by a submitted Delivery Note."""
	serials = receive_serial_units(qty)
	make_delivery_note(SERIAL_ITEM, qty, serials, customer=customer)
	return serials


def contract_values(serials: list[str] | None = None, **overrides) -> dict:
	start = overrides.pop("start_date", today())
	values = {
		"doctype": "Maintenance Contract",
		"company": TEST_COMPANY,
		"customer": CUSTOMER,
		"contract_type": "Full Service",
		"start_date": start,
		"end_date": add_days(start, 364),
		"visits_per_year": 2,
		"response_hours": 4,
		"resolution_hours": 24,
		"billing_amount": 0,
		"billing_interval": "Yearly",
		"units": [{"item_code": SERIAL_ITEM, "serial_no": s} for s in (serials or [])]
		or [{"item_code": PLAIN_ITEM, "qty": 2}],
		"team": [{"user": MANAGER, "is_lead": 1}, {"user": DESK_USER}],
	}
	values.update(overrides)
	return values


def make_contract(serials: list[str] | None = None, submit: bool = True, **overrides):
	doc = frappe.get_doc(contract_values(serials, **overrides)).insert(ignore_permissions=True)
	if submit:
		doc.submit()
	return doc
