"""Spare parts leave and come back to stock only through Stock Entries that name a Repair Job
(001/10 "见单发料"). The Stock Entry's doc_events check the job and, on submit and cancel, recompute
the job's issued and returned quantities from the ledger."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import part_line
from aftersales_module.policy import repair as repair_policy

ISSUE = "Material Issue"
RETURN = "Material Receipt"


def validate(doc, method=None):
	if not doc.get("repair_job"):
		if any(d.get("repair_job_part") for d in doc.items):
			frappe.throw(_("Stock Entry {0} names Repair Job parts but no Repair Job").format(doc.name))
		return

	job = frappe.get_doc("Repair Job", doc.repair_job)
	if doc.purpose not in (ISSUE, RETURN):
		frappe.throw(
			_("Stock Entry {0} for Repair Job {1} must be a Material Issue or a Material Receipt").format(
				doc.name, job.name
			)
		)
	if doc.company != job.company:
		frappe.throw(
			_("Stock Entry {0} is for {1}, but Repair Job {2} is for {3}").format(
				doc.name, doc.company, job.name, job.company
			)
		)
	allowed = repair_policy.can_issue_parts if doc.purpose == ISSUE else repair_policy.can_return_parts
	if not allowed(job.status):
		frappe.throw(
			_("Repair Job {0} is {1}: no spare parts can be moved against it").format(
				frappe.bold(job.name), _(job.status)
			)
		)

	rows = {row.name: row for row in job.parts}
	expense_account = warranty_expense_account(job)
	qty_per_part = defaultdict(float)
	for d in doc.items:
		row = rows.get(d.get("repair_job_part")) or match_part(job, d)
		if not row or row.item_code != d.item_code:
			frappe.throw(
				_("Row {0}: {1} is not a part requested on Repair Job {2}").format(
					d.idx, frappe.bold(d.item_code), job.name
				)
			)
		d.repair_job_part = row.name
		if expense_account:
			d.expense_account = expense_account
		qty_per_part[row.name] += flt(d.transfer_qty) or flt(d.qty) * flt(d.conversion_factor or 1)

	for part_name, qty in qty_per_part.items():
		row = rows[part_name]
		line = part_line(row)
		if doc.purpose == ISSUE:
			if repair_policy.issue_exceeds_request(line, qty) and not is_manager():
				frappe.throw(
					_(
						"Row {0}: issuing {1} of {2} takes Repair Job {3} over the requested {4}; only an After Sales Manager can do that"
					).format(row.idx, qty, frappe.bold(row.item_code), job.name, row.qty)
				)
		elif problem := repair_policy.return_problem(line, qty):
			frappe.throw(_(problem).format(row.idx, frappe.bold(row.item_code), qty, line.net_issued))


def match_part(job, detail):
	"""The only part row of the job with this item, for entries made by hand without a row ref."""
	matches = [row for row in job.parts if row.item_code == detail.item_code]
	return matches[0] if len(matches) == 1 else None


def warranty_expense_account(job) -> str | None:
	"""Work the company pays for books its parts to the warranty expense account."""
	if not repair_policy.company_bears_cost(job.service_class):
		return None
	account = frappe.db.get_single_value("After Sales Settings", "warranty_expense_account")
	if not account:
		frappe.throw(
			_(
				"Set the Warranty Expense Account in After Sales Settings before issuing parts for {0} job {1}"
			).format(_(job.service_class), job.name)
		)
	if frappe.db.get_value("Account", account, "company") != job.company:
		frappe.throw(
			_("Warranty Expense Account {0} does not belong to {1}, the company of Repair Job {2}").format(
				account, job.company, job.name
			)
		)
	return account


def is_manager() -> bool:
	return "After Sales Manager" in frappe.get_roles()


def on_submit(doc, method=None):
	update_job(doc)


def before_cancel(doc, method=None):
	if not doc.get("repair_job"):
		return
	status = frappe.db.get_value("Repair Job", doc.repair_job, "status")
	if not repair_policy.can_undo_parts_move(status):
		frappe.throw(
			_("Repair Job {0} is {1}: Stock Entry {2} of its parts can no longer be cancelled").format(
				frappe.bold(doc.repair_job), _(status), doc.name
			)
		)


def on_cancel(doc, method=None):
	update_job(doc)


def update_job(doc):
	if doc.get("repair_job"):
		frappe.get_doc("Repair Job", doc.repair_job, for_update=True).update_stock_quantities()


def spare_parts_warehouse(job, row) -> str:
	warehouse = row.warehouse or frappe.db.get_single_value("After Sales Settings", "spare_parts_warehouse")
	if not warehouse:
		frappe.throw(
			_(
				"Set the Spare Parts Warehouse in After Sales Settings or on the parts of Repair Job {0}"
			).format(job.name)
		)
	return warehouse


def new_entry(job, purpose: str):
	frappe.has_permission("Stock Entry", "create", throw=True)
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": purpose,
			"purpose": purpose,
			"company": job.company,
			"repair_job": job.name,
			"remarks": _("Spare parts for Repair Job {0}").format(job.name),
		}
	)
	return entry


@frappe.whitelist()
def make_parts_issue(repair_job: str) -> str:
	"""A draft Material Issue of every part of the job not issued yet; returns its name."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	if not repair_policy.can_issue_parts(job.status):
		frappe.throw(
			_("Repair Job {0} is {1}: no spare parts can be moved against it").format(
				frappe.bold(job.name), _(job.status)
			)
		)
	entry = new_entry(job, ISSUE)
	for row in job.parts:
		qty = repair_policy.unissued_qty(part_line(row))
		if qty > 0:
			entry.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": qty,
					"s_warehouse": spare_parts_warehouse(job, row),
					"repair_job_part": row.name,
				},
			)
	if not entry.items:
		frappe.throw(_("Every part of Repair Job {0} has been issued").format(job.name))
	entry.insert()
	return entry.name


@frappe.whitelist()
def make_parts_return(repair_job: str) -> str:
	"""A draft Material Receipt bringing back the job's issued, unused parts at their issue cost."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	entry = new_entry(job, RETURN)
	for row in job.parts:
		line = part_line(row)
		if line.net_issued > 0 and not line.is_used:
			entry.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": line.net_issued,
					"t_warehouse": spare_parts_warehouse(job, row),
					"basic_rate": flt(row.valuation_amount) / line.net_issued,
					"repair_job_part": row.name,
				},
			)
	if not entry.items:
		frappe.throw(_("Repair Job {0} has no issued, unused parts to return").format(job.name))
	entry.insert()
	return entry.name
