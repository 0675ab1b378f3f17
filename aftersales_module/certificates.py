"""Documents the customer keeps: the Warranty Certificate (保修卡, 001/5) emailed when a unit is
registered, and what the Service Voucher and Exchange Form print beyond their document's fields.

The certificate goes to the customer's email (the Customer's own `email_id`, else its primary
contact's), in the customer's print language when ERPNext has one. The PDF is a print-format
attachment of the Email Queue row: Frappe renders it when the queue sends, after the commit and
outside the request, so a delivery of many units renders nothing while it is submitted. Whether the
email was queued, and why not, is written on the registration (see mail.py)."""

from collections.abc import Iterator
from contextlib import contextmanager

import frappe
from frappe import _
from frappe.utils import escape_html, get_fullname

from aftersales_module.mail import email_status, outgoing_problem, queue_email, site_language

REGISTRATION = "Warranty Registration"
PRINT_FORMAT = "Warranty Certificate"
EMAIL_ROLES = ("System Manager", "After Sales Manager", "After Sales User")


DEFERRED = "aftersales_certificates_deferred"


@contextmanager
def emailed_together() -> Iterator[None]:
	"""Registrations inserted inside are emailed at the end, together (one query for their
	customers' contacts): for a delivery of many units."""
	outer = frappe.flags.get(DEFERRED)
	if outer is not None:
		yield
		return
	frappe.flags[DEFERRED] = []
	try:
		yield
		made = frappe.flags[DEFERRED]
	finally:
		frappe.flags[DEFERRED] = None
	email_certificates(made)


def on_registration_made(doc) -> None:
	"""After a registration is inserted: email its certificate now, or with its batch."""
	batch = frappe.flags.get(DEFERRED)
	if batch is not None:
		batch.append(doc)
	else:
		email_certificates([doc])


def customer_contacts(customers) -> dict[str, frappe._dict]:
	"""{customer: (email, language, customer_name)} for the given customers, in one query."""
	customers = list({c for c in customers if c})
	if not customers:
		return {}
	customer = frappe.qb.DocType("Customer")
	contact = frappe.qb.DocType("Contact")
	rows = (
		frappe.qb.from_(customer)
		.left_join(contact)
		.on(contact.name == customer.customer_primary_contact)
		.select(
			customer.name,
			customer.customer_name,
			customer.language,
			customer.email_id,
			contact.email_id.as_("contact_email"),
		)
		.where(customer.name.isin(customers))
	).run(as_dict=True)
	return {
		row.name: frappe._dict(
			email=(row.email_id or row.contact_email or "").strip(),
			language=row.language or site_language(),
			customer_name=row.customer_name or row.name,
		)
		for row in rows
	}


def certificate_attachment(registration: str, language: str) -> dict:
	"""The PDF of the certificate, as an Email Queue attachment Frappe renders when it sends."""
	return {
		"print_format_attachment": 1,
		"doctype": REGISTRATION,
		"name": registration,
		"print_format": PRINT_FORMAT,
		"lang": language,
		"file_name": registration,
	}


def queue_certificate(registration, contact, problem: str | None) -> str | None:
	"""Queue one registration's certificate; None when queued, else why not."""
	language = contact.language if contact else site_language()
	unit = registration.get("serial_no") or registration.get("item_code")
	return queue_email(
		problem,
		recipients=[contact.email] if contact and contact.email else [],
		subject=_("Warranty Certificate {0}", lang=language).format(registration.name),
		message="<p>{}</p><p>{}</p>".format(
			_("Dear {0},", lang=language).format(escape_html(contact.customer_name if contact else "")),
			_(
				"Thank you for your purchase. Attached is the warranty certificate of {0}, valid until {1}. Please keep it for service requests.",
				lang=language,
			).format(escape_html(unit or ""), frappe.format(registration.get("end_date"), "Date")),
		),
		attachments=[certificate_attachment(registration.name, language)],
		reference_doctype=REGISTRATION,
		reference_name=registration.name,
		delayed=True,
	)


def email_certificates(registrations) -> dict[str, str | None]:
	"""Queue the certificates of newly made registrations (documents or dicts with name, customer,
	serial_no, item_code, end_date) and record on each whether it was queued. One query for the
	customers' contacts; one sendmail each. {name: problem or None}."""
	registrations = [r for r in registrations if r.get("name")]
	if not registrations:
		return {}
	if frappe.flags.in_import:
		problem = _(
			"Made by Data Import: not emailed; use Email Certificate to send it", lang=site_language()
		)
		results = dict.fromkeys((r.name for r in registrations), problem)
	else:
		contacts = customer_contacts(r.customer for r in registrations)
		problem = outgoing_problem()
		results = {r.name: queue_certificate(r, contacts.get(r.customer), problem) for r in registrations}
	record_results(results)
	return results


def record_results(results: dict[str, str | None]) -> None:
	for name, problem in results.items():
		frappe.db.set_value(
			REGISTRATION,
			name,
			{
				"certificate_email_status": email_status(problem),
				"certificate_email_error": problem,
			},
			update_modified=False,
		)


@frappe.whitelist(methods=["POST"])
def email_certificate(registration: str) -> dict:
	"""Email Certificate: queue the certificate again, to the customer's email as it is now."""
	if not set(EMAIL_ROLES) & set(frappe.get_roles()):
		frappe.throw(
			_("Only After Sales Users and Managers email warranty certificates"),
			frappe.PermissionError,
			title=_("Not allowed"),
		)
	doc = frappe.get_doc(REGISTRATION, registration)
	doc.check_permission("email")
	if doc.status == "Void":
		frappe.throw(
			_("Warranty Registration {0} is void: it has no certificate to send").format(doc.name),
			title=_("Not allowed"),
		)
	contacts = customer_contacts([doc.customer])
	problem = queue_certificate(doc, contacts.get(doc.customer), outgoing_problem())
	record_results({doc.name: problem})
	return {"status": email_status(problem), "error": problem or ""}


# --- what the print formats show beyond the document's fields -------------------------------------

EXCHANGE_STEPS = (
	("handled_by", "Handled By"),
	("regional_approved_by", "Regional Manager"),
	("office_verified_by", "After-Sales Office"),
	("gm_approved_by", "General Manager"),
)


def exchange_signatures(doc) -> list[dict]:
	"""The Exchange Form's signatures (004/1 §8): each step, who signed it and when. "When" is the
	workflow action the signer took: Frappe's Workflow comment on the exchange, written by that
	user (a Version is not kept under tests, and a comment's text is the state in the signer's
	language). The steps are matched in order, so one user who signs two steps (Administrator)
	gets two times."""
	comments = []
	if doc.get("name") and not doc.get("__islocal"):
		comments = frappe.get_all(
			"Comment",
			filters={
				"reference_doctype": doc.doctype,
				"reference_name": doc.name,
				"comment_type": "Workflow",
			},
			fields=["owner", "creation"],
			order_by="creation asc",
		)
	steps, taken, after = [], set(), None
	for fieldname, label in EXCHANGE_STEPS:
		user, signed_on = doc.get(fieldname), None
		for index, comment in enumerate(comments):
			if (
				user
				and index not in taken
				and comment.owner == user
				and (after is None or comment.creation >= after)
			):
				taken.add(index)
				signed_on = after = comment.creation
				break
		steps.append(
			{
				"label": label,
				"user": user or "",
				"full_name": get_fullname(user) if user else "",
				"signed_on": signed_on,
			}
		)
	return steps
