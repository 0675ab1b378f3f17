"""Which maintenance contract covers a unit, and what that does to a repair job or a warranty claim:
the service class, what the customer still pays, and the SLA deadlines (requirements §1.4).

The rules are in policy/contract.py; this module reads the candidate rows and writes the results.
It runs as doc_events after the Repair Job and Product Warranty Claim controllers' own validate."""

from datetime import date

import frappe
from frappe import _
from frappe.custom.doctype.custom_field.custom_field import create_custom_fields
from frappe.utils import flt, get_datetime, getdate, now_datetime

from aftersales_module.escalation.planning import plan
from aftersales_module.escalation.registry import ENGINE_FIELDS, Escalatable
from aftersales_module.guard import in_app_write, refuse_managed_changes
from aftersales_module.policy import contract as policy
from aftersales_module.policy import repair as repair_policy
from aftersales_module.policy import warranty as warranty_policy
from aftersales_module.policy.escalation import Calendar

CONTRACT = "Maintenance Contract"
# Repair Job fields only the app writes: the covering contract, the visit, the SLA deadlines and
# the escalation the engine keeps.
JOB_MANAGED_FIELDS = (
	"maintenance_contract",
	"contract_visit",
	"job_kind",
	"response_due",
	"resolution_due",
	"sla_deadline",
	"sla_overdue",
	*ENGINE_FIELDS,
	"escalation_log",
)

# How covered repair jobs take part in the escalation engine (hooks.py: aftersales_escalating). The
# levels of a Repair Job escalation policy count from the job's SLA deadline, which is its response
# time until it is answered, then its resolution time; an inspection's is the end of its visit day.
# A job no contract covers has no SLA deadline and does not escalate.
JOB_ESCALATION = Escalatable(
	doctype="Repair Job",
	log_doctype="After Sales Escalation Entry",
	log_field="escalation_log",
	active_statuses=repair_policy.WORKING_STATUSES,
	title_field="customer_name",
	payload_fields=(
		"customer",
		"customer_name",
		"service_class",
		"job_kind",
		"maintenance_contract",
		"sla_deadline",
		"status",
		"company",
	),
	match_fields=(),
	clock_field="sla_deadline",
	clock_label="SLA Deadline",
	clock_moves=True,
	handler_field="supervisor",
	deadline_field="sla_deadline",
	overdue_field="sla_overdue",
)


def candidates(serial_no: str | None, item_code: str | None, customer: str | None) -> list[policy.Cover]:
	"""The covered-unit rows of submitted contracts that could cover this unit."""
	unit = frappe.qb.DocType("Maintenance Contract Unit")
	mc = frappe.qb.DocType(CONTRACT)
	match = None
	if serial_no:
		match = unit.serial_no == serial_no
	if item_code and customer:
		by_item = (
			(unit.item_code == item_code)
			& (mc.customer == customer)
			& (unit.serial_no.isnull() | (unit.serial_no == ""))
		)
		match = by_item if match is None else (match | by_item)
	if match is None:
		return []
	rows = (
		frappe.qb.from_(unit)
		.join(mc)
		.on(mc.name == unit.parent)
		.select(
			mc.name,
			mc.customer,
			mc.start_date,
			mc.end_date,
			mc.status,
			mc.contract_type,
			unit.item_code,
			unit.serial_no,
		)
		.where((unit.parenttype == CONTRACT) & (mc.docstatus == 1) & match)
	).run(as_dict=True)
	return [
		policy.Cover(
			contract=r.name,
			customer=r.customer,
			start=getdate(r.start_date),
			end=getdate(r.end_date),
			status=r.status,
			item_code=r.item_code,
			serial_no=r.serial_no or None,
			contract_type=r.contract_type,
		)
		for r in rows
	]


def find_cover(serial_no, item_code, customer, on: date) -> policy.Cover | None:
	return policy.active_contract(
		candidates(serial_no, item_code, customer), getdate(on), serial_no, item_code, customer
	)


def company_calendar(company: str) -> Calendar:
	"""Working days from the company's default holiday list (its weekly offs are holidays there);
	Saturday and Sunday off when it has none."""
	holiday_list = frappe.get_cached_value("Company", company, "default_holiday_list")
	if not holiday_list:
		return Calendar(working_days_only=True)
	holidays = frozenset(
		getdate(d) for d in frappe.get_all("Holiday", {"parent": holiday_list}, pluck="holiday_date")
	)
	return Calendar(working_days_only=True, weekend=frozenset(), holidays=holidays)


