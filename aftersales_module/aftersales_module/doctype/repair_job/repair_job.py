# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

from collections import defaultdict

import frappe
from frappe import _
from frappe.query_builder.functions import Sum
from frappe.utils import escape_html, flt, now_datetime

from aftersales_module import history
from aftersales_module.aftersales_module.doctype.repair_job.parts import consume_van_parts, part_line
from aftersales_module.guard import AppDocument, app_write, in_app_write
from aftersales_module.policy import repair as repair_policy
from aftersales_module.roles import is_manager, is_technician_only
from aftersales_module.settings import get_settings


class RepairJob(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from aftersales_module.aftersales_module.doctype.repair_job_labour.repair_job_labour import (
			RepairJobLabour,
		)
		from aftersales_module.aftersales_module.doctype.repair_job_part.repair_job_part import (
			RepairJobPart,
		)
		from aftersales_module.aftersales_module.doctype.repair_job_technician.repair_job_technician import (
			RepairJobTechnician,
		)

		appointment: DF.Datetime | None
		carry_in_receipt_no: DF.Data | None
		company: DF.Link
		complaint: DF.Link | None
		completed_on: DF.Datetime | None
		currency: DF.Link | None
		customer: DF.Link
		customer_name: DF.Data | None
		customer_signature: DF.Signature | None
		fault_cause: DF.Literal[
			"",
			"Product Defect",
			"Wear and Tear",
			"Improper Use",
			"Installation",
			"External Damage",
			"Unknown",
		]
		finding_differs: DF.Check
		first_time_fix: DF.Check
		imported_on: DF.Datetime | None
		is_historical: DF.Check
		item_code: DF.Link | None
		labour: DF.Table[RepairJobLabour]
		labour_total: DF.Currency
		naming_series: DF.Literal["RJ-.YYYY.-.#####"]
		parts: DF.Table[RepairJobPart]
		parts_cost: DF.Currency
		posting_date: DF.Date
		product_warranty_claim: DF.Link | None
		received_on: DF.Date | None
		reported_symptom: DF.SmallText | None
		returned_on: DF.Date | None
		sales_invoice: DF.Link | None
		serial_no: DF.Link | None
		service_class: DF.Literal["Paid", "Warranty", "Contract", "Goodwill"]
		site_finding: DF.SmallText | None
		status: DF.Literal[
			"Open", "Dispatched", "In Progress", "Awaiting Parts", "Completed", "Invoiced", "Closed"
		]
		supervisor: DF.Link | None
		supervisor_checked_on: DF.Datetime | None
		technicians: DF.Table[RepairJobTechnician]
		total_cost: DF.Currency
		total_price: DF.Currency
	# end: auto-generated types

	# Set by the app's own actions only: the invoice, the supervisor's check, completion, the claim.
	app_managed_fields = (
		"sales_invoice",
		"supervisor",
		"supervisor_checked_on",
		"completed_on",
		*history.FIELDS,
	)
	set_once_fields = ("product_warranty_claim",)

	def before_insert(self):
		# a Data Import of the old job book: done or before the cut-off, it is history (history.py)
		done = self.status in (repair_policy.COMPLETED, repair_policy.INVOICED, repair_policy.CLOSED)
		history.mark_imported(self, self.posting_date, done)

	def validate(self):
		if self.is_new():
			if history.imported_now(self):
				# an imported job enters at the status it had reached
				self.status = self.status or repair_policy.OPEN
			elif self.status not in (None, "", repair_policy.OPEN) and not in_app_write():
				frappe.throw(
					_("A new Repair Job starts Open; move it on with its status buttons"),
					frappe.PermissionError,
				)
			else:
				self.status = repair_policy.OPEN
		else:
			self.check_status_move()
			self.check_service_class_change()
		self.validate_serial_no()
		self.set_technician_employees()
		self.validate_parts()
		self.set_part_rates()
		self.set_labour_rates()
		self.calculate_totals()

	def check_status_move(self):
		"""A status move, from a status button or a plain save, follows the same rules (policy)."""
		old, new = self.get_doc_before_save().status, self.status
		if old == new or in_app_write():
			return
		technician_only = is_technician_only(frappe.session.user)
		if problem := repair_policy.move_problem(old, new, technician_only, bool(self.technicians)):
			frappe.throw(
				_(problem).format(frappe.bold(self.name), _(old), _(new)),
				frappe.PermissionError if technician_only else frappe.ValidationError,
			)
		if new == repair_policy.COMPLETED:
			self.completed_on = now_datetime()
			self.flags.completed_now = True

	def check_service_class_change(self):
		"""Who pays is settled once the job is dispatched or has parts: then only a manager's
		Change Service Class action (logged) moves it."""
		before = self.get_doc_before_save()
		if before.service_class == self.service_class or in_app_write():
			return
		parts_moved = any(flt(row.issued_qty) or flt(row.van_qty) for row in before.parts)
		if repair_policy.service_class_locked(before.status, parts_moved, bool(before.sales_invoice)):
			frappe.throw(
				_(
					"Repair Job {0} is {1}: its service class decides who pays, and only an After Sales Manager can change it (Change Service Class)"
				).format(frappe.bold(self.name), _(before.status)),
				frappe.PermissionError,
			)

	def on_update(self):
		if self.flags.completed_now:
			self.flags.completed_now = False
			if consume_van_parts(self):
				self.reload()

	def validate_serial_no(self):
		if not self.serial_no:
			return
		item_code = frappe.db.get_value("Serial No", self.serial_no, "item_code")
		if self.item_code and item_code != self.item_code:
			frappe.throw(
				_("Serial No {0} is a {1}, not a {2}").format(
					frappe.bold(self.serial_no), item_code, self.item_code
				)
			)
		self.item_code = item_code

	def set_technician_employees(self):
		seen = set()
		for row in self.technicians:
			if row.user in seen:
				frappe.throw(_("Row {0}: {1} is dispatched twice").format(row.idx, row.user))
			seen.add(row.user)
			if not row.employee:
				row.employee = frappe.db.get_value("Employee", {"user_id": row.user, "status": "Active"})

	def validate_parts(self):
		before = {row.name: row for row in (self.get_doc_before_save() or frappe._dict()).get("parts", [])}
		for row in self.parts:
			old = before.get(row.name)
			moved = old and (flt(old.issued_qty) or flt(old.returned_qty))
			if self.flags.from_stock_entry:
				continue
			if moved and old.item_code != row.item_code:
				frappe.throw(
					_("Row {0}: {1} has been issued; add a new row instead of changing the item").format(
						row.idx, frappe.bold(old.item_code)
					)
				)
			if not frappe.db.get_value("Item", row.item_code, "is_stock_item"):
				frappe.throw(
					_("Row {0}: {1} is not a stock item; put services under Labour").format(
						row.idx, frappe.bold(row.item_code)
					)
				)
			if old is None:
				row.issued_qty = row.returned_qty = row.valuation_amount = 0
				row.van_qty = row.consumed_qty = 0
			elif moved:
				# quantities and cost follow the stock ledger only
				row.issued_qty, row.returned_qty = old.issued_qty, old.returned_qty
				row.van_qty, row.consumed_qty = old.van_qty, old.consumed_qty
				row.valuation_amount = old.valuation_amount

	def selling_price_list(self) -> str | None:
		return (
			frappe.db.get_value("Customer", self.customer, "default_price_list")
			or frappe.db.get_single_value("Selling Settings", "selling_price_list")
			or None
		)

	def price_of(self, item_code: str, qty: float) -> float:
		from erpnext.stock.get_item_details import get_price_list_rate_for

		price_list = self.selling_price_list()
		if not price_list:
			return 0.0
		stock_uom = frappe.db.get_value("Item", item_code, "stock_uom")
		args = frappe._dict(
			price_list=price_list,
			customer=self.customer,
			uom=stock_uom,
			stock_uom=stock_uom,
			transaction_date=self.posting_date,
			qty=qty,
		)
		return flt(get_price_list_rate_for(args, item_code))

	def set_part_rates(self):
		for row in self.parts:
			if not row.rate:
				row.rate = self.price_of(row.item_code, row.qty)

	def set_labour_rates(self):
		labour_item = get_settings().labour_item
		for row in self.labour:
			if not row.service_item:
				row.service_item = labour_item
			if not row.rate and row.service_item:
				row.rate = self.price_of(row.service_item, row.hours)

	def calculate_totals(self):
		for row in self.parts:
			row.amount = repair_policy.line_amount(
				repair_policy.chargeable_part_qty(part_line(row)), row.rate
			)
		for row in self.labour:
			row.amount = repair_policy.line_amount(row.hours, row.rate)
		labour = [(row.hours, row.rate) for row in self.labour]
		self.labour_total = sum(flt(row.amount) for row in self.labour)
		self.parts_cost = sum(flt(row.valuation_amount) for row in self.parts)
		self.total_cost = repair_policy.job_cost(self.parts_cost, labour)
		self.total_price = repair_policy.job_price(
			self.service_class,
			[(repair_policy.chargeable_part_qty(part_line(row)), row.rate) for row in self.parts],
			labour,
		)

	def load_committed_parts(self) -> None:
		"""Read the part rows' moved quantities and stock value as committed now: a locking read,
		which sees what other transactions committed after this one's snapshot. Every Stock Entry
		writes them while it holds the job's row lock, and so does the caller."""
		part = frappe.qb.DocType("Repair Job Part")
		fields = ("issued_qty", "returned_qty", "van_qty", "consumed_qty", "valuation_amount")
		committed = {
			row.name: row
			for row in (
				frappe.qb.from_(part)
				.select(part.name, *(part[f] for f in fields))
				.where((part.parent == self.name) & (part.parenttype == self.doctype))
				.for_update()
			).run(as_dict=True)
		}
		for row in self.parts:
			if latest := committed.get(row.name):
				row.update({f: flt(latest[f]) for f in fields})

	def add_stock_entry(self, entry, sign: int, value: dict[str, float]) -> None:
		"""Add (sign 1, on submit) or take back (sign -1, on cancel) one Stock Entry's moves and its
		stock value per part (`value`, from its ledger rows) to the committed quantities, and save."""
		moves = defaultdict(list)
		for d in entry.items:
			if d.get("repair_job_part"):
				moves[d.repair_job_part].append(
					(entry.purpose, entry.get("repair_job_move"), flt(d.transfer_qty))
				)
		for row in self.parts:
			qty = repair_policy.tally_moves(moves.get(row.name, []))
			row.issued_qty = flt(row.issued_qty) + sign * qty["issued"]
			row.returned_qty = flt(row.returned_qty) + sign * qty["returned"]
			row.van_qty = flt(row.van_qty) + sign * qty["in_van"]
			row.consumed_qty = flt(row.consumed_qty) + sign * qty["consumed"]
			row.valuation_amount = flt(row.valuation_amount) + sign * value.get(row.name, 0)
		self.calculate_totals()
		self.flags.from_stock_entry = True
		with app_write():
			self.save(ignore_permissions=True)

	def set_status_by_system(self, status: str, **values):
		with app_write():
			self.status = status
			self.update(values)
			self.flags.ignore_validate_update_after_submit = True
			self.save(ignore_permissions=True)


def user_can_work_on(job, user: str | None = None) -> bool:
	"""Whether `user` is dispatched to the job (technicians see only their own jobs)."""
	user = user or frappe.session.user
	return any(row.user == user for row in job.technicians)


def get_permission_query_conditions(user: str | None = None) -> str:
	user = user or frappe.session.user
	if user == "Administrator" or not is_technician_only(user):
		return ""
	return (
		"exists (select 1 from `tabRepair Job Technician` t where t.parent = `tabRepair Job`.name"
		f" and t.parenttype = 'Repair Job' and t.user = {frappe.db.escape(user)})"
	)


def has_permission(doc, ptype: str | None = None, user: str | None = None) -> bool | None:
	user = user or frappe.session.user
	if user == "Administrator" or not is_technician_only(user):
		return None
	return user_can_work_on(doc, user)


@frappe.whitelist()
def set_status(repair_job: str, status: str) -> str:
	"""Move a job along its life cycle by hand (dispatch, start, wait for parts, complete, close).
	The rules are checked in `validate`, the same for this button and a plain save."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("write")
	if status not in repair_policy.STATUSES:
		frappe.throw(_("{0} is not a Repair Job status").format(frappe.bold(status)))
	job.status = status
	job.save()
	return job.status


@frappe.whitelist()
def supervisor_check(repair_job: str) -> None:
	"""Record the supervisor's check of the finished work (001/3 §7)."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("write")
	if not is_manager():
		frappe.throw(
			_("Only an After Sales Manager can check Repair Job {0}").format(job.name), frappe.PermissionError
		)
	with app_write():
		job.supervisor = frappe.session.user
		job.supervisor_checked_on = now_datetime()
		job.save()


@frappe.whitelist()
def change_service_class(repair_job: str, service_class: str, reason: str) -> str:
	"""An After Sales Manager changes who pays for a job after dispatch; the change is logged."""
	job = frappe.get_doc("Repair Job", repair_job)
	job.check_permission("write")
	if not is_manager():
		frappe.throw(
			_("Only an After Sales Manager can change the service class of Repair Job {0}").format(job.name),
			frappe.PermissionError,
		)
	if service_class not in repair_policy.SERVICE_CLASSES:
		frappe.throw(_("{0} is not a service class").format(frappe.bold(service_class)))
	if not (reason or "").strip():
		frappe.throw(_("Say why the service class of Repair Job {0} changes").format(job.name))
	if job.sales_invoice:
		frappe.throw(
			_("Repair Job {0} is invoiced by {1}; cancel the invoice first").format(
				job.name, job.sales_invoice
			)
		)
	old = job.service_class
	if old == service_class:
		return old
	with app_write():
		job.service_class = service_class
		job.save()
	job.add_comment(
		"Info",
		_("Service class changed from {0} to {1} by {2}: {3}").format(
			_(old), _(service_class), frappe.session.user, escape_html(reason.strip())
		),
	)
	return job.service_class


def on_doctype_update():
	"""The reports' indexes: they read these columns from the index alone (Technician Performance,
	Supervisor Daily Summary, Warranty Cost; benchmarks/reports.py)."""
	frappe.db.add_index(
		"Repair Job",
		["completed_on", "company", "first_time_fix", "serial_no"],
		index_name="completed_on_company",
	)
	# repeat repairs: a later job on the same unit
	frappe.db.add_index(
		"Repair Job", ["serial_no", "posting_date", "creation"], index_name="serial_no_posting_date"
	)
	frappe.db.add_index(
		"Repair Job", ["posting_date", "service_class", "company"], index_name="posting_date_service_class"
	)
	# Supervisor Daily Summary's pending jobs, and Parts to Issue's working jobs: by status and company
	frappe.db.add_index("Repair Job", ["status", "company"], index_name="status_company")
