# Copyright (c) 2026, aftersales_module developers
# For license information, please see license.txt

"""A maintenance contract (商品保养合同书, 001/3 §1): the units it covers, its SLA, the inspection visits
it plans (001/8 "每年2次巡视服务"), how it is billed, its account team and its renewal (001/3 §15)."""

import frappe
from frappe import _
from frappe.utils import cint, flt, get_datetime, getdate, nowdate

from aftersales_module.guard import AppDocument, app_write
from aftersales_module.policy import contract as policy
from aftersales_module.settings import get_settings


class MaintenanceContract(AppDocument):
	# begin: auto-generated types
	# This code is auto-generated. Do not modify anything in this block.

	from typing import TYPE_CHECKING

	if TYPE_CHECKING:
		from frappe.types import DF

		from aftersales_module.aftersales_module.doctype.maintenance_contract_team_member.maintenance_contract_team_member import (
			MaintenanceContractTeamMember,
		)
		from aftersales_module.aftersales_module.doctype.maintenance_contract_unit.maintenance_contract_unit import (
			MaintenanceContractUnit,
		)
		from aftersales_module.aftersales_module.doctype.maintenance_contract_visit.maintenance_contract_visit import (
			MaintenanceContractVisit,
		)

		account_lead: DF.Link | None
		amended_from: DF.Link | None
		billed_amount: DF.Currency
		billing_amount: DF.Currency
		billing_interval: DF.Literal["One-off", "Monthly", "Quarterly", "Yearly"]
		company: DF.Link
		contract_type: DF.Literal["Full Service", "Parts Only", "Labour Only", "Inspection Only"]
		currency: DF.Link | None
		customer: DF.Link
		customer_contact: DF.Link | None
		customer_name: DF.Data | None
		end_date: DF.Date
		is_24x7: DF.Check
		naming_series: DF.Literal["MC-.YYYY.-.#####"]
		planned_amount: DF.Currency
		renewal_quotation: DF.Link | None
		renewed_from: DF.Link | None
		renewed_to: DF.Link | None
		resolution_hours: DF.Float
		response_hours: DF.Float
		scope: DF.SmallText | None
		start_date: DF.Date
		status: DF.Literal["Draft", "Active", "Expiring", "Expired", "Renewed", "Cancelled"]
		team: DF.Table[MaintenanceContractTeamMember]
		units: DF.Table[MaintenanceContractUnit]
		visits: DF.Table[MaintenanceContractVisit]
		visits_per_year: DF.Int
	# end: auto-generated types

	# Set by the app: the status, the visit schedule (moved through Move Visit), what was billed and
	# the renewal links.
	app_managed_fields = (
		"status",
		"visits",
		"billed_amount",
		"renewed_from",
		"renewed_to",
		"renewal_quotation",
	)

	def before_insert(self):
		# An amendment of a renewal is still the renewal: Frappe copies no `no_copy` field to it.
		if self.amended_from and not self.renewed_from:
			self.renewed_from = frappe.db.get_value("Maintenance Contract", self.amended_from, "renewed_from")

	def validate(self):
		self.throw_problems(policy.date_problems(getdate(self.start_date), getdate(self.end_date)))
		self.throw_problems(policy.amount_problems(flt(self.billing_amount)))
		self.throw_problems(policy.visit_problems(self.contract_type, cint(self.visits_per_year)))
		self.validate_contact()
		self.validate_team()
		self.validate_units()
		if self.docstatus == 0:
			self.status = policy.DRAFT
			self.make_schedule()
		self.planned_amount = (
			policy.planned_amount(
				getdate(self.start_date),
				getdate(self.end_date),
				self.billing_interval or policy.YEARLY,
				flt(self.billing_amount),
			)
			if flt(self.billing_amount)
			else 0
		)

	def throw_problems(self, problems):
		if problems:
			frappe.throw(
				"<br>".join(
					_(p.message).format(_(self.meta.get_label(p.fieldname)), *p.args) for p in problems
				),
				title=_("Invalid Maintenance Contract"),
			)

	def validate_contact(self):
		if self.customer_contact and not frappe.db.exists(
			"Dynamic Link",
			{
				"parenttype": "Contact",
				"parent": self.customer_contact,
				"link_doctype": "Customer",
				"link_name": self.customer,
			},
		):
			frappe.throw(
				_("Contact {0} is not a contact of {1}").format(
					frappe.bold(self.customer_contact), frappe.bold(self.customer)
				)
			)

	def validate_team(self):
		users = [row.user for row in self.team]
		if len(users) != len(set(users)):
			frappe.throw(_("A user is listed twice in the account team of {0}").format(self.name))
		leads = [row.user for row in self.team if row.is_lead]
		self.throw_problems(policy.team_problems(len(leads), len(users)))
		self.account_lead = leads[0]

	def validate_units(self):
		if not self.units:
			frappe.throw(_("Add the units Maintenance Contract {0} covers").format(self.name))
		serials = [row.serial_no for row in self.units if row.serial_no]
		if len(serials) != len(set(serials)):
			frappe.throw(_("A serial number is listed twice on Maintenance Contract {0}").format(self.name))
		for row in self.units:
			if row.serial_no:
				self.validate_serial(row)
			if row.site_address:
				self.set_site(row)
		if serials:
			self.validate_overlaps(serials)

	def set_site(self, row):
		"""The site must be one of the customer's addresses; its lines are kept for the print."""
		if not frappe.db.exists(
			"Dynamic Link",
			{
				"parenttype": "Address",
				"parent": row.site_address,
				"link_doctype": "Customer",
				"link_name": self.customer,
			},
		):
			frappe.throw(
				_("Row {0}: Address {1} is not an address of {2}").format(
					row.idx, frappe.bold(row.site_address), frappe.bold(self.customer)
				)
			)
		address = frappe.db.get_value(
			"Address", row.site_address, ["address_line1", "address_line2", "city"], as_dict=True
		)
		row.site_address_display = "\n".join(
			filter(None, (address.address_line1, address.address_line2, address.city))
		)

	def validate_serial(self, row):
		serial = frappe.db.get_value("Serial No", row.serial_no, ["item_code", "customer"], as_dict=True)
		if serial.item_code != row.item_code:
			frappe.throw(
				_("Row {0}: Serial No {1} is a {2}, not a {3}").format(
					row.idx, frappe.bold(row.serial_no), serial.item_code, row.item_code
				)
			)
		registration_customers = set(
			frappe.get_all(
				"Warranty Registration",
				filters={"serial_no": row.serial_no, "status": ("!=", "Void")},
				pluck="customer",
			)
		)
		owners = registration_customers | ({serial.customer} if serial.customer else set())
		if self.customer not in owners:
			frappe.throw(
				_(
					"Row {0}: Serial No {1} was not delivered to {2}; a contract covers the customer's own units"
				).format(row.idx, frappe.bold(row.serial_no), frappe.bold(self.customer))
			)

	def validate_overlaps(self, serials: list[str]):
		"""A unit is covered by one running contract at a time: a submitted contract that is neither
		cancelled nor renewed and shares a day with this one refuses it."""
		unit = frappe.qb.DocType("Maintenance Contract Unit")
		contract = frappe.qb.DocType("Maintenance Contract")
		clash = (
			frappe.qb.from_(unit)
			.join(contract)
			.on(contract.name == unit.parent)
			.select(unit.serial_no, contract.name)
			.where(
				(unit.parenttype == "Maintenance Contract")
				& (unit.serial_no.isin(serials))
				& (contract.docstatus == 1)
				& (contract.status.notin((policy.CANCELLED, policy.RENEWED)))
				& (contract.name != (self.name or ""))
				& (contract.start_date <= self.end_date)
				& (contract.end_date >= self.start_date)
			)
			.limit(1)
		).run(as_dict=True)
		if clash:
			frappe.throw(
				_("Serial No {0} is already covered by Maintenance Contract {1} in the same period").format(
					frappe.bold(clash[0].serial_no), frappe.bold(clash[0].name)
				)
			)

	def make_schedule(self):
		"""Plan the visits from the dates and Visits per Year; kept while those do not change."""
		before = self.get_doc_before_save()
		unchanged = (
			before
			and self.visits
			and getdate(before.start_date) == getdate(self.start_date)
			and getdate(before.end_date) == getdate(self.end_date)
			and cint(before.visits_per_year) == cint(self.visits_per_year)
		)
		if unchanged:
			return
		self.set("visits", [])
		for planned in policy.visit_schedule(
			getdate(self.start_date), getdate(self.end_date), cint(self.visits_per_year)
		):
			self.append("visits", {"planned_date": planned, "status": policy.PLANNED})

	def before_submit(self):
		from aftersales_module.roles import MANAGER

		if MANAGER not in frappe.get_roles() and frappe.session.user != "Administrator":
			frappe.throw(
				_("Only an After Sales Manager can submit Maintenance Contract {0}").format(self.name),
				frappe.PermissionError,
			)
		self.status = self.status_today()

	def status_today(self) -> str:
		return policy.status_on(
			getdate(self.start_date),
			getdate(self.end_date),
			getdate(nowdate()),
			expiring_days(),
			renewed=bool(self.renewed_to),
		)

	def on_submit(self):
		if self.renewed_from:
			contract = frappe.qb.DocType("Maintenance Contract")
			(
				frappe.qb.update(contract)
				.set(contract.status, policy.RENEWED)
				.set(contract.renewed_to, self.name)
				.where((contract.name == self.renewed_from) & (contract.docstatus == 1))
			).run()

	def on_cancel(self):
		self.db_set("status", policy.CANCELLED)
		visit = frappe.qb.DocType("Maintenance Contract Visit")
		(
			frappe.qb.update(visit)
			.set(visit.status, policy.VISIT_CANCELLED)
			.where((visit.parent == self.name) & (visit.status.isin(policy.OPEN_VISIT_STATUSES)))
		).run()
		if self.renewed_from:
			# the predecessor is no longer renewed: it runs to its end again
			previous = frappe.get_doc("Maintenance Contract", self.renewed_from)
			if previous.renewed_to == self.name:
				previous.renewed_to = None
				previous.db_set({"renewed_to": None, "status": previous.status_today()})


