"""The processes ``make run`` (``motcua devserver``) starts together: the
ONE list to extend (sandboxes of outside systems go here too). Each entry
gives the command line from the launcher's options; every process runs
the ``motcua`` command line of the same interpreter."""

from __future__ import annotations

import os
import sys
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class LaunchOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    reload: bool = True


@dataclass(frozen=True)
class Process:
    name: str
    argv: Callable[[LaunchOptions], list[str]]


def motcua(*args: str) -> list[str]:
    """``motcua <args>`` with this interpreter."""
    return [sys.executable, "-m", "motcua", *args]


def _web(o: LaunchOptions) -> list[str]:
    return motcua("runserver", f"{o.host}:{o.port}", *([] if o.reload else ["--noreload"]))


def _port(name: str, default: int) -> str:
    """The sandbox port the site's settings point at (``EMAIL_PORT`` or the
    port of a ``NOTIFY_*_URL``), so ``make run`` and the site agree."""
    value = os.environ.get(name, "")
    if value.isdigit():
        return value
    return str(urllib.parse.urlsplit(value).port or default) if value else str(default)


def _vnpost(o: LaunchOptions) -> list[str]:
    """The carrier sandbox, posting its status changes to this site."""
    callback = f"http://{o.host}:{o.port}/buu-chinh/thong-bao/"
    port = str(o.port + 25)  # 8025 beside 8000: VNPOST_BASE_URL's default
    return motcua("vnpost_sandbox", "--host", o.host, "--port", port, "--callback", callback)


PROCESSES: tuple[Process, ...] = (
    Process("web", _web),
    Process("worker", lambda o: motcua("db_worker", "--interval", "2")),
    Process("scheduler", lambda o: motcua("run_scheduler", "--interval", "30")),
    # Delivers the outbox (national portal, measurement system, webhooks).
    Process("outbox", lambda o: motcua("outbox_worker")),
    # The local OpenID Connect provider (national sign-on) on the web port + 70:
    # 8070 beside 8000, MOTCUA_OIDC_ISSUER's default.
    Process(
        "oidc",
        lambda o: motcua(
            "oidc_provider", "--port", str(o.port + 70), "--site", f"http://{o.host}:{o.port}"
        ),
    ),
    # The outside systems' sandboxes (settings' defaults point at these ports).
    Process("smtp", lambda o: motcua("smtp_sandbox", "--port", _port("EMAIL_PORT", 1025))),
    Process("sms", lambda o: motcua("sms_sandbox", "--port", _port("NOTIFY_SMS_URL", 1026))),
    Process("zalo", lambda o: motcua("zalo_sandbox", "--port", _port("NOTIFY_ZALO_URL", 1027))),
    Process(
        "pay_national",
        lambda o: motcua(
            "payment_sandbox", "national", "--port", "8091", "--site", f"http://{o.host}:{o.port}"
        ),
    ),
    Process(
        "pay_vnpay",
        lambda o: motcua(
            "payment_sandbox", "vnpay", "--port", "8092", "--site", f"http://{o.host}:{o.port}"
        ),
    ),
    Process("vnpost", _vnpost),
    # The national-portal simulator (gateway, DVCQG services, EMC receiver) on
    # 8093: MOTCUA_NATIONAL_PORTAL_URL's and MOTCUA_EMC_EVENTS_URL's default.
    Process(
        "national_portal",
        lambda o: motcua(
            "national_portal_sandbox", "--port", _port("MOTCUA_NATIONAL_PORTAL_URL", 8093)
        ),
    ),
    # A webhook receiver that checks signatures (subscriptions may point at it).
    Process("webhooks", lambda o: motcua("webhook_sandbox", "--port", "8094")),
)
