"""The demo's supplier recovery: the mechanical seal of the warranty repair came from a seal supplier
under a year's supplier warranty. The seal is bought from that supplier (a real Purchase Receipt),
the warranty job is completed, the sweep proposes the month's claim, the manager approves and sends
it, the supplier accepts half of the seal and rejects the rest, and the recovery is booked by a
Debit Note that credits the warranty expense account.

Idempotent like the rest of the demo: a second run finds the booked claim and changes nothing. It
does not commit: `make_demo()` calls it before its commit."""

import frappe
from frappe.utils import flt, get_first_day, get_last_day, nowdate

from aftersales_module.guard import app_write

SUPPLIER = "华南机封配件有限公司"
SEAL = "AS-SP-SEAL"
WARRANTY_DAYS = 365
LABOUR_RATE = 60
RECEIPT = "AS-DEMO-SUPPLIER-CLAIM"


def make_supplier_claim_demo(demo) -> list[str]:
	"""`demo` is the running setup.demo.Demo; a line for each record made."""
	from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim import (
		approve,
		book_recovery,
	)
	from aftersales_module.tasks.supplier_claims import propose

	created = []
	company = demo.company
	if frappe.db.exists(
		"Supplier Warranty Claim", {"supplier": SUPPLIER, "company": company, "docstatus": 1}
	):
		return created
	supplier = ensure_supplier(created)
	terms(supplier)
	frappe.db.set_value("Item", SEAL, "supplier_warranty_days", WARRANTY_DAYS)
	receipt = frappe.get_doc(
		{
			"doctype": "Purchase Receipt",
			"company": company,
			"supplier": supplier,
			"posting_date": nowdate(),
			"items": [{"item_code": SEAL, "qty": 10, "rate": 38, "warehouse": demo.spare_parts_warehouse}],
		}
	)
	receipt.insert(ignore_permissions=True)
	receipt.submit()
	created.append(f"Purchase Receipt {receipt.name} ({SUPPLIER}, {SEAL})")

	job = warranty_job(demo)
	created.append(f"Repair Job {job} (warranty, seal replaced)")
	claims = propose(get_first_day(nowdate()), get_last_day(nowdate()))
	name = frappe.db.get_value(
		"Supplier Warranty Claim Item", {"repair_job": job, "parent": ("in", claims or [""])}, "parent"
	)
	if not name:
		return created
	manager = demo.email(demo.data["people"]["people"][0]["login"])
	if not frappe.has_permission("Supplier Warranty Claim", "write", name, user=manager):
		manager = "Administrator"  # the demo's manager works for another company on this site
	demo.as_user(manager, approve, name)
	claim = frappe.get_doc("Supplier Warranty Claim", name)
	demo.as_user(manager, claim.submit)
	claim.reload()
	for row in claim.items:
		if row.part_row:
			row.outcome = "Partly Accepted"
			row.accepted_amount = flt(row.claimed_amount / 2, 2)
		else:
			row.outcome = "Rejected"
			row.rejection_reason = "Labour is not covered for seals: 机封不含工时"
	claim.save(ignore_permissions=True)
	booked = book_recovery(name)
	created.append(f"Supplier Warranty Claim {name} (partly accepted, Debit Note {booked})")
	return created


def ensure_supplier(created: list[str]) -> str:
	name = frappe.db.get_value("Supplier", {"supplier_name": SUPPLIER})
	if name:
		return name
	group = frappe.db.get_value("Supplier Group", {"is_group": 0}) or frappe.db.get_value(
		"Supplier Group", {"parent_supplier_group": ("in", ("", None))}
	)
	doc = frappe.get_doc({"doctype": "Supplier", "supplier_name": SUPPLIER, "supplier_group": group})
	doc.insert(ignore_permissions=True)
	created.append(f"Supplier {doc.name}")
	return doc.name


def terms(supplier: str) -> None:
	settings = frappe.get_doc("After Sales Settings")
	if not any(row.supplier == supplier for row in settings.supplier_terms):
		settings.append(
			"supplier_terms", {"supplier": supplier, "labour_rate": LABOUR_RATE, "booking": "Debit Note"}
		)
	if not settings.supplier_claim_approval_limit:
		settings.supplier_claim_approval_limit = 5000
	with app_write():
		settings.save(ignore_permissions=True)


def warranty_job(demo) -> str:
	"""A warranty repair that replaced the seal on a delivered pump, completed today."""
	from aftersales_module.aftersales_module.doctype.repair_job.repair_job import set_status

	delivery = demo.data["repairs"]["warranty_repair"]["delivery"]
	name = frappe.db.get_value("Repair Job", {"carry_in_receipt_no": RECEIPT})
	if name:
		return name
	technician = demo.data["repairs"]["warranty_repair"]["technicians"][0]
	job = frappe.get_doc(
		{
			"doctype": "Repair Job",
			"company": demo.company,
			"service_class": "Warranty",
			"customer": demo.customer(delivery["customer"]),
			"item_code": delivery["item_code"],
			"carry_in_receipt_no": RECEIPT,
			"reported_symptom": "机封再次漏水 The seal leaks again",
			"fault_cause": "Product Defect",
			"parts": demo.parts([{"item_code": SEAL, "qty": 1}]),
			"technicians": demo.technicians([technician]),
			"labour": [{"activity": "更换机封 Replace seal", "hours": 1, "service_item": demo.labour_item}],
		}
	)
	with app_write():
		job.insert(ignore_permissions=True)
	demo.issue_parts(job.name)
	for status in ("Dispatched", "In Progress", "Completed"):
		set_status(job.name, status)
	return job.name
