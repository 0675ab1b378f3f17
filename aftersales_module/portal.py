"""The customer portal (/after-sales): a portal user's units and service, and what they may do there
(register a complaint or a warranty claim with photos, sign a completed repair, download a warranty
certificate).

A portal user speaks for the customers whose Portal Users table lists them (ERPNext v15's own link,
which its signup and Contact flow fill in). Every read here selects named, customer-facing fields
only: fault attribution, penalties, escalation logs, costs and handlers never leave the server. Every
action checks that the record is one of the user's customers' first, and answers another customer's
record exactly as a missing one (404), by page and by API."""

import base64
import binascii
import json

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import getdate, nowdate

from aftersales_module.aftersales_module.doctype.complaint_record.complaint_record import portal_customers
from aftersales_module.certificates import PRINT_FORMAT
from aftersales_module.guard import app_write
from aftersales_module.policy import portal as policy

COMPLAINT = "Complaint Record"
CLAIM = "Product Warranty Claim"
JOB = "Repair Job"
REGISTRATION = "Warranty Registration"


def customers_of(user: str | None = None) -> list[str]:
	"""The customers a portal user speaks for, as the permission hooks read them (none for Guest or
	a desk user)."""
	user = user or frappe.session.user
	if user == "Guest":
		return []
	return portal_customers(user) or []


def require_customers() -> list[str]:
	if frappe.session.user == "Guest":
		frappe.throw(_("Log in to see your after-sales service"), frappe.PermissionError)
	customers = customers_of()
	if not customers:
		frappe.throw(
			_("Your login is not linked to a customer yet. Please contact us."), frappe.PermissionError
		)
	return customers


def not_found(doctype: str, name: str):
	frappe.throw(_("{0} {1} not found").format(_(doctype), name), frappe.DoesNotExistError)


def own(doctype: str, name: str, customers: list[str]) -> frappe._dict:
	"""The record if it is one of `customers`' (else 404, the same as a missing one)."""
	row = frappe.db.get_value(doctype, name, ["name", "customer"], as_dict=True) if name else None
	if not row or row.customer not in customers:
		not_found(doctype, name)
	return row


# ------------------------------------------------------------------ what the pages show


def my_units(customers: list[str]) -> list[dict]:
	"""Each unit sold to the customers: item, delivery, warranty end, covering contract, next visit."""
	if not customers:
		return []
	units = frappe.get_all(
		REGISTRATION,
		filters={"customer": ("in", customers), "status": ("!=", "Void")},
		fields=["name", "item_code", "item_name", "serial_no", "start_date", "end_date", "status"],
		order_by="start_date desc",
		limit=500,
	)
	serials = [u.serial_no for u in units if u.serial_no]
	contracts = {}
	if serials:
		for row in frappe.db.sql(
			"""
			select unit.serial_no, contract.name, contract.end_date,
				(select min(visit.planned_date) from `tabMaintenance Contract Visit` visit
				where visit.parent = contract.name and visit.parenttype = 'Maintenance Contract'
					and visit.status in ('Planned', 'Due') and visit.planned_date >= %(today)s) as next_visit
			from `tabMaintenance Contract Unit` unit
			join `tabMaintenance Contract` contract on contract.name = unit.parent
			where unit.parenttype = 'Maintenance Contract' and unit.serial_no in %(serials)s
				and contract.docstatus = 1 and contract.status in ('Active', 'Expiring')
				and contract.customer in %(customers)s
			""",
			{"serials": tuple(serials), "customers": tuple(customers), "today": nowdate()},
			as_dict=True,
		):
			contracts[row.serial_no] = row
	for unit in units:
		contract = contracts.get(unit.serial_no)
		unit.contract = contract.name if contract else None
		unit.contract_end = contract.end_date if contract else None
		unit.next_visit = contract.next_visit if contract else None
		unit.in_warranty = unit.status == "Active" and getdate(unit.end_date) >= getdate(nowdate())
	return units


