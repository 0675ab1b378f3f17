"""Survey by link (回访, 001/3 §18–19): the customer answers a return visit's four ratings and
suggestions on a phone page (www/survey), reached through a signed link that expires and works once.

The link carries one token: the visit, the link's expiry, the channel it was sent by and a random
nonce, signed with an HMAC whose key is derived from the site's encryption key. The visit stores
only a hash of the nonce (`survey_token_hash`): a newer link replaces the older, and answering
clears it, so a link works once. Whether a link may be answered is the policy's call
(`policy.visits.survey_link_problem`).

The answer is saved through the Return Visit controller, as a staff answer is: the same checks, the
same done-visit effects, and a Poor rating registers one Service complaint. The visit records that
the customer answered it (`answer_channel` Self-Service).

Sending: by email to the customer's email address (mail.py: no outgoing account, no address or a
failed send is recorded on the visit as Not Sent and why), or by SMS where Frappe's SMS Settings
are set up, queued to a worker after the commit (no HTTP call in the request)."""

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime

import frappe
from frappe import _
from frappe.rate_limiter import rate_limit
from frappe.utils import escape_html, format_date, get_url, now_datetime
from frappe.utils.password import get_encryption_key

from aftersales_module.guard import app_write
from aftersales_module.mail import NOT_SENT, QUEUED, outgoing_problem, queue_email, site_language
from aftersales_module.policy import visits as policy

DOCTYPE = "Return Visit"
ROUTE = "survey"
STAMP = "%Y%m%d%H%M%S"
MAX_TOKEN_LENGTH = 512
MAX_SUGGESTIONS = 2000
EMAIL, SMS = policy.SURVEY_VIA
# a link read and answered from a phone: a few tries an hour per address is plenty
ANSWERS_PER_HOUR = 30

VISIT_FIELDS = (
	"name",
	"status",
	"customer",
	"customer_name",
	"item_code",
	"service_date",
	"survey_token_hash",
	"survey_answered_on",
)


class SurveyLinkInvalid(frappe.ValidationError):
	"""A link whose signature does not hold, or for a visit that no longer exists."""

	http_status_code = 403


class SurveyLinkRefused(frappe.ValidationError):
	"""A genuine link that may not be answered any more: expired, answered or replaced."""

	http_status_code = 410


# ---------------------------------------------------------------- the token
@dataclass(frozen=True)
class Link:
	visit: str
	expires_at: datetime
	via: str
	nonce: str


def _key() -> bytes:
	"""The signing key: derived from the site's encryption key, for this purpose only."""
	return hashlib.sha256(b"aftersales_module survey link\0" + get_encryption_key().encode()).digest()


def _sign(payload: str) -> str:
	return hmac.new(_key(), payload.encode(), hashlib.sha256).hexdigest()


def nonce_hash(nonce: str) -> str:
	return hashlib.sha256(nonce.encode()).hexdigest()


def make_token(link: Link) -> str:
	payload = "|".join((link.visit, link.expires_at.strftime(STAMP), link.via, link.nonce))
	encoded = base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")
	return f"{encoded}.{_sign(payload)}"


def read_token(token) -> Link | None:
	"""The link a token stands for when its signature holds, else None (whatever the input)."""
	if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
		return None
	try:
		encoded, signature = token.rsplit(".", 1)
		payload = base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
		if not hmac.compare_digest(signature, _sign(payload)):
			return None
		visit, stamp, via, nonce = payload.split("|")
		expires_at = datetime.strptime(stamp, STAMP)
	except (ValueError, TypeError, UnicodeDecodeError, binascii.Error):
		return None
	if via not in policy.LINK_VIA or not visit or not nonce:
		return None
	return Link(visit, expires_at, via, nonce)


def survey_url(token: str) -> str:
	return get_url(f"/{ROUTE}?t={token}")


def check_link(token, for_update: bool = False) -> tuple[Link | None, frappe._dict | None, str | None]:
	"""(the link, its visit's row, why it may not be answered or None)."""
	link = read_token(token)
	row = (
		frappe.db.get_value(DOCTYPE, link.visit, VISIT_FIELDS, as_dict=True, for_update=for_update)
		if link
		else None
	)
	is_latest = bool(
		link
		and row
		and row.survey_token_hash
		and hmac.compare_digest(row.survey_token_hash, nonce_hash(link.nonce))
	)
	problem = policy.survey_link_problem(
		signature_ok=bool(link and row),
		expires_at=link.expires_at if link else None,
		now=now_datetime(),
		status=row.status if row else None,
		answered=bool(row and row.survey_answered_on),
		is_latest=is_latest,
	)
	return link, row, problem


