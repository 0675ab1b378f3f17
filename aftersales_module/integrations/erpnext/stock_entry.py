"""Spare parts leave and come back to stock only through Stock Entries that name a Repair Job
(001/10 "见单发料"). The Stock Entry's doc_events check the job and, on submit and cancel, recompute
the job's issued and returned quantities from the ledger."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.utils import cint, flt

from aftersales_module.aftersales_module.doctype.repair_job.repair_job import part_line
from aftersales_module.policy import repair as repair_policy

ISSUE = repair_policy.MATERIAL_ISSUE
RETURN = repair_policy.MATERIAL_RECEIPT
TRANSFER = repair_policy.MATERIAL_TRANSFER


def validate(doc, method=None):
	if not doc.get("repair_job"):
		if any(d.get("repair_job_part") for d in doc.items):
			frappe.throw(_("Stock Entry {0} names Repair Job parts but no Repair Job").format(doc.name))
		return

	job = frappe.get_doc("Repair Job", doc.repair_job)
	if doc.purpose not in (ISSUE, RETURN, TRANSFER):
		frappe.throw(
			_(
				"Stock Entry {0} for Repair Job {1} must be a Material Issue, a Material Receipt or a Material Transfer"
			).format(doc.name, job.name)
		)
	if doc.company != job.company:
		frappe.throw(
			_("Stock Entry {0} is for {1}, but Repair Job {2} is for {3}").format(
				doc.name, doc.company, job.name, job.company
			)
		)
	move, through_van = classify(doc, job)
	doc.repair_job_move = move
	allowed = {
		repair_policy.MOVE_ISSUE: repair_policy.can_issue_parts,
		repair_policy.MOVE_RETURN: repair_policy.can_return_parts,
		repair_policy.MOVE_CONSUMPTION: repair_policy.can_consume_parts,
	}[move]
	if not allowed(job.status):
		frappe.throw(
			_("Repair Job {0} is {1}: no spare parts can be moved against it").format(
				frappe.bold(job.name), _(job.status)
			)
		)

	rows = {row.name: row for row in job.parts}
	# a transfer to or from the van books no expense; the cost reaches the GL when the van's parts
	# are consumed
	expense_account = None if doc.purpose == TRANSFER else warranty_expense_account(job)
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
		if move == repair_policy.MOVE_ISSUE:
			if repair_policy.issue_exceeds_request(line, qty) and not is_manager():
				frappe.throw(
					_(
						"Row {0}: issuing {1} of {2} takes Repair Job {3} over the requested {4}; only an After Sales Manager can do that"
					).format(row.idx, qty, frappe.bold(row.item_code), job.name, row.qty)
				)
		elif move == repair_policy.MOVE_RETURN:
			if problem := repair_policy.return_problem(line, qty, through_van):
				cap = repair_policy.returnable_qty(line, through_van)
				frappe.throw(_(problem).format(row.idx, frappe.bold(row.item_code), qty, cap))
		elif problem := repair_policy.consumption_problem(line, qty):
			cap = repair_policy.qty_to_consume(line)
			frappe.throw(_(problem).format(row.idx, frappe.bold(row.item_code), qty, cap))


def classify(doc, job) -> tuple[str, bool]:
	"""The one move (issue, return or consumption) every row of the entry makes for the job, and
	whether it goes through the technician's van."""
	van = van_warehouse()
	moves = set()
	for d in doc.items:
		move, through_van = repair_policy.classify_move(doc.purpose, d.s_warehouse, d.t_warehouse, van)
		if not move:
			frappe.throw(
				_(
					"Row {0}: a Material Transfer for Repair Job {1} must move parts between a warehouse and the Technician Van Warehouse {2}"
				).format(d.idx, job.name, van or _("(not set in After Sales Settings)"))
			)
		moves.add((move, through_van))
	if len(moves) != 1:
		frappe.throw(
			_(
				"Stock Entry {0} mixes parts consumed from the van with parts issued for Repair Job {1}"
			).format(doc.name, job.name)
		)
	return moves.pop()