def expiring_days() -> int:
	"""A contract is Expiring from its first renewal reminder on."""
	return max(reminder_lead_days())


def reminder_lead_days() -> tuple[int, ...]:
	settings = get_settings()
	try:
		return policy.parse_lead_days(settings.get("contract_reminder_lead_days"))
	except ValueError:
		return policy.DEFAULT_REMINDER_LEAD_DAYS


def inspection_job_lead_days() -> int:
	values = frappe.db.get_singles_dict("After Sales Settings", cast=True)
	if values.get("inspection_job_lead_days") is None:
		return policy.DEFAULT_INSPECTION_JOB_LEAD_DAYS
	return cint(values.get("inspection_job_lead_days"))


def visit_row(contract, visit: str):
	row = next((row for row in contract.visits if row.name == visit), None)
	if not row:
		frappe.throw(_("Maintenance Contract {0} has no visit {1}").format(contract.name, visit))
	return row


@frappe.whitelist()
def move_visit(contract: str, visit: str, planned_date: str, reason: str) -> str:
	"""Move a planned visit to another day, with the reason; its inspection job's appointment moves
	with it. Returns the visit's status."""
	doc = frappe.get_doc("Maintenance Contract", contract)
	doc.check_permission("write")
	row = visit_row(doc, visit)
	if not (reason or "").strip():
		frappe.throw(_("Say why the visit of {0} moves").format(frappe.format(row.planned_date, "Date")))
	new_date = getdate(planned_date)
	if not getdate(doc.start_date) <= new_date <= getdate(doc.end_date):
		frappe.throw(
			_("A visit of Maintenance Contract {0} must fall between {1} and {2}").format(
				doc.name, frappe.format(doc.start_date, "Date"), frappe.format(doc.end_date, "Date")
			)
		)
	if row.status not in policy.OPEN_VISIT_STATUSES:
		frappe.throw(_("A visit that is {0} cannot move").format(_(row.status)))
	today = getdate(nowdate())
	status = row.status
	if status == policy.OVERDUE and new_date >= today:
		status = policy.DUE if row.repair_job else policy.PLANNED
	elif status in (policy.PLANNED, policy.DUE) and new_date < today:
		status = policy.OVERDUE
	visit_table = frappe.qb.DocType("Maintenance Contract Visit")
	(
		frappe.qb.update(visit_table)
		.set(visit_table.planned_date, new_date)
		.set(visit_table.original_date, row.original_date or row.planned_date)
		.set(visit_table.moved_reason, reason.strip())
		.set(visit_table.status, status)
		.where((visit_table.name == row.name) & (visit_table.parent == doc.name))
	).run()
	doc.add_comment(
		"Info",
		_("Visit moved from {0} to {1}: {2}").format(
			frappe.format(row.planned_date, "Date"),
			frappe.format(new_date, "Date"),
			frappe.utils.escape_html(reason.strip()),
		),
	)
	if row.repair_job:
		move_job_appointment(row.repair_job, new_date)
	return status


