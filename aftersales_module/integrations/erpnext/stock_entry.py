"""Spare parts leave and come back to stock only through Stock Entries that name a Repair Job
(001/10 "见单发料"). The Stock Entry's doc_events check the job and, on submit and cancel, recompute
the job's issued and returned quantities from the ledger."""

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import cint, flt

from aftersales_module.aftersales_module.doctype.repair_job.parts import (
	match_part,
	part_line,
	van_warehouse,
	warranty_expense_account,
)
from aftersales_module.policy import repair as repair_policy
from aftersales_module.roles import is_manager

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
	check_quantities(doc, job, move, through_van)


def check_quantities(doc, job, move: str, through_van: bool) -> None:
	"""The entry's quantity per part of the job against what the job asked for and has moved."""
	rows = {row.name: row for row in job.parts}
	qty_per_part = defaultdict(float)
	for d in doc.items:
		qty_per_part[d.repair_job_part] += flt(d.transfer_qty) or flt(d.qty) * flt(d.conversion_factor or 1)

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


def on_submit(doc, method=None):
	if doc.get("repair_job"):
		job = frappe.get_doc("Repair Job", doc.repair_job, for_update=True)
		job.load_committed_parts()
		job.add_stock_entry(doc, 1, entry_value(doc.name))


def before_validate(doc, method=None):
	if doc.get("_action") == "submit":
		lock_for_posting(doc)


def before_submit(doc, method=None):
	check_against_latest(doc)


def lock_for_posting(doc) -> None:
	"""Before a repair job's entry is posted or cancelled: lock the job's row, then the Bins it moves.
	Taken first thing (before ERPNext's validate, whose rate lookups already lock ledger rows), always
	in this order, so two entries wait for each other instead of deadlocking."""
	if not doc.get("repair_job"):
		return
	frappe.db.sql("select name from `tabRepair Job` where name = %s for update", doc.repair_job)
	lock_stock(doc)


def check_against_latest(doc) -> None:
	"""Check the entry's quantities again, against the job's moves as committed now.

	`validate` read the job in this request's snapshot; a second storekeeper's entry for the same job,
	submitted meanwhile, is not in it, and both entries passed (the job's part issued twice over).
	The job row is locked (`lock_for_posting`), so the second entry waited until the first had
	committed, and the job's quantities are read here with locking reads, which see that commit."""
	if not doc.get("repair_job"):
		return
	job = frappe.get_doc("Repair Job", doc.repair_job)
	job.load_committed_parts()
	check_quantities(doc, job, *classify(doc, job))


def lock_stock(doc) -> None:
	"""Lock the Bin of each item and warehouse a repair job's entry moves, one at a time in sorted
	order, before ERPNext posts it.

	ERPNext inserts the entry's Stock Ledger Entries and then reads the item's earlier ones in that
	warehouse FOR UPDATE (`get_previous_sle_of_current_voucher`). Two entries for the same part and
	store posted at once each insert, then each wait for the other's new row: a deadlock (1213), an
	HTTP 500 to one storekeeper. With the Bin locked first the second entry waits for the first to
	commit. The locks are held to the end of the transaction, as ERPNext's own Bin update holds them."""
	if not doc.get("repair_job"):
		return
	pairs = sorted(
		{(row.item_code, store) for row in doc.items for store in (row.s_warehouse, row.t_warehouse) if store}
	)
	for item_code, store in pairs:
		frappe.db.sql(
			"select name from `tabBin` where item_code = %s and warehouse = %s for update", (item_code, store)
		)


def before_cancel(doc, method=None):
	if not doc.get("repair_job"):
		return
	lock_for_posting(doc)
	job = frappe.get_doc("Repair Job", doc.repair_job)
	job.load_committed_parts()
	doc.flags.repair_job_value = entry_value(doc.name)  # before ERPNext reverses the ledger rows
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
	if doc.get("repair_job"):
		job = frappe.get_doc("Repair Job", doc.repair_job, for_update=True)
		job.load_committed_parts()
		job.add_stock_entry(doc, -1, doc.flags.get("repair_job_value") or entry_value(doc.name))


def entry_value(entry: str) -> dict[str, float]:
	"""{part row: the stock value the entry took out} from its own ledger rows (a transfer to or from
	the van nets to nothing: the value is what left the company's stock)."""
	sle = frappe.qb.DocType("Stock Ledger Entry")
	sed = frappe.qb.DocType("Stock Entry Detail")
	rows = (
		frappe.qb.from_(sle)
		.join(sed)
		.on(sed.name == sle.voucher_detail_no)
		.select(sed.repair_job_part, Sum(sle.stock_value_difference).as_("value"))
		.where(
			(sle.voucher_type == "Stock Entry")
			& (sle.voucher_no == entry)
			& (sle.is_cancelled == 0)
			& (sed.repair_job_part.isnotnull())
		)
		.groupby(sed.repair_job_part)
	).run(as_dict=True)
	return {row.repair_job_part: -flt(row.value) for row in rows}
