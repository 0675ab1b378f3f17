"""Outgoing alert webhooks: a JSON POST signed with the settings' secret (HMAC-SHA256).

Where a webhook may go is checked when the URL is saved and again before each delivery (a name
can resolve elsewhere later): https to a public address, or a host a System Manager allowed."""

import hashlib
import hmac
import json
import socket
from urllib.parse import urlsplit

import requests

from aftersales_module.policy import settings as settings_policy

SIGNATURE_HEADER = "X-Aftersales-Signature"
TIMEOUT_SECONDS = 10


def encode(payload: dict) -> bytes:
	return json.dumps(
		payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
	).encode()


def sign(body: bytes, secret: str) -> str:
	return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def resolve(host: str) -> list[str]:
	"""The addresses `host` resolves to here; empty when it does not resolve."""
	try:
		return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
	except (OSError, UnicodeError):
		return []


def destination_problem(url: str, allowed_hosts_text: str | None):
	"""A policy Problem when `url` may not be called, else None."""
	if problem := settings_policy.check_webhook_url(url):
		return problem
	allowed = settings_policy.allowed_hosts(allowed_hosts_text)
	host = (urlsplit(url.strip()).hostname or "").lower()
	addresses = [] if host in allowed else resolve(host)
	return settings_policy.webhook_host_problem(url, allowed, addresses)


def post(url: str, payload: dict, secret: str | None, event: str) -> None:
	"""POST `payload`; raise requests.RequestException (incl. HTTP errors) when it does not arrive."""
	body = encode(payload)
	headers = {"Content-Type": "application/json", "X-Aftersales-Event": event}
	if secret:
		headers[SIGNATURE_HEADER] = sign(body, secret)
	response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS, allow_redirects=False)
	response.raise_for_status()
