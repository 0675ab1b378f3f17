"""Email is one channel among several. A site with no outgoing Email Account (every new site) or a
send that fails must never silence the others: the sweeps still write their log, ToDos and desk
notifications, and record on the log that the email was not sent and why. Nothing is queued for
later, so an account added afterwards sends nothing twice.

Desk notifications written here are bulk rows of Notification Log: Frappe sanitizes none of them,
so callers pass text that is already escaped."""

import frappe
from frappe import _

from aftersales_module.bulk import insert_rows
from aftersales_module.jobs import lost_transaction

QUEUED = "Queued"
NOT_SENT = "Not Sent"
SAVEPOINT = "aftersales_mail"


def outgoing_problem() -> str | None:
	"""Why no email can be queued on this site now, or None: Frappe's own choice of the default
	outgoing account (an Email Account, the site config's mail server, or muted mail)."""
	from frappe.email.doctype.email_account.email_account import EmailAccount

	if EmailAccount.find_default_outgoing():
		return None
	return _("No outgoing Email Account is set up", lang=site_language())


def site_language() -> str:
	"""What the logs are written in: the site's language, whoever's request or job writes them."""
	return frappe.db.get_single_value("System Settings", "language") or "en"


def queue_email(problem: str | None = None, **sendmail_args) -> str | None:
	"""Queue one email with `frappe.sendmail`; None when it was queued, else why it was not. Never
	raises: a failure is rolled back to before the send and logged. `problem` is the site's
	`outgoing_problem()`, when the caller has already asked it for a batch."""
	if problem:
		return problem
	if not sendmail_args.get("recipients"):
		return no_recipients()
	frappe.db.savepoint(SAVEPOINT)
	try:
		frappe.sendmail(**sendmail_args)
	except Exception as error:
		if lost_transaction(error):
			raise  # a deadlock: the transaction and its savepoint are gone (see jobs.py)
		frappe.db.rollback(save_point=SAVEPOINT)
		frappe.log_error(title=_("After-sales email not sent"))
		return _("Sending failed: {0}", lang=site_language()).format(str(error)[:300] or type(error).__name__)
	frappe.db.release_savepoint(SAVEPOINT)
	return None


def no_recipients() -> str:
	return _("Nobody to send it to has an email address", lang=site_language())


def first_problem(problems) -> str | None:
	"""Of the emails one message goes out as (one per language), why the first unsent one was not
	sent; a message with nobody to email is not sent either."""
	problems = list(problems)
	if not problems:
		return no_recipients()
	return next((problem for problem in problems if problem), None)


def email_status(problem: str | None) -> str:
	return NOT_SENT if problem else QUEUED


def insert_notifications(
	document_type: str, rows: list[tuple], now, kind: str = "Alert", from_user: str = "Administrator"
) -> None:
	"""Desk notifications (Notification Log, of type `kind`) in one bulk insert: each row is
	(for_user, document_name, subject, email_content), already escaped."""
	if not rows:
		return
	insert_rows(
		"Notification Log",
		["name", "for_user", "document_name", "subject", "email_content"],
		[(frappe.generate_hash(length=12), *row) for row in rows],
		{
			"creation": now,
			"modified": now,
			"owner": from_user,
			"modified_by": from_user,
			"docstatus": 0,
			"type": kind,
			"document_type": document_type,
			"from_user": from_user,
			"read": 0,
		},
	)
