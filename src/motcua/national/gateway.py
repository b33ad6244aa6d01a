"""The adapters built from settings, one per process (the session token is
shared by every delivery of the process)."""

from __future__ import annotations

import threading

from django.conf import settings

from motcua.integrations.national_portal.client import Measurement, NationalPortal

_lock = threading.Lock()
_portal: NationalPortal | None = None
_portal_config: tuple[object, ...] = ()


def portal() -> NationalPortal:
    global _portal, _portal_config
    config = (
        settings.MOTCUA_NATIONAL_PORTAL_URL,
        settings.MOTCUA_NATIONAL_PORTAL_USERNAME,
        settings.MOTCUA_NATIONAL_PORTAL_PASSWORD,
        settings.MOTCUA_NATIONAL_PORTAL_UNIT_CODE,
        settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS,
    )
    with _lock:
        if _portal is None or config != _portal_config:
            _portal = NationalPortal(
                base_url=settings.MOTCUA_NATIONAL_PORTAL_URL,
                username=settings.MOTCUA_NATIONAL_PORTAL_USERNAME,
                password=settings.MOTCUA_NATIONAL_PORTAL_PASSWORD,
                unit_code=settings.MOTCUA_NATIONAL_PORTAL_UNIT_CODE,
                timeout=float(settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS),
            )
            _portal_config = config
        return _portal


def measurement() -> Measurement:
    return Measurement(
        url=settings.MOTCUA_EMC_EVENTS_URL,
        timeout=float(settings.MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS),
    )


def forget() -> None:
    """Drop the cached client (tests that move the settings)."""
    global _portal
    with _lock:
        _portal = None
