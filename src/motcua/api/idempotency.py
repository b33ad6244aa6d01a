"""Idempotency-Key support: the fingerprint of a request, stored with the
first answer, so that a retry (same key, same request) gets the first
answer again and a reuse (same key, different request) is refused with 409
``idempotency_key_reused``."""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any

from django.http import HttpRequest


def _canonical(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {_canonical(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_canonical(v) for v in value]
    return value


def canonical_body(body: bytes) -> bytes:
    """A JSON body with sorted keys, no insignificant white space and NFC
    text, so that the same data always gives the same bytes; any other body
    as it is."""
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError):
        return body
    return json.dumps(
        _canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 (hex) of the method, the path and the canonical body."""
    digest = hashlib.sha256()
    digest.update(request.method.encode() if request.method else b"")
    digest.update(b"\n")
    digest.update(request.path.encode())
    digest.update(b"\n")
    digest.update(canonical_body(request.body))
    return digest.hexdigest()