def my_service(customers: list[str]) -> dict:
	"""The customers' complaints, warranty claims and repair jobs, each with its next step."""
	if not customers:
		return {"complaints": [], "claims": [], "jobs": []}
	complaints = frappe.get_all(
		COMPLAINT,
		filters={"customer": ("in", customers)},
		fields=["name", "subject", "status", "registered_on", "serial_no"],
		order_by="registered_on desc",
		limit=100,
	)
	claims = frappe.get_all(
		CLAIM,
		filters={"customer": ("in", customers)},
		fields=["name", "serial_no", "item_code", "status", "claim_date", "docstatus"],
		order_by="creation desc",
		limit=100,
	)
	jobs = frappe.get_all(
		JOB,
		filters={"customer": ("in", customers)},
		fields=[
			"name",
			"item_code",
			"serial_no",
			"status",
			"posting_date",
			"completed_on",
			"customer_signature",
		],
		order_by="creation desc",
		limit=100,
	)
	for row in complaints:
		row.next_step = _(policy.next_step(COMPLAINT, row.status))
	for row in claims:
		row.next_step = _(policy.next_step(CLAIM, row.status))
	for row in jobs:
		signed = bool(row.pop("customer_signature", None))
		row.signed = signed
		row.can_sign = policy.can_sign(row.status, signed)
		row.next_step = _(policy.next_step(JOB, row.status, signed))
	return {"complaints": complaints, "claims": claims, "jobs": jobs}


@frappe.whitelist()
def get_my_after_sales() -> dict:
	"""The portal page's data as JSON: units and service, customer-facing fields only."""
	customers = require_customers()
	return {"units": my_units(customers), **my_service(customers)}


# ------------------------------------------------------------------ what the customer may do


def company_of(customer: str) -> str:
	"""The company that serves the customer: the one that registered their latest unit, else the
	one that last delivered or invoiced to them, else the after-sales default."""
	from erpnext import get_default_company

	from aftersales_module.settings import get_settings

	for doctype in (REGISTRATION, "Delivery Note", "Sales Invoice"):
		filters = {"customer": customer}
		if doctype != REGISTRATION:
			filters["docstatus"] = 1
		company = frappe.db.get_value(doctype, filters, "company", order_by="creation desc")
		if company:
			return company
	return (
		get_settings().default_company or get_default_company() or frappe.db.get_value("Company", {}, "name")
	)


