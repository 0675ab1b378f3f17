"""The daily sweep that proposes supplier warranty claims (requirements §6, 001/10 §8-9).

One query selects the parts used on warranty and contract jobs completed in the period and not
claimed yet; two more trace the job's unit (its serial back to the Purchase Receipt it came in on)
and each part (the Item's latest Purchase Receipt before the job) to a supplier, with the item's
supplier-warranty days. policy/supplier_claims.py says who pays. The drafts (one per supplier and
period, by a unique proposal key) and their lines (one per part, and one for the labour of a unit
claimed from its maker, by a unique claim key) are written with INSERT IGNORE: run twice, or on two
workers at once, nothing is proposed twice."""

from collections import defaultdict
from datetime import date

import frappe
from frappe import _
from frappe.utils import flt, getdate, now_datetime, nowdate

from aftersales_module.aftersales_module.doctype.supplier_warranty_claim.supplier_warranty_claim import (
	DOCTYPE,
	ITEM,
	supplier_terms,
)
from aftersales_module.bulk import insert_rows, reserve_names, standard_values
from aftersales_module.jobs import retried
from aftersales_module.policy import repair as repair_policy
from aftersales_module.policy import supplier_claims as policy
from aftersales_module.policy.supplier_claims import Trace
from aftersales_module.roles import is_manager

SERIES = "SWC-.YYYY.-.#####"
DONE = (repair_policy.COMPLETED, repair_policy.INVOICED, repair_policy.CLOSED)


def daily(today: date | None = None) -> None:
	"""The daily_long job: claims for the month before today."""
	start, end = policy.claim_period(getdate(today or nowdate()))
	retried(propose, from_date=start, to_date=end)


@frappe.whitelist(methods=["POST"])
def propose_claims(from_date: str | None = None, to_date: str | None = None) -> list[str]:
	"""Run the sweep now (After Sales Manager): the drafts it made or added to."""
	if not is_manager():
		frappe.throw(_("Only an After Sales Manager proposes supplier claims"), frappe.PermissionError)
	return propose(from_date=from_date, to_date=to_date)


def propose(from_date=None, to_date=None) -> list[str]:
	"""Draft claims for the jobs completed from `from_date` to `to_date` (both days; default the
	month before today). Returns the drafts that got lines."""
	if not from_date or not to_date:
		from_date, to_date = policy.claim_period(getdate(nowdate()))
	from_date, to_date = getdate(from_date), getdate(to_date)
	parts = unclaimed_parts(from_date, to_date)
	if not parts:
		return []
	units = unit_traces({row.serial_no for row in parts if row.serial_no})
	part_traces = part_purchases(parts)
	unit_days = dict(
		frappe.get_all(
			"Item",
			filters={"name": ("in", list({row.unit_item for row in parts if row.unit_item}) or [""])},
			fields=["name", "supplier_warranty_days"],
			as_list=True,
		)
	)
	lines = defaultdict(list)  # (company, supplier) -> line dicts
	labour = {}  # (company, supplier, job) -> job row
	for row in parts:
		unit = units.get(row.serial_no)
		if unit:
			unit = Trace(unit.supplier, unit.purchased_on, unit_days.get(row.unit_item))
		supplier, whole_unit = policy.supplier_for(unit, part_traces.get(row.part_row), row.completed_on)
		if not supplier:
			continue
		lines[(row.company, supplier)].append(row)
		if whole_unit:
			labour[(row.company, supplier, row.repair_job)] = row
	for (company, supplier, _job), row in labour.items():
		lines[(company, supplier)].append(
			frappe._dict(row, part_row=None, item_code=None, used_qty=0, value=0)
		)
	return write_claims(lines, from_date, to_date)


