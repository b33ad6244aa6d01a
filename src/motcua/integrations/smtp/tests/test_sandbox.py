"""The sandbox is a real SMTP server: Django's SMTP backend sends to it over
a socket, and what arrived can be read in memory and on the JSON page."""

from __future__ import annotations

import json
import urllib.request

from django.core.mail import send_mail

from motcua.integrations.smtp.sandbox import SmtpSandbox


def test_mail_sent_through_smtp_arrives_in_the_sandbox(smtp_sandbox: SmtpSandbox) -> None:
    sent = send_mail(
        "Thử nghiệm — hồ sơ", "Nội dung có dấu: đường dẫn", "a@motcua.local", ["b@example.vn"]
    )
    assert sent == 1
    [message] = smtp_sandbox.store.messages()
    assert message.subject == "Thử nghiệm — hồ sơ"
    assert message.recipients == ["b@example.vn"]
    assert "Nội dung có dấu" in message.body


def test_json_page_lists_the_messages(smtp_sandbox: SmtpSandbox) -> None:
    send_mail("Một", "thân thư", "a@motcua.local", ["c@example.vn"])
    url = f"http://127.0.0.1:{smtp_sandbox.http_port}/messages"
    with urllib.request.urlopen(url) as response:
        payload = json.loads(response.read())
    assert [m["subject"] for m in payload["messages"]] == ["Một"]
    assert payload["messages"][0]["recipients"] == ["c@example.vn"]


def test_folder_keeps_eml_files(tmp_path: object) -> None:
    from pathlib import Path

    from motcua.integrations.smtp.testing import free_port

    folder = Path(str(tmp_path)) / "thu"
    with SmtpSandbox(port=free_port(), folder=folder) as sandbox:
        import smtplib

        with smtplib.SMTP(sandbox.host, sandbox.port) as client:
            client.sendmail("a@x.vn", ["b@x.vn"], b"Subject: hi\r\n\r\nbody\r\n")
        assert len(sandbox.store.messages()) == 1
    assert [p.name for p in folder.iterdir()] == ["00001.eml"]


def test_the_command_runs_a_sandbox_until_stopped(tmp_path: object) -> None:
    """``motcua smtp_sandbox --port N --http-port M`` in its own process."""
    import os
    import signal
    import smtplib
    import subprocess
    import sys
    from pathlib import Path

    from motcua.integrations.smtp.testing import free_ports

    port, http_port = free_ports(2)
    folder = Path(str(tmp_path)) / "thu"
    child = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "motcua", "smtp_sandbox", "--port", str(port),
         "--http-port", str(http_port), "--folder", str(folder)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    try:
        assert child.stdout is not None
        assert "đang nhận thư" in child.stdout.readline()
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail("a@x.vn", ["b@x.vn"], b"Subject: lenh\r\n\r\nthan thu\r\n")
        url = f"http://127.0.0.1:{http_port}/messages"
        with urllib.request.urlopen(url) as response:
            payload = json.loads(response.read())
        assert [m["subject"] for m in payload["messages"]] == ["lenh"]
        assert len(list(folder.iterdir())) == 1
    finally:
        child.send_signal(signal.SIGTERM)
        assert child.wait(timeout=30) == 0
