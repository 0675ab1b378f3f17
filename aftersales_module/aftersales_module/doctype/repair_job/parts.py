"""A Repair Job's spare parts in stock: the draft Stock Entries that issue them (to the job, or to
the technician's van), bring unused ones back, and consume what the van still holds when the job is
completed. The Stock Entry doc_events (integrations/erpnext/stock_entry.py) keep the job's quantities
in step with what was submitted."""

from typing import TYPE_CHECKING

import frappe
from frappe import _
from frappe.utils import cint, flt

from aftersales_module.policy import repair as repair_policy
from aftersales_module.settings import get_settings

if TYPE_CHECKING:
	from aftersales_module.aftersales_module.doctype.repair_job.repair_job import RepairJob

ISSUE = repair_policy.MATERIAL_ISSUE
RETURN = repair_policy.MATERIAL_RECEIPT
TRANSFER = repair_policy.MATERIAL_TRANSFER


def part_line(row) -> repair_policy.PartLine:
	return repair_policy.PartLine(
		requested=flt(row.qty),
		issued=flt(row.issued_qty),
		returned=flt(row.returned_qty),
		is_used=bool(row.is_used),
		in_van=flt(row.van_qty),
		consumed=flt(row.consumed_qty),
	)


def van_warehouse() -> str | None:
	return get_settings().van_warehouse or None


def match_part(job, detail):
	"""The only part row of the job with this item, for entries made by hand without a row ref."""
	matches = [row for row in job.parts if row.item_code == detail.item_code]
	return matches[0] if len(matches) == 1 else None


def warranty_expense_account(job) -> str | None:
	"""Work the company pays for books its parts to the warranty expense account."""
	if not repair_policy.company_bears_cost(job.service_class):
		return None
	account = get_settings().warranty_expense_account
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


def spare_parts_warehouse(job, row) -> str:
	warehouse = row.warehouse or get_settings().spare_parts_warehouse
	if not warehouse:
		frappe.throw(
			_(
				"Set the Spare Parts Warehouse in After Sales Settings or on the parts of Repair Job {0}"
			).format(job.name)
		)
	return warehouse


def new_entry(job, purpose: str, remarks: str | None = None, check_permission: bool = True):
	"""The header every parts Stock Entry of a job shares: purpose, company and the job it names."""
	if check_permission:
		frappe.has_permission("Stock Entry", "create", throw=True)
	entry = frappe.new_doc("Stock Entry")
	entry.update(
		{
			"stock_entry_type": purpose,
			"purpose": purpose,
			"company": job.company,
			"repair_job": job.name,
			"remarks": remarks or _("Spare parts for Repair Job {0}").format(job.name),
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
	if cint(get_settings().issue_parts_to_van):
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


def consume_van_parts(job: "RepairJob") -> str | None:
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
	# the technician completing the job need not hold stock rights: the parts already left the store
	entry = new_entry(
		job, ISSUE, _("Spare parts used on Repair Job {0}").format(job.name), check_permission=False
	)
	for row, qty in lines:
		entry.append(
			"items",
			{"item_code": row.item_code, "qty": qty, "s_warehouse": van, "repair_job_part": row.name},
		)
	entry.flags.ignore_permissions = True
	entry.insert()
	entry.submit()
	return entry.name