def move_job_appointment(repair_job: str, new_date) -> None:
	job = frappe.get_doc("Repair Job", repair_job)
	time = get_datetime(job.appointment).time() if job.appointment else get_datetime("09:00:00").time()
	job.appointment = get_datetime(f"{getdate(new_date)} {time}")
	with app_write():
		job.save(ignore_permissions=True)


@frappe.whitelist()
def renew(contract: str, with_quotation: bool = False) -> str:
	"""Draft the successor: the same units, terms and team, from the day after the end for as long.
	With `with_quotation`, also draft a Quotation for the renewal amount. Returns the new name."""
	old = frappe.get_doc("Maintenance Contract", contract)
	old.check_permission("read")
	frappe.has_permission("Maintenance Contract", "create", throw=True)
	if old.docstatus != 1:
		frappe.throw(_("Only a submitted Maintenance Contract can be renewed"))
	if old.renewed_to:
		frappe.throw(_("Maintenance Contract {0} is already renewed by {1}").format(old.name, old.renewed_to))
	existing = frappe.db.get_value("Maintenance Contract", {"renewed_from": old.name, "docstatus": 0}, "name")
	if existing:
		return existing
	start, end = policy.renewal_dates(getdate(old.start_date), getdate(old.end_date))
	new = frappe.new_doc("Maintenance Contract")
	for field in (
		"company",
		"customer",
		"customer_contact",
		"contract_type",
		"scope",
		"response_hours",
		"resolution_hours",
		"is_24x7",
		"visits_per_year",
		"billing_amount",
		"billing_interval",
	):
		new.set(field, old.get(field))
	new.start_date, new.end_date = start, end
	for row in old.units:
		new.append(
			"units",
			{k: row.get(k) for k in ("item_code", "serial_no", "qty", "site_address")},
		)
	for row in old.team:
		new.append("team", {"user": row.user, "is_lead": row.is_lead})
	with app_write():
		new.renewed_from = old.name
		new.insert()
		if cint(with_quotation):
			quotation = make_quotation(new)
			new.db_set("renewal_quotation", quotation)
	return new.name