def problem_message(problem: str) -> tuple[str, str]:
	"""(title, text) telling the customer why the link does not open the survey."""
	if problem == policy.LINK_ANSWERED:
		return _("Already answered"), _(
			"This survey was already answered, so the link cannot be used again. Thank you for your feedback."
		)
	if problem == policy.LINK_EXPIRED:
		return _("This link has expired"), _(
			"This survey link has expired. Please contact us if you would like to tell us about our service."
		)
	if problem == policy.LINK_REPLACED:
		return _("This link was replaced"), _(
			"A newer survey link was sent for this visit. Please open the latest link we sent you."
		)
	return _("Invalid link"), _(
		"This survey link is not valid. Please make sure you opened the whole link from the message."
	)


def refuse(problem: str):
	title, text = problem_message(problem)
	exc = SurveyLinkInvalid if problem == policy.LINK_INVALID else SurveyLinkRefused
	frappe.throw(text, exc, title=title)


def customer_language(customer: str | None) -> str:
	"""The customer's language, else the site's."""
	language = frappe.db.get_value("Customer", customer, "language") if customer else None
	return language or site_language()


def use_language(lang: str) -> None:
	"""Answer a guest in the customer's language, whatever the browser asks for."""
	frappe.local.lang = lang


# ---------------------------------------------------------------- sending (staff action)
def unanswered_visit(visit: str):
	"""The visit a link is made for: the user may write it, and nobody has answered it yet."""
	doc = frappe.get_doc(DOCTYPE, visit)
	doc.check_permission("write")
	if doc.status == policy.DONE:
		frappe.throw(
			_("Return Visit {0} is already answered; no survey link is needed").format(frappe.bold(doc.name))
		)
	return doc


@frappe.whitelist(methods=["POST"])
def send_survey_link(visit: str, via: str = EMAIL) -> dict:
	"""Send the customer a survey link for the visit, by email or SMS; returns the send status and,
	when it was not sent, why. A new link replaces the one sent before."""
	doc = unanswered_visit(visit)
	if via not in policy.SURVEY_VIA:
		frappe.throw(_("Send the survey link by Email or SMS, not {0}").format(escape_html(str(via))))
	return send(doc, via)


@frappe.whitelist(methods=["POST"])
def survey_link(visit: str) -> dict:
	"""A survey link for the customer to open on their own phone while staff are with them (shown
	as a link or a QR code on site): the same one-use, expiring link as one sent by email, and it
	replaces any link sent before."""
	doc = unanswered_visit(visit)
	now = now_datetime()
	link = Link(doc.name, policy.survey_expiry(now), policy.ON_SITE, frappe.generate_hash(length=32))
	with app_write():
		doc.db_set({"survey_token_hash": nonce_hash(link.nonce), "survey_sent_on": now})
	doc.add_comment("Info", _("Survey link handed over on site, valid until {0}").format(link.expires_at))
	from frappe.twofactor import get_qr_svg_code

	url = survey_url(make_token(link))
	return {"url": url, "qr_svg": get_qr_svg_code(url).decode(), "expires_at": link.expires_at}


def send(doc, via: str) -> dict:
	now = now_datetime()
	link = Link(doc.name, policy.survey_expiry(now), via, frappe.generate_hash(length=32))
	lang = customer_language(doc.customer)
	url = survey_url(make_token(link))
	subject = _("How was our service? Return Visit {0}", lang=lang).format(doc.name)
	if via == EMAIL:
		recipient = frappe.db.get_value("Customer", doc.customer, "email_id") if doc.customer else None
		problem = queue_email(
			outgoing_problem(),
			recipients=[recipient] if recipient else [],
			subject=subject,
			message=email_body(doc, url, link.expires_at, lang),
			reference_doctype=DOCTYPE,
			reference_name=doc.name,
		)
	else:
		problem = queue_sms(doc.contact_phone, sms_text(url, link.expires_at, lang))

	values = {
		"survey_send_status": NOT_SENT if problem else QUEUED,
		"survey_send_error": problem,
	}
	if not problem:  # only a link on its way replaces the one sent before
		values.update(survey_token_hash=nonce_hash(link.nonce), survey_sent_on=now)
	with app_write():
		doc.db_set(values)
	if problem:
		note = _("Survey link by {0} not sent: {1}").format(_(via), problem)
	else:
		note = _("Survey link sent by {0}, valid until {1}").format(_(via), link.expires_at)
	doc.add_comment("Info", note)  # Frappe sanitizes a comment itself
	return {"status": values["survey_send_status"], "error": problem}


