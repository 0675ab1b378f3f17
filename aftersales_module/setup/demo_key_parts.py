"""The demo's key part: the compressor capacitor of the split air conditioner.

The demo's paid repair (demo_data/repairs.json, `paid_repair`) replaces one capacitor on an
AS-AC-KF35, and the demo's contracts deliver a few KF35 units with a year's warranty. Marked as a key
part with a 10% threshold, one failure against those few units is far above it, so the sweep raises
one Non Conformance for the month of that repair, and the Quality Managers are notified.

Idempotent like the rest of the demo: a second run changes nothing and raises nothing. It does not
commit: call it inside `make_demo()` (before its commit), or commit after it."""

import json
from pathlib import Path

import frappe
from frappe import _
from frappe.utils import getdate

from aftersales_module.policy import key_parts as policy
from aftersales_module.tasks.key_parts import raise_non_conformances, trend_rows

KEY_PART = "AS-SP-CAP35"
THRESHOLD = 10  # failures in a month per 100 units in the field


def make_key_part_demo(company: str) -> list[str]:
	"""Mark the demo's capacitor as a key part and raise the Non Conformance its failure calls for;
	a line for each record created or changed."""
	created = []
	if not frappe.db.exists("Item", KEY_PART):
		frappe.throw(_("Run the after-sales demo first: item {0} is missing").format(KEY_PART))
	current = frappe.db.get_value(
		"Item", KEY_PART, ["is_key_part", "key_part_failure_threshold"], as_dict=True
	)
	if not current.is_key_part or not current.key_part_failure_threshold:
		frappe.db.set_value("Item", KEY_PART, {"is_key_part": 1, "key_part_failure_threshold": THRESHOLD})
		created.append(f"Item {KEY_PART} (key part, failure threshold {THRESHOLD}%)")

	month = repair_month(company)
	if not month:
		return created
	for name in raise_non_conformances(month, [company]):
		created.append(f"Non Conformance {name} ({KEY_PART}, {policy.month_key(month)})")
	if not any(row.non_conformance or row.over_threshold for row in trend_rows([month], [company], KEY_PART)):
		created.append(f"({KEY_PART} is not over its threshold in {policy.month_key(month)})")
	return created


def repair_month(company: str):
	"""The first day of the month the demo's paid repair (the failed capacitor) was completed in."""
	repairs = Path(__file__).resolve().parent / "demo_data" / "repairs.json"
	receipt = json.loads(repairs.read_text(encoding="utf-8"))["paid_repair"]["carry_in_receipt_no"]
	completed_on = frappe.db.get_value(
		"Repair Job", {"company": company, "carry_in_receipt_no": receipt}, "completed_on"
	)
	return policy.month_start(getdate(completed_on)) if completed_on else None