def repair_job_validate(doc, method=None):
	"""doc_events validate of Repair Job, after its controller: the covering contract, the service
	class of a covered job, its price under the contract and its SLA deadlines."""
	refuse_managed_changes(doc, JOB_MANAGED_FIELDS)
	doc.contract_visit = doc.contract_visit or None
	doc.job_kind = doc.job_kind or policy.REPAIR
	before = doc.get_doc_before_save()
	if not doc.contract_visit:
		set_covering_contract(doc, before)
	if doc.maintenance_contract and doc.service_class == repair_policy.CONTRACT:
		contract_type = frappe.db.get_value(CONTRACT, doc.maintenance_contract, "contract_type")
		doc.total_price = policy.covered_job_price(
			contract_type,
			doc.job_kind,
			[
				(
					repair_policy.chargeable_part_qty(
						repair_policy.PartLine(
							requested=flt(row.qty), issued=flt(row.issued_qty), returned=flt(row.returned_qty)
						)
					),
					flt(row.rate),
				)
				for row in doc.parts
			],
			[(flt(row.hours), flt(row.rate)) for row in doc.labour],
		)
	set_deadlines(doc, before)


def set_covering_contract(doc, before):
	keys = ("serial_no", "item_code", "customer", "posting_date")
	changed = before is None or any(str(before.get(k) or "") != str(doc.get(k) or "") for k in keys)
	if not changed:
		return
	parts_moved = any(flt(row.issued_qty) or flt(row.van_qty) for row in doc.parts)
	locked = before is not None and repair_policy.service_class_locked(
		before.status, parts_moved, bool(doc.sales_invoice)
	)
	if locked and not in_app_write():
		return
	cover = find_cover(doc.serial_no, doc.item_code, doc.customer, doc.posting_date)
	doc.maintenance_contract = cover.contract if cover else None
	if cover and doc.service_class == repair_policy.PAID:
		doc.service_class = repair_policy.CONTRACT
	elif not cover and doc.service_class == repair_policy.CONTRACT and before is not None:
		if before.maintenance_contract:  # the contract this job was classed under no longer covers it
			doc.service_class = repair_policy.PAID


def set_deadlines(doc, before):
	"""Response and resolution deadlines of a covered repair, from the contract's SLA counted from
	when the job was opened; an inspection is due by the end of its visit day. Then the deadline the
	job runs against now, and when it escalates next."""
	if not doc.maintenance_contract:
		doc.response_due = doc.resolution_due = None
	elif doc.job_kind == policy.INSPECTION:
		visit_day = (
			frappe.db.get_value("Maintenance Contract Visit", doc.contract_visit, "planned_date")
			if doc.contract_visit
			else None
		)
		doc.response_due = None
		doc.resolution_due = policy.inspection_deadline(getdate(visit_day)) if visit_day else None
	elif not (
		before is not None and before.maintenance_contract == doc.maintenance_contract and doc.response_due
	):
		sla = frappe.db.get_value(
			CONTRACT,
			doc.maintenance_contract,
			["response_hours", "resolution_hours", "is_24x7"],
			as_dict=True,
		)
		opened_at = get_datetime(doc.creation) if doc.creation else now_datetime()
		doc.response_due, doc.resolution_due = policy.sla_deadlines(
			opened_at,
			flt(sla.response_hours),
			flt(sla.resolution_hours),
			bool(sla.is_24x7),
			company_calendar(doc.company),
		)
	doc.sla_deadline = policy.current_sla_deadline(
		doc.status == repair_policy.OPEN, doc.response_due, doc.resolution_due
	)
	plan(doc)


def warranty_claim_validate(doc, method=None):
	"""doc_events validate of Product Warranty Claim, after its controller: out of warranty, a
	contract that covers the unit on the claim date makes the claim Under Contract."""
	if doc.coverage == warranty_policy.IN_WARRANTY:
		return
	if find_cover(doc.serial_no, doc.item_code, doc.customer, doc.claim_date):
		doc.coverage = warranty_policy.UNDER_CONTRACT