def van_warehouse() -> str | None:
	return frappe.db.get_single_value("After Sales Settings", "van_warehouse") or None


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
	job = frappe.get_doc("Repair Job", doc.repair_job)
	if not repair_policy.can_undo_parts_move(job.status):
		frappe.throw(
			_("Repair Job {0} is {1}: Stock Entry {2} of its parts can no longer be cancelled").format(
				frappe.bold(job.name), _(job.status), doc.name
			)
		)
	move = doc.get("repair_job_move") or (
		repair_policy.MOVE_RETURN if doc.purpose == RETURN else repair_policy.MOVE_ISSUE
	)
	if move == repair_policy.MOVE_CONSUMPTION and not repair_policy.can_undo_consumption(job.status):
		frappe.throw(
			_(
				"Repair Job {0} is {1}: move it back to In Progress before cancelling Stock Entry {2}, which consumed its parts from the van"
			).format(frappe.bold(job.name), _(job.status), doc.name)
		)
	if move == repair_policy.MOVE_ISSUE:
		rows = {row.name: row for row in job.parts}
		qty_per_part = defaultdict(float)
		for d in doc.items:
			if d.get("repair_job_part") in rows:
				qty_per_part[d.repair_job_part] += flt(d.transfer_qty)
		for part_name, qty in qty_per_part.items():
			row = rows[part_name]
			if problem := repair_policy.undo_issue_problem(part_line(row), qty, doc.purpose == TRANSFER):
				frappe.throw(_(problem).format(row.idx, frappe.bold(row.item_code), qty))


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
	"""A draft Material Issue of every part of the job not issued yet, or a Material Transfer of them
	to the technician's van when the settings say so; returns its name."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	if not repair_policy.can_issue_parts(job.status):
		frappe.throw(
			_("Repair Job {0} is {1}: no spare parts can be moved against it").format(
				frappe.bold(job.name), _(job.status)
			)
		)
	van = None
	if cint(frappe.db.get_single_value("After Sales Settings", "issue_parts_to_van")):
		van = van_warehouse()
		if not van:
			frappe.throw(
				_("Set the Technician Van Warehouse in After Sales Settings to issue parts to the van")
			)
	entry = new_entry(job, TRANSFER if van else ISSUE)
	for row in job.parts:
		qty = repair_policy.unissued_qty(part_line(row))
		if qty > 0:
			entry.append(
				"items",
				{
					"item_code": row.item_code,
					"qty": qty,
					"s_warehouse": spare_parts_warehouse(job, row),
					"t_warehouse": van,
					"repair_job_part": row.name,
				},
			)
	if not entry.items:
		frappe.throw(_("Every part of Repair Job {0} has been issued").format(job.name))
	entry.insert()
	return entry.name


@frappe.whitelist()
def make_parts_return(repair_job: str) -> str:
	"""A draft entry bringing back the job's issued, unused parts: a Material Transfer of what is in
	the technician's van for it, or else a Material Receipt of what was issued directly, at its
	issue cost."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	lines = [(row, part_line(row)) for row in job.parts]
	from_van = any(line.in_van > 0 and not line.is_used for _row, line in lines)
	entry = new_entry(job, TRANSFER if from_van else RETURN)
	for row, line in lines:
		qty = repair_policy.returnable_qty(line, from_van)
		if qty <= 0 or line.is_used:
			continue
		item = {
			"item_code": row.item_code,
			"qty": qty,
			"t_warehouse": spare_parts_warehouse(job, row),
			"repair_job_part": row.name,
		}
		if from_van:
			item["s_warehouse"] = van_warehouse()
		else:
			item["basic_rate"] = flt(row.valuation_amount) / line.net_issued
		entry.append("items", item)
	if not entry.items:
		frappe.throw(_("Repair Job {0} has no issued, unused parts to return").format(job.name))
	entry.insert()
	return entry.name


def consume_van_parts(job) -> str | None:
	"""When a job is completed, the parts still in the technician's van for it are used: a submitted
	Material Issue from the van, naming the job, books their cost (to the warranty expense account
	for work the company pays for). Returns the entry's name, or None when nothing is in the van."""
	lines = [(row, repair_policy.qty_to_consume(part_line(row))) for row in job.parts]
	lines = [(row, qty) for row, qty in lines if qty > 0]
	if not lines:
		return None
	van = van_warehouse()
	if not van:
		frappe.throw(
			_(
				"Repair Job {0} has parts in a technician's van, but no Technician Van Warehouse is set"
			).format(job.name)
		)
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": ISSUE,
			"purpose": ISSUE,
			"company": job.company,
			"repair_job": job.name,
			"remarks": _("Spare parts used on Repair Job {0}").format(job.name),
		}
	)
	for row, qty in lines:
		entry.append(
			"items",
			{"item_code": row.item_code, "qty": qty, "s_warehouse": van, "repair_job_part": row.name},
		)
	# the technician completing the job need not hold stock rights: the parts already left the store
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return entry.name
