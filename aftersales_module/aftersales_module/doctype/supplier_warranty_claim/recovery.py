"""The ERPNext documents a supplier claim makes: the booking of what the supplier accepted (a Debit
Note, or a Journal Entry) and the stock movement of the returned samples. Each is submitted at once
and named on the claim; cancelling the claim cancels them."""

import frappe
from frappe import _
from frappe.utils import flt, nowdate

from aftersales_module.settings import get_settings


def expense_account(claim, terms) -> str:
	account = terms.claim_account or get_settings().warranty_expense_account
	if not account:
		frappe.throw(
			_("Set the Warranty Expense Account in After Sales Settings before booking a supplier claim")
		)
	if frappe.db.get_value("Account", account, "company") != claim.company:
		frappe.throw(_("Account {0} does not belong to {1}").format(account, claim.company))
	return account


def line_text(row) -> str:
	what = row.item_name or row.item_code or _("Labour")
	return _("{0} on Repair Job {1}").format(what, row.repair_job)


def debit_note(claim, terms) -> str:
	"""A Purchase Invoice return against the supplier: the accepted amounts credit the warranty
	expense account and lower what the company owes the supplier."""
	account = expense_account(claim, terms)
	note = frappe.new_doc("Purchase Invoice")
	note.update(
		{
			"supplier": claim.supplier,
			"company": claim.company,
			"is_return": 1,
			"posting_date": nowdate(),
			"set_posting_time": 1,
			"update_stock": 0,
			"remarks": _("Warranty recovered on Supplier Warranty Claim {0}").format(claim.name),
		}
	)
	for row in claim.items:
		if flt(row.accepted_amount) <= 0:
			continue
		note.append(
			"items",
			{
				"item_name": line_text(row)[:140],
				"description": line_text(row),
				"qty": -1,
				"uom": frappe.db.get_single_value("Stock Settings", "stock_uom") or "Nos",
				"conversion_factor": 1,
				"rate": flt(row.accepted_amount),
				"expense_account": account,
			},
		)
	note.insert()
	note.submit()
	return note.name


def journal_entry(claim, terms) -> str:
	"""Debit the supplier's payable account, credit the warranty expense account."""
	from erpnext.accounts.party import get_party_account

	account = expense_account(claim, terms)
	amount = flt(claim.total_accepted, 2)
	entry = frappe.new_doc("Journal Entry")
	entry.update(
		{
			"voucher_type": "Debit Note",
			"company": claim.company,
			"posting_date": nowdate(),
			"user_remark": _("Warranty recovered on Supplier Warranty Claim {0}").format(claim.name),
		}
	)
	entry.append(
		"accounts",
		{
			"account": get_party_account("Supplier", claim.supplier, claim.company),
			"party_type": "Supplier",
			"party": claim.supplier,
			"debit_in_account_currency": amount,
		},
	)
	entry.append("accounts", {"account": account, "credit_in_account_currency": amount})
	entry.insert()
	entry.submit()
	return entry.name


def warehouses(company: str) -> tuple[str, str]:
	settings = get_settings()
	source, target = settings.returns_warehouse, settings.supplier_returns_warehouse
	if not source or not target:
		frappe.throw(
			_(
				"Set the Returns Warehouse and the Supplier Returns Warehouse in After Sales Settings to send samples"
			)
		)
	for warehouse in (source, target):
		if frappe.db.get_value("Warehouse", warehouse, "company") != company:
			frappe.throw(_("Warehouse {0} does not belong to {1}").format(warehouse, company))
	return source, target


def sample_transfer(claim, lines) -> str:
	"""A Material Transfer of the failed parts from the returns warehouse to Supplier Returns."""
	source, target = warehouses(claim.company)
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": "Material Transfer",
			"purpose": "Material Transfer",
			"company": claim.company,
			"remarks": _("Failed parts returned to {0} on Supplier Warranty Claim {1}").format(
				claim.supplier, claim.name
			),
		}
	)
	for row in lines:
		entry.append(
			"items",
			{
				"item_code": row.item_code,
				"qty": flt(row.qty),
				"s_warehouse": source,
				"t_warehouse": target,
				"serial_no": row.failed_serial_no or None,
				"use_serial_batch_fields": 1 if row.failed_serial_no else 0,
				"allow_zero_valuation_rate": 1,
			},
		)
	entry.insert()
	entry.submit()
	return entry.name


def purchase_return(claim, lines) -> str:
	"""A Purchase Return of the receipt the failed parts came in on, taken from the returns
	warehouse: the supplier takes them back. A serial's receipt is its own; a part without one goes
	back on the latest receipt of its item from this supplier."""
	from erpnext.controllers.sales_and_purchase_return import make_return_doc

	source, _target = warehouses(claim.company)
	receipts = {receipt_of(claim, row) for row in lines}
	if len(receipts) != 1 or None in receipts:
		frappe.throw(
			_(
				"A Purchase Return takes back what one Purchase Receipt brought in; use a Material Transfer for these samples"
			)
		)
	back = {}
	for row in lines:
		picked = back.setdefault(row.item_code, {"qty": 0.0, "serials": []})
		picked["qty"] += flt(row.qty)
		if row.failed_serial_no:
			picked["serials"].append(row.failed_serial_no)
	doc = make_return_doc("Purchase Receipt", receipts.pop())
	rows = []
	for item in doc.items:
		picked = back.pop(item.item_code, None)
		if not picked:
			continue
		item.qty = item.received_qty = -picked["qty"]
		item.stock_qty = item.qty * flt(item.conversion_factor or 1)
		item.rejected_qty = 0
		item.warehouse = source
		item.serial_and_batch_bundle = None
		if picked["serials"]:
			item.use_serial_batch_fields = 1
			item.serial_no = "\n".join(picked["serials"])
		rows.append(item)
	doc.items = rows
	doc.insert()
	doc.submit()
	return doc.name


def receipt_of(claim, row) -> str | None:
	if row.failed_serial_no:
		name = frappe.db.get_value("Serial No", row.failed_serial_no, "purchase_document_no")
		return name if name and frappe.db.exists("Purchase Receipt", {"name": name, "docstatus": 1}) else None
	item = frappe.qb.DocType("Purchase Receipt Item")
	receipt = frappe.qb.DocType("Purchase Receipt")
	found = (
		frappe.qb.from_(item)
		.join(receipt)
		.on(receipt.name == item.parent)
		.select(receipt.name)
		.where(
			(item.item_code == row.item_code)
			& (receipt.supplier == claim.supplier)
			& (receipt.company == claim.company)
			& (receipt.docstatus == 1)
			& (receipt.is_return == 0)
		)
		.orderby(receipt.posting_date, order=frappe.qb.desc)
		.orderby(receipt.creation, order=frappe.qb.desc)
		.limit(1)
		.run()
	)
	return found[0][0] if found else None
