"""Test support for the HTTP sandboxes: each fixture starts a sandbox on a
free port and points the site's ``NOTIFY_*`` settings at it (real sockets)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.sms.sandbox import SmsSandbox
from motcua.integrations.zalo.sandbox import ZaloSandbox

#: The ports the notification tests listen on.
PORTS = range(19200, 19250)


def started(kind: type[HttpSandbox], secret: str = "") -> HttpSandbox:
    for _attempt in range(5):
        sandbox = kind(port=free_port_in_range(), secret=secret)
        try:
            return sandbox.start()
        except OSError:
            with contextlib.suppress(Exception):
                sandbox.stop()
    raise RuntimeError(f"could not start {kind.__name__}")


def free_port_in_range() -> int:
    from motcua.integrations.smtp.testing import free_ports

    return free_ports(1, PORTS)[0]


@pytest.fixture
def sms_sandbox(settings: Any) -> Iterator[HttpSandbox]:
    sandbox = started(SmsSandbox, secret="khoa-thu")  # noqa: S106 - sandbox key
    settings.NOTIFY_SMS_URL, settings.NOTIFY_SMS_KEY = sandbox.url, "khoa-thu"
    yield sandbox
    sandbox.stop()


@pytest.fixture
def zalo_sandbox(settings: Any) -> Iterator[HttpSandbox]:
    sandbox = started(ZaloSandbox, secret="ma-truy-cap")  # noqa: S106 - sandbox token
    settings.NOTIFY_ZALO_URL, settings.NOTIFY_ZALO_TOKEN = sandbox.url, "ma-truy-cap"
    yield sandbox
    sandbox.stop()


def closed_port() -> int:
    """A port nobody listens on (a channel that is down)."""
    return free_port_in_range()


__all__ = ["closed_port", "sms_sandbox", "started", "zalo_sandbox"]