def unclaimed_parts(from_date: date, to_date: date) -> list[frappe._dict]:
	"""Parts used on claimable jobs completed in the period, not on a live claim."""
	return frappe.db.sql(
		"""
		select job.name as repair_job, job.company, job.completed_on, job.item_code as unit_item,
			job.serial_no, part.name as part_row, part.item_code,
			part.issued_qty - part.returned_qty - part.van_qty as used_qty,
			part.valuation_amount as value
		from `tabRepair Job` job
		join `tabRepair Job Part` part on part.parent = job.name and part.parenttype = 'Repair Job'
		where job.service_class in %(classes)s and job.status in %(done)s
			and job.completed_on >= %(start)s and job.completed_on < %(end)s + interval 1 day
			and part.issued_qty - part.returned_qty - part.van_qty > 0
			and not exists (
				select 1 from `tabSupplier Warranty Claim Item` claimed
				where claimed.claim_key = concat(job.name, ':', part.name)
			)
		order by job.completed_on, job.name, part.idx
		""",
		{
			"classes": policy.CLAIMABLE_SERVICE_CLASSES,
			"done": DONE,
			"start": from_date,
			"end": to_date,
		},
		as_dict=True,
	)


def unit_traces(serials: set[str]) -> dict[str, frappe._dict]:
	"""Serial -> the supplier and day of the Purchase Receipt it came in on."""
	if not serials:
		return {}
	rows = frappe.db.sql(
		"""
		select serial.name as serial_no, receipt.supplier, receipt.posting_date as purchased_on
		from `tabSerial No` serial
		join `tabPurchase Receipt` receipt on receipt.name = serial.purchase_document_no
		where serial.name in %(serials)s and receipt.docstatus = 1
		""",
		{"serials": tuple(serials)},
		as_dict=True,
	)
	return {row.serial_no: row for row in rows}


def part_purchases(parts: list[frappe._dict]) -> dict[str, Trace]:
	"""Part row -> its supplier trace: the Item's latest Purchase Receipt (of the job's company)
	on or before the job's completion, with the Item's supplier-warranty days."""
	rows = frappe.db.sql(
		"""
		select job_part.part_row, receipt.supplier, receipt.posting_date as purchased_on,
			item.supplier_warranty_days as warranty_days
		from (
			select part.name as part_row, part.item_code, job.company, date(job.completed_on) as done_on
			from `tabRepair Job Part` part
			join `tabRepair Job` job on job.name = part.parent
			where part.name in %(rows)s
		) job_part
		join `tabItem` item on item.name = job_part.item_code and item.supplier_warranty_days > 0
		join `tabPurchase Receipt` receipt on receipt.name = (
			select received.parent from `tabPurchase Receipt Item` received
			join `tabPurchase Receipt` pr on pr.name = received.parent
			where received.item_code = job_part.item_code and pr.docstatus = 1 and pr.is_return = 0
				and pr.company = job_part.company and pr.posting_date <= job_part.done_on
			order by pr.posting_date desc, pr.creation desc limit 1
		)
		""",
		{"rows": tuple(row.part_row for row in parts)},
		as_dict=True,
	)
	return {row.part_row: Trace(row.supplier, row.purchased_on, row.warranty_days) for row in rows}