def make_quotation(contract, description: str | None = None) -> str:
	"""A draft Quotation to the customer for the contract's planned amount."""
	item = billing_item()
	quotation = frappe.new_doc("Quotation")
	quotation.update(
		{
			"quotation_to": "Customer",
			"party_name": contract.customer,
			"company": contract.company,
			"transaction_date": nowdate(),
			"valid_till": contract.start_date,
			"maintenance_contract": contract.name,
		}
	)
	quotation.append(
		"items",
		{
			"item_code": item,
			"qty": 1,
			"rate": flt(contract.planned_amount) or flt(contract.billing_amount),
			"description": description
			or _("Maintenance contract {0}, {1} to {2}").format(
				contract.name,
				frappe.format(contract.start_date, "Date"),
				frappe.format(contract.end_date, "Date"),
			),
		},
	)
	quotation.flags.ignore_permissions = True  # the caller's right to quote was checked
	quotation.run_method("set_missing_values")
	quotation.run_method("calculate_taxes_and_totals")
	quotation.insert(ignore_permissions=True)
	share_with_requester(quotation)
	return quotation.name


def share_with_requester(doc) -> None:
	"""The app drafted `doc` for the session user (a Quotation for the contract they renew): it
	opens for them, and they can complete it, even where their roles give no right to the doctype."""
	from frappe.share import add_docshare

	user = frappe.session.user
	if user in ("Administrator", "Guest") or frappe.has_permission(doc.doctype, "write", doc, user=user):
		return
	add_docshare(doc.doctype, doc.name, user, read=1, write=1, flags={"ignore_share_permission": True})


