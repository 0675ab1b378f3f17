"""A completed paid Repair Job becomes a draft Sales Invoice: the parts that left stock and the
labour hours. The Sales Invoice doc_events (integrations/erpnext/sales_invoice.py) move the job to
Invoiced on submit and back on cancel."""

import frappe
from frappe import _

from aftersales_module.aftersales_module.doctype.repair_job.parts import part_line
from aftersales_module.policy import repair as repair_policy


@frappe.whitelist()
def make_sales_invoice(repair_job: str) -> str:
	"""A draft Sales Invoice for a completed paid job: the parts that left stock, priced from the
	selling price list, and the labour hours at the job's rate. Returns its name."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("read")
	frappe.has_permission("Sales Invoice", "create", throw=True)
	if not repair_policy.can_invoice(job.service_class, job.status):
		frappe.throw(
			_("Repair Job {0} is a {1} job in status {2}: only completed Paid jobs are invoiced").format(
				frappe.bold(job.name), _(job.service_class), _(job.status)
			)
		)
	invoice = frappe.new_doc("Sales Invoice")
	invoice.update(
		{
			"customer": job.customer,
			"company": job.company,
			"repair_job": job.name,
			"selling_price_list": job.selling_price_list(),
		}
	)
	for row in job.parts:
		qty = repair_policy.chargeable_part_qty(part_line(row))
		if qty > 0:
			invoice.append("items", {"item_code": row.item_code, "qty": qty})
	for row in job.labour:
		if not row.service_item:
			frappe.throw(
				_(
					"Set the Labour (Service) Item in After Sales Settings before invoicing Repair Job {0}"
				).format(job.name)
			)
		invoice.append(
			"items",
			{"item_code": row.service_item, "qty": row.hours, "rate": row.rate, "description": row.activity},
		)
	if not invoice.items:
		frappe.throw(_("Repair Job {0} has no issued parts and no labour to invoice").format(job.name))
	invoice.run_method("set_missing_values")
	invoice.run_method("calculate_taxes_and_totals")
	invoice.insert()
	return invoice.name
