"""``motcua sms_sandbox`` and ``motcua zalo_sandbox`` run in their own
process until SIGTERM and speak their protocol on the port given."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request

import pytest

from motcua.integrations.testing import free_port_in_range


@pytest.mark.parametrize(
    ("command", "path", "body"),
    [
        ("sms_sandbox", "/v1/sms", {"to": "0912345678", "text": "thử", "client_ref": "a"}),
        (
            "zalo_sandbox",
            "/message/template",
            {"phone": "84912345678", "template_id": "1", "template_data": {}, "tracking_id": "a"},
        ),
    ],
)
def test_the_command_serves_until_stopped(command: str, path: str, body: dict[str, object]) -> None:
    port = free_port_in_range()
    child = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "motcua", command, "--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        assert "đang chạy tại" in child.stdout.readline()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request) as response:  # noqa: S310
            answer = json.loads(response.read())
        assert answer.get("message_id") or answer.get("data", {}).get("msg_id")
    finally:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