def write_claims(lines: dict, from_date: date, to_date: date) -> list[str]:
	now, user = now_datetime(), frappe.session.user
	keys = {group: policy.proposal_key(group[0], group[1], from_date) for group in lines}
	drafts = existing_drafts(list(keys.values()))
	missing = [group for group in lines if keys[group] not in drafts]
	names = reserve_names(SERIES, len(missing))
	currency = dict(frappe.get_all("Company", fields=["name", "default_currency"], as_list=True))
	standard = tuple(standard_values("", now, user).values())[1:]
	parent_fields = [
		*standard_values("", now, user),
		"naming_series",
		"supplier",
		"supplier_name",
		"company",
		"currency",
		"status",
		"posting_date",
		"period_start",
		"period_end",
		"proposal_key",
	]
	supplier_names = dict(
		frappe.get_all(
			"Supplier",
			filters={"name": ("in", list({group[1] for group in lines}))},
			fields=["name", "supplier_name"],
			as_list=True,
		)
	)
	insert_rows(
		DOCTYPE,
		parent_fields,
		[
			(
				name,
				*standard,
				SERIES,
				supplier,
				supplier_names.get(supplier),
				company,
				currency.get(company),
				policy.DRAFT,
				getdate(now),
				from_date,
				to_date,
				keys[(company, supplier)],
			)
			for name, (company, supplier) in zip(names, missing, strict=True)
		],
		ignore_duplicates=True,
	)
	# a worker beside this one may have made some; approved drafts take no new lines
	drafts = {
		key: name
		for key, (name, status) in existing_drafts(list(keys.values())).items()
		if status == policy.DRAFT
	}
	next_idx = last_idx(list(drafts.values()))
	child_fields = [
		*standard_values("", now, user),
		"parent",
		"parenttype",
		"parentfield",
		"repair_job",
		"part_row",
		"item_code",
		"item_name",
		"qty",
		"cost",
		"labour_hours",
		"labour_rate",
		"claimed_amount",
		"claim_key",
	]
	item_names = (
		dict(
			frappe.get_all(
				"Item",
				filters={
					"name": (
						"in",
						list({r.item_code for rows in lines.values() for r in rows if r.item_code}),
					)
				},
				fields=["name", "item_name"],
				as_list=True,
			)
		)
		if any(r.item_code for rows in lines.values() for r in rows)
		else {}
	)
	hours = job_hours([r.repair_job for rows in lines.values() for r in rows if not r.part_row])
	values = []
	for group, rows in lines.items():
		parent = drafts.get(keys[group])
		if not parent:
			continue
		rate = flt(supplier_terms(group[1]).labour_rate)
		for row in rows:
			next_idx[parent] = next_idx.get(parent, 0) + 1
			if row.part_row:
				amounts = (flt(row.used_qty), flt(row.value, 2), 0.0, 0.0, flt(row.value, 2))
			else:
				worked = flt(hours.get(row.repair_job))
				amounts = (0.0, 0.0, worked, rate, policy.labour_amount(worked, rate))
			values.append(
				(
					frappe.generate_hash(length=10),
					now,
					now,
					user,
					user,
					0,
					next_idx[parent],
					parent,
					DOCTYPE,
					"items",
					row.repair_job,
					row.part_row,
					row.item_code,
					item_names.get(row.item_code),
					*amounts,
					policy.claim_key(row.repair_job, row.part_row),
				)
			)
	insert_rows(ITEM, child_fields, values, ignore_duplicates=True)
	touched = list({value[7] for value in values})
	refresh_totals(touched)
	return sorted(touched)


def existing_drafts(keys: list[str]) -> dict[str, tuple[str, str]]:
	"""Proposal key -> the draft that holds it, and its status. A draft gives its key up when it is
	sent; an approved draft keeps it, and takes no new lines until then."""
	if not keys:
		return {}
	claim = frappe.qb.DocType(DOCTYPE)
	rows = (
		frappe.qb.from_(claim)
		.select(claim.proposal_key, claim.name, claim.status)
		.where(claim.proposal_key.isin(keys) & (claim.docstatus == 0))
		.run()
	)
	return {key: (name, status) for key, name, status in rows}


def last_idx(parents: list[str]) -> dict[str, int]:
	if not parents:
		return {}
	item = frappe.qb.DocType(ITEM)
	from frappe.query_builder.functions import Max

	return dict(
		frappe.qb.from_(item)
		.select(item.parent, Max(item.idx))
		.where(item.parent.isin(parents))
		.groupby(item.parent)
		.run()
	)


def job_hours(jobs: list[str]) -> dict[str, float]:
	if not jobs:
		return {}
	return dict(
		frappe.db.sql(
			"""select parent, sum(hours) from `tabRepair Job Labour`
			where parenttype = 'Repair Job' and parent in %(jobs)s group by parent""",
			{"jobs": tuple(set(jobs))},
		)
	)


def refresh_totals(parents: list[str]) -> None:
	"""Each touched draft's total, from its lines, in one statement."""
	if not parents:
		return
	frappe.db.sql(
		"""
		update `tabSupplier Warranty Claim` claim
		join (
			select parent, sum(claimed_amount) as total from `tabSupplier Warranty Claim Item`
			where parent in %(parents)s group by parent
		) claimed on claimed.parent = claim.name
		set claim.total_claimed = claimed.total, claim.modified = %(now)s
		""",
		{"parents": tuple(parents), "now": now_datetime()},
	)