@frappe.whitelist()
def make_contract_invoice(repair_job: str) -> str:
	"""A draft Sales Invoice for what a completed contract job still charges (the labour under Parts
	Only, the parts under Labour Only, all but the inspection under Inspection Only)."""
	from aftersales_module.aftersales_module.doctype.maintenance_contract.maintenance_contract import (
		billing_item,
	)

	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	frappe.has_permission("Sales Invoice", "create", throw=True)
	if job.service_class != repair_policy.CONTRACT or not job.maintenance_contract:
		frappe.throw(_("Repair Job {0} is not covered by a maintenance contract").format(job.name))
	if job.status != repair_policy.COMPLETED:
		frappe.throw(
			_("Repair Job {0} is {1}: only a completed job is invoiced").format(job.name, _(job.status))
		)
	contract_type = frappe.db.get_value(CONTRACT, job.maintenance_contract, "contract_type")
	charge = policy.charges(contract_type, job.job_kind)
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"customer": job.customer,
			"company": job.company,
			"maintenance_contract": job.maintenance_contract,
			"contract_repair_job": job.name,
		}
	)
	if charge.parts:
		for row in job.parts:
			qty = max(flt(row.issued_qty) - flt(row.returned_qty), 0)
			if qty > 0:
				invoice.append("items", {"item_code": row.item_code, "qty": qty, "rate": row.rate})
	if charge.labour:
		for row in job.labour:
			invoice.append(
				"items",
				{
					"item_code": row.service_item or billing_item(),
					"qty": row.hours,
					"rate": row.rate,
					"description": row.activity,
				},
			)
	if not invoice.items:
		frappe.throw(
			_("Maintenance Contract {0} covers everything Repair Job {1} used: nothing to invoice").format(
				job.maintenance_contract, job.name
			)
		)
	invoice.remarks = _("Repair Job {0} under Maintenance Contract {1}").format(
		job.name, job.maintenance_contract
	)
	invoice.run_method("set_missing_values")
	invoice.run_method("calculate_taxes_and_totals")
	invoice.insert()
	return invoice.name


def invoiced_job(doc):
	"""The covered repair job a Sales Invoice bills the uncovered charges of (Invoice Charges Not Covered)."""
	if doc.get("contract_repair_job") and not doc.get("is_return"):
		return frappe.get_doc("Repair Job", doc.contract_repair_job)
	return None


def sales_invoice_validate(doc, method=None):
	"""doc_events validate of Sales Invoice: an invoice of a covered job is for that job's customer
	and company, and only while the job is completed (or invoiced by this invoice)."""
	job = invoiced_job(doc)
	if not job:
		return
	ours = job.status == repair_policy.INVOICED and job.sales_invoice == doc.name
	if not ours and (job.status != repair_policy.COMPLETED or job.service_class != repair_policy.CONTRACT):
		frappe.throw(
			_("Repair Job {0} is {1}: only a completed job is invoiced").format(job.name, _(job.status))
		)
	if doc.customer != job.customer or doc.company != job.company:
		frappe.throw(
			_("Sales Invoice {0} must be for {1} of {2}, like Repair Job {3}").format(
				doc.name, job.customer, job.company, job.name
			)
		)


def sales_invoice_on_submit(doc, method=None):
	if job := invoiced_job(doc):
		job.set_status_by_system(repair_policy.INVOICED, sales_invoice=doc.name)


def sales_invoice_on_cancel(doc, method=None):
	"""A cancelled invoice puts its covered job back to Completed, and its contract billing period
	to Cancelled (Bill Again bills it anew)."""
	job = invoiced_job(doc)
	if job and job.sales_invoice == doc.name:
		job.set_status_by_system(repair_policy.COMPLETED, sales_invoice=None)
	if doc.get("maintenance_contract"):
		from aftersales_module.tasks.contracts import reconcile_billing

		reconcile_billing([doc.maintenance_contract])


CUSTOM_FIELDS = {
	"Sales Invoice": [
		{
			"fieldname": "maintenance_contract",
			"label": "Maintenance Contract",
			"fieldtype": "Link",
			"options": CONTRACT,
			"insert_after": "customer",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
		{
			"fieldname": "contract_repair_job",
			"label": "Contract Repair Job",
			"fieldtype": "Link",
			"options": "Repair Job",
			"insert_after": "maintenance_contract",
			"read_only": 1,
			"no_copy": 1,
			"search_index": 1,
		},
	],
	"Quotation": [
		{
			"fieldname": "maintenance_contract",
			"label": "Maintenance Contract",
			"fieldtype": "Link",
			"options": CONTRACT,
			"insert_after": "party_name",
			"read_only": 1,
			"no_copy": 1,
		}
	],
}


def after_migrate():
	"""Link fields from Sales Invoice and Quotation to the contract, and one job per visit."""
	create_custom_fields(CUSTOM_FIELDS, update=True)
	frappe.db.add_unique("Repair Job", ["contract_visit"], constraint_name="unique_contract_visit")
