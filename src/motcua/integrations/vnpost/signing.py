"""The carrier's webhook signature: HMAC-SHA256 over the raw body with the
shared secret, hex, in the ``X-VNPost-Signature`` header. One place for
the sandbox (which signs) and the site (which verifies)."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-VNPost-Signature"


def sign(body: bytes, *, secret: str) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str, *, secret: str) -> bool:
    """True when ``signature`` is the body's signature (constant time)."""
    if not secret or not signature:
        return False
    return hmac.compare_digest(sign(body, secret=secret), signature.strip().lower())
