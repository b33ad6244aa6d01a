"""The signature of a webhook: HMAC-SHA256 with the subscription's secret
over ``<unix timestamp>.<raw body>``, sent as
``X-MotCua-Signature: t=<unix>,v1=<hex>``. Every try is signed afresh (a
new timestamp); the receiver refuses a timestamp outside its window
(``MOTCUA_WEBHOOK_REPLAY_WINDOW_SECONDS``, 5 minutes) and an event id
(``X-MotCua-Event-Id``) it has already taken. docs/developers/webhooks.md
has the receiver's recipe; :func:`verify` is that recipe."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-MotCua-Signature"
EVENT_ID_HEADER = "X-MotCua-Event-Id"
EVENT_TYPE_HEADER = "X-MotCua-Event-Type"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    if not secret:
        raise ValueError("no secret: refusing to sign")
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


class BadSignature(Exception):
    pass


def verify(secret: str, header: str, body: bytes, *, now: int, window: int = 300) -> int:
    """Check ``header`` against the raw ``body``; returns the timestamp.
    Raises :class:`BadSignature` (fail closed: an empty secret refuses all)."""
    if not secret:
        raise BadSignature("no secret configured")
    parts: dict[str, list[str]] = {}
    for item in header.split(","):
        name, _, value = item.strip().partition("=")
        parts.setdefault(name, []).append(value)
    try:
        timestamp = int(parts["t"][0])
    except (KeyError, ValueError, IndexError):
        raise BadSignature("no timestamp") from None
    if abs(now - timestamp) > window:
        raise BadSignature("timestamp outside the window")
    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    if not any(hmac.compare_digest(expected.hexdigest(), v) for v in parts.get("v1", [])):
        raise BadSignature("signature does not match")
    return timestamp