def attach_photos(doctype: str, name: str, photos: str | list | None) -> list[str]:
	"""Private File rows for the photos sent as data URLs or base64, checked by policy first. The
	portal page's frappe.call sends them as a JSON string, the REST API as a list."""
	if isinstance(photos, str):
		try:
			photos = json.loads(photos) if photos.strip() else []
		except ValueError:
			frappe.throw(_("A photo could not be read"))
	photos = photos or []
	if not isinstance(photos, list):
		frappe.throw(_("A photo could not be read"))
	decoded = []
	for photo in photos:
		if not isinstance(photo, dict):
			frappe.throw(_("Each photo needs a file name and its content"))
		data = str(photo.get("data") or "")
		kind = "image/jpeg"
		if data.startswith("data:"):
			header, _sep, data = data.partition(",")
			kind = header[5:].split(";")[0]
		try:
			content = base64.b64decode(data, validate=True)
		except (binascii.Error, ValueError):
			frappe.throw(_("A photo could not be read"))
		decoded.append((str(photo.get("filename") or "photo")[:100], kind, content))
	problem = policy.photo_problem(
		len(decoded), [len(c) for _n, _k, c in decoded], [k for _n, k, _c in decoded]
	)
	if problem:
		frappe.throw(
			_(problem).format(
				policy.MAX_PHOTOS if "{0} photos" in problem else policy.MAX_PHOTO_BYTES // 1048576
			)
		)
	names = []
	for filename, _kind, content in decoded:
		file = frappe.get_doc(
			{
				"doctype": "File",
				"file_name": filename,
				"attached_to_doctype": doctype,
				"attached_to_name": name,
				"is_private": 1,
				"content": content,
			}
		)
		file.insert(ignore_permissions=True)
		names.append(file.name)
	return names


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=10, seconds=60 * 60)
def register_complaint(
	subject: str,
	description: str,
	serial_no: str | None = None,
	contact_phone: str | None = None,
	photos: str | list | None = None,
) -> str:
	"""A complaint from the portal (channel Portal), for the user's customer; photos attached."""
	customers = require_customers()
	customer = customers[0]
	item_code = None
	if serial_no:
		unit = frappe.db.get_value(
			REGISTRATION,
			{"serial_no": serial_no, "customer": ("in", customers)},
			["customer", "item_code"],
			as_dict=True,
		)
		if not unit:
			not_found("Serial No", serial_no)
		customer, item_code = unit.customer, unit.item_code
	doc = frappe.get_doc(
		{
			"doctype": COMPLAINT,
			"company": company_of(customer),
			"customer": customer,
			"subject": subject,
			"description": description,
			"channel": "Portal",
			"serial_no": serial_no or None,
			"item_code": item_code,
			"contact_phone": contact_phone,
			"contact_email": frappe.session.user,
		}
	)
	doc.insert(ignore_permissions=True)  # the portal user may not write the desk's records
	attach_photos(COMPLAINT, doc.name, photos)
	return doc.name


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=10, seconds=60 * 60)
def register_warranty_claim(serial_no: str, symptom: str, photos: str | list | None = None) -> str:
	"""A draft warranty claim for one of the user's units; the desk checks and decides it."""
	customers = require_customers()
	unit = frappe.db.get_value(
		REGISTRATION,
		{"serial_no": serial_no, "customer": ("in", customers), "status": ("!=", "Void")},
		["customer", "item_code", "company"],
		as_dict=True,
	)
	if not unit:
		not_found("Serial No", serial_no)
	doc = frappe.get_doc(
		{
			"doctype": CLAIM,
			"company": unit.company or company_of(unit.customer),
			"customer": unit.customer,
			"item_code": unit.item_code,
			"serial_no": serial_no,
			"symptom": symptom,
		}
	)
	doc.insert(ignore_permissions=True)
	attach_photos(CLAIM, doc.name, photos)
	return doc.name


@frappe.whitelist(methods=["POST"])
@rate_limit(limit=20, seconds=60 * 60)
def sign_repair_job(name: str, signature: str) -> str:
	"""The customer's signature on a completed repair job, once."""
	customers = require_customers()
	own(JOB, name, customers)
	job = frappe.get_doc(JOB, name)
	if not policy.can_sign(job.status, bool(job.customer_signature)):
		frappe.throw(_("Repair Job {0} cannot be signed now").format(name))
	if not str(signature or "").startswith("data:image/png;base64,") or len(signature) > 2 * 1024 * 1024:
		frappe.throw(_("Draw your signature to sign"))
	with app_write():
		job.customer_signature = signature
		job.flags.ignore_permissions = True
		job.save()
	return job.name


@frappe.whitelist()
def warranty_certificate(name: str) -> None:
	"""The warranty certificate of one of the user's units, as a PDF download."""
	customers = require_customers()
	own(REGISTRATION, name, customers)
	# the unit is theirs (checked above); the portal user holds no desk print permission, so the
	# certificate is rendered here rather than through the desk's print view
	from frappe.utils.pdf import get_pdf

	print_format = certificate_format()
	if not print_format:
		not_found("Print Format", "Warranty Certificate")
	doc = frappe.get_doc(REGISTRATION, name)
	template = frappe.db.get_value("Print Format", print_format, "html")
	body = frappe.render_template(template, {"doc": doc})
	html = f'<!DOCTYPE html><html lang="{frappe.local.lang}"><head><meta charset="utf-8"></head><body>{body}</body></html>'
	pdf = get_pdf(html)
	frappe.local.response.filename = f"{name}.pdf"
	frappe.local.response.filecontent = pdf
	frappe.local.response.type = "pdf"


def certificate_format() -> str | None:
	return PRINT_FORMAT if frappe.db.exists("Print Format", PRINT_FORMAT) else None
