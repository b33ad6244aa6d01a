"""Test support: a running carrier sandbox on a free port of this
integration's range, with the site's ``VNPOST_*`` settings pointed at it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from motcua.integrations.vnpost.sandbox import VnpostSandbox

#: The ports these tests may listen on.
PORTS = range(19300, 19350)


def _started(**kwargs: Any) -> VnpostSandbox:
    for port in PORTS:
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            continue
        finally:
            probe.close()
        sandbox = VnpostSandbox(port=port, **kwargs)
        try:
            sandbox.start()
        except OSError:
            continue  # another worker took it between probe and bind
        return sandbox
    raise RuntimeError("no free port in 19300–19349")


@pytest.fixture
def vnpost_sandbox(settings: Any) -> Iterator[VnpostSandbox]:
    sandbox = _started(token="test-token", secret="test-secret")  # noqa: S106
    settings.VNPOST_BASE_URL = sandbox.url
    settings.VNPOST_TOKEN = sandbox.token
    settings.VNPOST_WEBHOOK_SECRET = sandbox.secret
    yield sandbox
    sandbox.stop()
