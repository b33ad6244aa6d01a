"""Test support: a running sandbox on a free port with the site's
``EMAIL_*`` settings pointed at it (real sockets, Django's SMTP backend)."""

from __future__ import annotations

import contextlib
import os
import random
import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.integrations.smtp.sandbox import SmtpSandbox

#: The ports this project's tests may listen on.
PORTS = range(18600, 18700)


def _this_workers_share(ports: range) -> list[int]:
    """The ports this pytest-xdist worker probes, in a random order: each
    worker gets its own slice of the range, so two workers never pick the
    same free port between probing and binding it."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    share = [p for i, p in enumerate(ports) if i % workers == worker % workers]
    random.shuffle(share)
    return share


def free_ports(count: int, ports: range = PORTS) -> list[int]:
    """``count`` different ports of ``ports`` (default :data:`PORTS`) that
    are free now (held together while probing, so they differ)."""
    held: list[socket.socket] = []
    try:
        for port in _this_workers_share(ports):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            # Like the servers: a port left in TIME_WAIT by a finished test is free.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                probe.close()
                continue
            held.append(probe)
            if len(held) == count:
                return [s.getsockname()[1] for s in held]
    finally:
        for probe in held:
            probe.close()
    raise RuntimeError(f"no free port in {ports.start}–{ports.stop - 1}")


def free_port() -> int:
    return free_ports(1)[0]


def _started() -> SmtpSandbox:
    for _attempt in range(5):
        smtp_port, http_port = free_ports(2)
        sandbox = SmtpSandbox(port=smtp_port)
        try:
            sandbox.start()
            sandbox.serve_http(http_port)
        except (OSError, RuntimeError):
            with contextlib.suppress(Exception):
                sandbox.stop()
            continue  # another worker took the port between probe and bind
        return sandbox
    raise RuntimeError("could not start the SMTP sandbox")


@pytest.fixture
def smtp_sandbox(settings: Any) -> Iterator[SmtpSandbox]:
    sandbox = _started()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sandbox.host
    settings.EMAIL_PORT = sandbox.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    yield sandbox
    sandbox.stop()


def link_in(body: str) -> str:
    """The first http(s) address in a mail body."""
    found = re.search(r"https?://\S+", body)
    assert found is not None, body
    return found.group(0)