def billing_item() -> str:
	settings = get_settings()
	item = settings.get("contract_billing_item") or settings.get("labour_item")
	if not item:
		frappe.throw(_("Set the Contract Billing Item in After Sales Settings"))
	return item


@frappe.whitelist()
@frappe.read_only()  # served from a read replica where the site has one
def expiring_contracts_card(filters: str | dict | None = None) -> dict:
	"""Number card: running contracts that end within the next 90 days and are not renewed yet."""
	frappe.has_permission("Maintenance Contract", "read", throw=True)
	today = getdate(nowdate())
	count = frappe.db.count(
		"Maintenance Contract",
		{
			"docstatus": 1,
			"status": ("in", (policy.ACTIVE, policy.EXPIRING)),
			"end_date": ("between", (today, frappe.utils.add_days(today, 90))),
		},
	)
	return {
		"value": count,
		"fieldtype": "Int",
		"route": ["List", "Maintenance Contract"],
		"route_options": {"status": ("in", (policy.ACTIVE, policy.EXPIRING))},
	}


@frappe.whitelist()
@frappe.read_only()  # served from a read replica where the site has one
def overdue_visits_card(filters: str | dict | None = None) -> dict:
	"""Number card: planned visits of submitted contracts past their day and not done."""
	frappe.has_permission("Maintenance Contract", "read", throw=True)
	visit = frappe.qb.DocType("Maintenance Contract Visit")
	contract = frappe.qb.DocType("Maintenance Contract")
	count = (
		frappe.qb.from_(visit)
		.join(contract)
		.on(contract.name == visit.parent)
		.select(frappe.query_builder.functions.Count(visit.name))
		.where((contract.docstatus == 1) & (visit.status == policy.OVERDUE))
	).run()[0][0]
	return {"value": count, "fieldtype": "Int", "route": ["List", "Maintenance Contract"]}


def validate_settings(doc, method=None) -> None:
	"""doc_events validate of After Sales Settings: the contract settings are well formed."""
	try:
		policy.parse_lead_days(doc.get("contract_reminder_lead_days"))
	except ValueError:
		frappe.throw(
			_("{0} must be whole numbers of days from 1 to 366, separated by commas, like 90,30: {1}").format(
				_(doc.meta.get_label("contract_reminder_lead_days")),
				frappe.bold(frappe.utils.escape_html(doc.get("contract_reminder_lead_days") or "")),
			)
		)
	if cint(doc.get("inspection_job_lead_days")) < 0 or cint(doc.get("inspection_job_lead_days")) > 366:
		frappe.throw(
			_("{0} must be between {1} and {2} days").format(
				_(doc.meta.get_label("inspection_job_lead_days")), 0, 366
			)
		)
	item = doc.get("contract_billing_item")
	if item and (
		cint(frappe.db.get_value("Item", item, "is_stock_item"))
		or not cint(frappe.db.get_value("Item", item, "is_sales_item"))
	):
		frappe.throw(_("Contract Billing Item {0} must be a non-stock sales item").format(frappe.bold(item)))


def on_doctype_update():
	"""Renewal Rate and the expiring-contracts card, from the index alone."""
	frappe.db.add_index(
		"Maintenance Contract",
		["end_date", "docstatus", "status", "company", "renewed_to"],
		index_name="end_date_status",
	)
