"""Test support: a running sandbox on a free port with the site's
``EMAIL_*`` settings pointed at it (real sockets, Django's SMTP backend)."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.integrations.smtp.sandbox import SmtpSandbox

#: The ports this project's tests may listen on.
PORTS = range(18600, 18700)


def free_port() -> int:
    for port in PORTS:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18600–18699")


def _started() -> SmtpSandbox:
    for _attempt in range(5):
        sandbox = SmtpSandbox(port=free_port())
        try:
            sandbox.start()
            sandbox.serve_http(free_port())
        except (OSError, RuntimeError):
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