def email_body(doc, url: str, expires_at: datetime, lang: str) -> str:
	greeting = _("Dear {0},", lang=lang).format(escape_html(doc.customer_name or doc.customer or ""))
	text = _(
		"Thank you for choosing our service on {0}. Please rate our service: it takes a minute.",
		lang=lang,
	).format(format_date(doc.service_date) if doc.service_date else "")
	valid = _("The link works once, until {0}.", lang=lang).format(expires_at.strftime("%Y-%m-%d %H:%M"))
	button = _("Rate our service", lang=lang)
	return f'<p>{greeting}</p><p>{text}</p><p><a href="{escape_html(url)}">{button}</a></p><p>{valid}</p>'


def sms_text(url: str, expires_at: datetime, lang: str) -> str:
	return _("Please rate our service: {0} (valid until {1})", lang=lang).format(
		url, expires_at.strftime("%Y-%m-%d")
	)


def sms_problem() -> str | None:
	if not frappe.db.get_single_value("SMS Settings", "sms_gateway_url"):
		return _("SMS Settings are not set up", lang=site_language())
	return None


def queue_sms(phone: str | None, text: str) -> str | None:
	"""Queue one SMS through Frappe's SMS Settings, sent by a worker after the commit; None when
	queued, else why not."""
	if problem := sms_problem():
		return problem
	if not (phone or "").strip():
		return _("The visit has no phone number to send an SMS to", lang=site_language())
	frappe.enqueue(
		"frappe.core.doctype.sms_settings.sms_settings.send_sms",
		queue="short",
		enqueue_after_commit=True,
		receiver_list=[phone.strip()],
		msg=text,
		success_msg=False,
	)
	return None


# ---------------------------------------------------------------- answering (the customer)
# xss_safe: the suggestions are kept as typed (ignore_xss_filter) and escaped wherever shown
@frappe.whitelist(allow_guest=True, xss_safe=True, methods=["POST"])
@rate_limit(limit=ANSWERS_PER_HOUR, seconds=60 * 60)
def submit_survey(
	t: str,
	rating_attitude: str,
	rating_skill: str,
	rating_punctuality: str,
	rating_result: str,
	suggestions: str | None = None,
) -> dict:
	"""The customer's answer through the survey link: saved as a staff answer is (a Poor rating
	registers one Service complaint), recorded as Self-Service; the link then works no more."""
	link, row, problem = check_link(t, for_update=True)  # one answer at a time per visit
	if row:
		use_language(customer_language(row.customer))
	if problem:
		refuse(problem)
	ratings = {
		"rating_attitude": rating_attitude,
		"rating_skill": rating_skill,
		"rating_punctuality": rating_punctuality,
		"rating_result": rating_result,
	}
	if message := policy.survey_answer_problem([ratings[f] for f in policy.RATING_FIELDS]):
		frappe.throw(_(message), title=_("Survey not complete"))
	suggestions = (suggestions or "").strip()
	if len(suggestions) > MAX_SUGGESTIONS:
		frappe.throw(
			_("Please keep your suggestions within {0} characters").format(MAX_SUGGESTIONS),
			title=_("Survey not complete"),
		)

	doc = frappe.get_doc(DOCTYPE, link.visit)
	doc.update(ratings)
	if suggestions:
		doc.suggestions = suggestions
	doc.reached = 1
	doc.contact_method = link.via
	now = now_datetime()
	with app_write():
		doc.answer_channel = policy.SELF_SERVICE
		doc.survey_answered_on = now
		doc.survey_token_hash = None
		doc.flags.ignore_permissions = True
		doc.save()
	return {
		"message": _("Thank you! Your answers were received."),
		"complaint": bool(doc.complaint),
	}


def page_context(token) -> dict:
	"""What www/survey shows: the form, or why the link does not open it (with its HTTP status)."""
	link, row, problem = check_link(token)
	use_language(customer_language(row.customer) if row else site_language())
	if problem:
		title, text = problem_message(problem)
		return {
			"problem": problem,
			"problem_title": title,
			"problem_text": text,
			"http_status_code": 403 if problem == policy.LINK_INVALID else 410,
		}
	item_name = frappe.db.get_value("Item", row.item_code, "item_name") if row.item_code else None
	return {
		"problem": None,
		"token": token,
		"customer_name": row.customer_name or row.customer,
		"item_name": item_name or row.item_code,
		"service_date": format_date(row.service_date) if row.service_date else "",
		"expires_at": link.expires_at.strftime("%Y-%m-%d %H:%M"),
		"questions": [
			{"fieldname": fieldname, "label": _(frappe.get_meta(DOCTYPE).get_label(fieldname))}
			for fieldname in policy.RATING_FIELDS
		],
		"levels": [{"value": level, "label": _(level)} for level in policy.RATINGS],
	}
