"""Paid repairs are invoiced from the job (001/3 §5); the invoice drives the job's Invoiced status."""

import frappe
from frappe import _
from frappe.utils import flt

from aftersales_module.aftersales_module.doctype.repair_job.parts import part_line
from aftersales_module.integrations.erpnext.delivery_note import register_warranties, void_registrations
from aftersales_module.policy import repair as repair_policy
from aftersales_module.roles import is_manager
from aftersales_module.settings import get_settings


def linked_job(doc):
	if doc.get("repair_job") and not doc.get("is_return"):
		return frappe.get_doc("Repair Job", doc.repair_job)
	return None


def validate(doc, method=None):
	job = linked_job(doc)
	if not job:
		return
	already_ours = job.status == repair_policy.INVOICED and job.sales_invoice == doc.name
	if not already_ours and not repair_policy.can_invoice(job.service_class, job.status):
		frappe.throw(
			_("Repair Job {0} is a {1} job in status {2}: only completed Paid jobs are invoiced").format(
				frappe.bold(job.name), _(job.service_class), _(job.status)
			)
		)
	if doc.customer != job.customer or doc.company != job.company:
		frappe.throw(
			_("Sales Invoice {0} must be for {1} of {2}, like Repair Job {3}").format(
				doc.name, job.customer, job.company, job.name
			)
		)


def before_submit(doc, method=None):
	job = linked_job(doc)
	if not job:
		return
	list_total = sum(flt(d.price_list_rate or d.rate) * flt(d.qty) for d in doc.items)
	stored = get_settings().get("discount_approval_percent")
	threshold = None if stored in (None, "") else flt(stored)  # None: the policy's default
	if repair_policy.discount_needs_approval(list_total, flt(doc.net_total), threshold):
		if not is_manager():
			frappe.throw(
				_(
					"Sales Invoice {0} gives {1}% off Repair Job {2}; a discount above {3}% needs an After Sales Manager"
				).format(
					doc.name,
					repair_policy.discount_percent(list_total, flt(doc.net_total)),
					job.name,
					repair_policy.DEFAULT_DISCOUNT_APPROVAL_PERCENT if threshold is None else threshold,
				),
				title=_("Discount Needs Approval"),
			)


def on_submit(doc, method=None):
	job = linked_job(doc)
	if job:
		job.set_status_by_system(repair_policy.INVOICED, sales_invoice=doc.name)
	if doc.get("update_stock"):
		register_warranties(doc)


def on_cancel(doc, method=None):
	job = linked_job(doc)
	if job and job.sales_invoice == doc.name:
		job.set_status_by_system(repair_policy.COMPLETED, sales_invoice=None)
	if doc.get("update_stock"):
		void_registrations(doc)
