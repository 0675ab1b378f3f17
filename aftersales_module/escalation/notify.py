"""How escalations reach people beyond the desk: one digest email per recipient (a Jinja template)
and signed webhooks, POSTed by a queued job after the sweep commits."""

from datetime import datetime

import frappe
import requests
from frappe import _
from frappe.utils import escape_html, get_url_to_form, now_datetime

from aftersales_module import webhooks
from aftersales_module.bulk import update_rows
from aftersales_module.escalation.registry import escalatables
from aftersales_module.mail import NOT_SENT, queue_email
from aftersales_module.settings import get_settings

DIGEST_LINES = 200
DIGEST_TEMPLATE = "aftersales_module/templates/emails/escalation_digest.html"
MAX_WEBHOOK_ATTEMPTS = 10
WEBHOOK_BATCH = 500


def send_digests(doctype: str, digests: dict, log_doctype: str | None = None) -> None:
	"""One email per recipient listing the cases escalated to them. An email that cannot be queued
	marks its log rows Not Sent, with why; it is not tried again."""
	unsent = {}
	for user_id, entries in digests.items():
		rows = [
			{
				"name": name,
				"url": get_url_to_form(doctype, name),
				"title": title,
				"level": level,
				"reason": reason,
			}
			for name, title, level, reason, *_log in entries[:DIGEST_LINES]
		]
		problem = queue_email(
			recipients=[user_id],
			subject=_("{0} after-sales cases escalated to you").format(len(entries)),
			message=frappe.render_template(
				DIGEST_TEMPLATE, {"rows": rows, "more": max(len(entries) - DIGEST_LINES, 0)}
			),
			delayed=True,
		)
		if problem:
			for *_entry, log_name in (entry for entry in entries if len(entry) > 4):
				unsent[log_name] = (NOT_SENT, _("To {0}: {1}").format(user_id, problem)[:1000])
	if unsent and log_doctype:
		update_rows(log_doctype, ["email_status", "email_error"], unsent)


WEBHOOK_JOB_ID = "aftersales-escalation-webhooks"
STALE_CLAIM_MINUTES = 15
PAYLOAD_TEXT_FIELDS = ("subject", "customer", "complainant_name")


def queue_webhook_delivery() -> None:
	"""Deliver pending webhooks from a background job once this transaction commits: never an HTTP
	call inside a web request or an open transaction."""
	frappe.enqueue(
		"aftersales_module.escalation.notify.deliver_webhooks",
		queue="short",
		job_id=WEBHOOK_JOB_ID,
		deduplicate=True,
		enqueue_after_commit=True,
	)


def _claim(log, doctype: str, claim: str, now: datetime) -> None:
	"""Mark a batch of undelivered events as this worker's, and commit: a second worker running at
	the same time claims other rows (or none), so no event is POSTed twice. A claim left by a worker
	that died is taken over after STALE_CLAIM_MINUTES."""
	stale = frappe.utils.add_to_date(now, minutes=-STALE_CLAIM_MINUTES)
	(
		frappe.qb.update(log)
		.set(log.webhook_status, "Sending")
		.set(log.webhook_claim, claim)
		.set(log.webhook_claimed_at, now)
		.where(log.parenttype == doctype)
		.where(log.webhook_attempts < MAX_WEBHOOK_ATTEMPTS)
		.where(
			log.webhook_status.isin(["Pending", "Failed"])
			| ((log.webhook_status == "Sending") & (log.webhook_claimed_at < stale))
		)
		.orderby(log.escalated_at)
		.limit(WEBHOOK_BATCH * 10)
	).run()


def deliver_webhooks(commit: bool = True) -> int:
	"""The queued job: POST pending and failed escalation events; return how many arrived. Never
	raises. Claims are committed before any POST and each result right after it (`commit=False`
	leaves committing to the caller, for tests that roll back)."""
	url = get_settings().alert_webhook_url
	if not url:
		return 0
	settings = frappe.get_single("After Sales Settings")
	if problem := webhooks.destination_problem(url, settings.webhook_allowed_hosts):
		frappe.log_error(
			title=_("After-sales webhook not sent"),
			message=_(problem.message).format(_("Alert Webhook URL"), *problem.args),
		)
		return 0
	secret = settings.get_password("alert_webhook_secret", raise_exception=False)
	delivered = 0
	for doctype, config in escalatables().items():
		log, parent = frappe.qb.DocType(config.log_doctype), frappe.qb.DocType(doctype)
		claim, now = frappe.generate_hash(length=16), now_datetime()
		_claim(log, doctype, claim, now)
		if commit:
			frappe.db.commit()
		rows = (
			frappe.qb.from_(log)
			.join(parent)
			.on(parent.name == log.parent)
			.select(
				log.name.as_("event_id"),
				log.parent.as_("name"),
				log.escalated_at,
				log.from_level,
				log.to_level,
				log.level_label,
				log.recipients,
				log.reason,
				log.is_manual,
				*(parent[f] for f in config.payload_fields),
			)
			.where(log.webhook_claim == claim)
			.where(log.webhook_status == "Sending")
			.orderby(log.escalated_at)
			.run(as_dict=True)
		)
		for start in range(0, len(rows), WEBHOOK_BATCH):
			chunk = rows[start : start + WEBHOOK_BATCH]
			ids = [r["event_id"] for r in chunk]
			for r in chunk:
				r["doctype"] = doctype
				r["url"] = get_url_to_form(doctype, r["name"])
				for fieldname in PAYLOAD_TEXT_FIELDS:
					if isinstance(r.get(fieldname), str):
						r[fieldname] = escape_html(r[fieldname])
			payload = {
				"event": "escalation",
				"delivery_id": f"{claim}-{start // WEBHOOK_BATCH}",
				"sent_at": now_datetime().isoformat(),
				"site": frappe.local.site,
				"escalations": chunk,
			}
			try:
				webhooks.post(url, payload, secret, "escalation")
			except requests.RequestException as error:
				(
					frappe.qb.update(log)
					.set(log.webhook_status, "Failed")
					.set(log.webhook_attempts, log.webhook_attempts + 1)
					.set(log.webhook_error, str(error)[:500])
					.where(log.name.isin(ids))
				).run()
				frappe.log_error(
					title=_("After-sales webhook failed"),
					message=f"{url}: {error}\n{len(ids)} escalation events will be retried by the next sweep.",
				)
			else:
				(
					frappe.qb.update(log)
					.set(log.webhook_status, "Sent")
					.set(log.webhook_attempts, log.webhook_attempts + 1)
					.set(log.webhook_error, None)
					.where(log.name.isin(ids))
				).run()
				delivered += len(ids)
			if commit:
				frappe.db.commit()
	return delivered
