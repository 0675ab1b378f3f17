"""Rules for the values in After Sales Settings."""

import ipaddress
from urllib.parse import urlsplit

from aftersales_module.policy.messages import Problem, _

# Defaults stated by the source procedures (requirements §1.4, §1.8, §3).
DEFAULT_DAYS = {
	"satisfaction_call_days": 1,  # satisfaction call the next day (001/1)
	"first_return_visit_days": 3,  # first follow-up 3 days to 1 week after pickup (001/13)
	"second_return_visit_days": 7,  # second follow-up within 7 days after the first (001/13)
	"free_maintenance_reminder_days": 90,  # 3 months before the free period ends (001/9)
	"contract_renewal_reminder_days": 30,  # 1 month before the contract expires (001/3 §15)
	"repeat_complaint_window_days": 90,  # a complaint within this window is a repeat (002/8)
}

# Inclusive bounds a value may take: (lowest, highest).
DAY_BOUNDS = {
	"satisfaction_call_days": (0, 30),
	"first_return_visit_days": (1, 60),
	"second_return_visit_days": (1, 60),
	"free_maintenance_reminder_days": (1, 366),
	"contract_renewal_reminder_days": (1, 366),
	"repeat_complaint_window_days": (1, 3650),
}


def check_day_settings(values: dict) -> list[Problem]:
	"""Return the problems with the day counts in `values` (fieldname -> int or None)."""
	problems = []
	for fieldname, (low, high) in DAY_BOUNDS.items():
		value = values.get(fieldname)
		if value is None or isinstance(value, bool) or not isinstance(value, int):
			problems.append(Problem(fieldname, _("{0} must be a whole number of days")))
		elif not low <= value <= high:
			problems.append(Problem(fieldname, _("{0} must be between {1} and {2} days"), (low, high)))
	if problems:
		return problems

	if values["satisfaction_call_days"] > values["first_return_visit_days"]:
		problems.append(
			Problem(
				"satisfaction_call_days",
				_("{0} ({1} days) cannot be later than the first return visit ({2} days)"),
				(values["satisfaction_call_days"], values["first_return_visit_days"]),
			)
		)
	return problems


def check_webhook_url(url: str | None) -> Problem | None:
	"""An alert webhook must be an absolute http(s) URL with a host; empty means no webhook."""
	if not url:
		return None
	parts = urlsplit(url.strip())
	if parts.scheme not in ("http", "https") or not parts.hostname:
		return Problem(
			"alert_webhook_url", _("{0} must start with http:// or https:// and name a host: {1}"), (url,)
		)
	if any(ch.isspace() for ch in url.strip()):
		return Problem("alert_webhook_url", _("{0} cannot contain spaces: {1}"), (url,))
	return None


def allowed_hosts(text: str | None) -> frozenset[str]:
	"""The hosts a System Manager listed (one per line or comma-separated), lower-cased."""
	return frozenset(h.strip().lower() for h in (text or "").replace(",", "\n").splitlines() if h.strip())


def webhook_host_problem(url: str, allowed: frozenset[str], addresses: list[str]) -> Problem | None:
	"""Where a webhook may go. A host a System Manager allowed may be anything, http included.
	Any other must be https, must resolve (`addresses`, from the caller's DNS lookup), and must
	not be loopback, link-local, private or otherwise non-public: the server would otherwise call
	into its own network for whoever set the URL."""
	parts = urlsplit(url.strip())
	host = (parts.hostname or "").lower()
	if host in allowed:
		return None
	if parts.scheme != "https":
		return Problem(
			"alert_webhook_url",
			_("{0} must use https unless a System Manager allows its host {1}"),
			(host,),
		)
	if not addresses:
		return Problem("alert_webhook_url", _("{0}: the host {1} cannot be resolved"), (host,))
	for address in addresses:
		try:
			ip = ipaddress.ip_address(address.split("%")[0])
		except ValueError:
			return Problem("alert_webhook_url", _("{0}: the host {1} cannot be resolved"), (host,))
		if not ip.is_global or ip.is_multicast:
			return Problem(
				"alert_webhook_url",
				_("{0} points at a non-public address ({1}); a System Manager must allow the host {2}"),
				(address, host),
			)
	return None
