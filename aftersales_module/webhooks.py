"""Outgoing alert webhooks: a JSON POST signed with the settings' secret (HMAC-SHA256)."""

import hashlib
import hmac
import json

import requests

SIGNATURE_HEADER = "X-Aftersales-Signature"
TIMEOUT_SECONDS = 10


def encode(payload: dict) -> bytes:
	return json.dumps(
		payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
	).encode()


def sign(body: bytes, secret: str) -> str:
	return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post(url: str, payload: dict, secret: str | None, event: str) -> None:
	"""POST `payload`; raise requests.RequestException (incl. HTTP errors) when it does not arrive."""
	body = encode(payload)
	headers = {"Content-Type": "application/json", "X-Aftersales-Event": event}
	if secret:
		headers[SIGNATURE_HEADER] = sign(body, secret)
	response = requests.post(url, data=body, headers=headers, timeout=TIMEOUT_SECONDS)
	response.raise_for_status()
