"""Signed, expiring download links for the documents the national portal
fetches: ``/lien-thong/tep/<token>/`` where the token is the stored file's
public id, the expiry (unix seconds) and an HMAC-SHA256 over both with a key
derived from ``SECRET_KEY``. No session is needed; a changed, expired or
foreign token is refused alike (decision 0038)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import uuid

from django.conf import settings
from django.urls import reverse

_SALT = b"motcua.national.links"


def _key() -> bytes:
    return hashlib.sha256(_SALT + settings.SECRET_KEY.encode()).digest()


def _mac(file_id: str, expires: int) -> str:
    digest = hmac.new(_key(), f"{file_id}.{expires}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:20]).decode().rstrip("=")


def sign(file_id: uuid.UUID | str, *, now: float | None = None, seconds: int | None = None) -> str:
    lifetime = settings.MOTCUA_NATIONAL_LINK_SECONDS if seconds is None else seconds
    expires = int((time.time() if now is None else now) + lifetime)
    return f"{file_id}.{expires}.{_mac(str(file_id), expires)}"


def verify(token: str, *, now: float | None = None) -> uuid.UUID | None:
    """The file's public id when ``token`` is genuine and unexpired, else ``None``."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[1].isdigit() or len(token) > 200:
        return None
    file_id, expires_text, mac = parts
    expires = int(expires_text)
    if not hmac.compare_digest(mac, _mac(file_id, expires)):
        return None
    if expires < (time.time() if now is None else now):
        return None
    try:
        return uuid.UUID(file_id)
    except ValueError:
        return None


def url(file_id: uuid.UUID | str) -> str:
    base = settings.MOTCUA_NATIONAL_SITE_URL.rstrip("/")
    return base + reverse("national:file", args=[sign(file_id)])
