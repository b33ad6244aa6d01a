"""A local SMTP sandbox: a real SMTP server (aiosmtpd) that accepts every
message and keeps it, in memory and optionally as ``.eml`` files in a
folder, plus a tiny read-only JSON page over HTTP (``GET /messages``) so a
test or a person running the demo can read what was sent.

It never relays anything: mail sent to it goes nowhere else. Bind it to
127.0.0.1 (the default) only.
"""

from __future__ import annotations

import email
import email.policy
import json
import threading
from dataclasses import asdict, dataclass
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from motcua.integrations.running import Lifecycle


@dataclass(frozen=True)
class ReceivedMessage:
    """One message as the sandbox received it."""

    mail_from: str
    recipients: list[str]
    subject: str
    body: str


class MailStore:
    """The messages received, oldest first (thread-safe)."""

    def __init__(self, folder: Path | None = None) -> None:
        self._messages: list[ReceivedMessage] = []
        self._lock = threading.Lock()
        self.folder = folder
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)

    def add(self, raw: bytes, mail_from: str, recipients: list[str]) -> ReceivedMessage:
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        part = parsed.get_body(preferencelist=("plain", "html"))
        body = part.get_content() if part is not None else ""
        message = ReceivedMessage(
            mail_from=mail_from,
            recipients=list(recipients),
            subject=str(parsed.get("Subject", "")).strip(),
            body=str(body),
        )
        with self._lock:
            self._messages.append(message)
            count = len(self._messages)
        if self.folder is not None:
            (self.folder / f"{count:05d}.eml").write_bytes(raw)
        return message

    def messages(self) -> list[ReceivedMessage]:
        with self._lock:
            return list(self._messages)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()


#: Test recipients whose mail the sandbox always refuses (550) or defers (451).
REFUSED_RECIPIENT = "tu-choi@thu-nghiem.vn"
DEFERRED_RECIPIENT = "tam-loi@thu-nghiem.vn"


class _Handler:
    def __init__(self, store: MailStore) -> None:
        self.store = store
        self.mode = "ok"
        self.times = 0

    def fail(self, mode: str, times: int = -1) -> None:
        """Answer the next ``times`` messages (``-1``: all) with ``451``
        (mode ``error``) or ``550`` (mode ``reject``); ``ok`` stops."""
        self.mode, self.times = mode, times

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address == REFUSED_RECIPIENT:
            return "550 5.1.1 Hộp thư không tồn tại"
        if address == DEFERRED_RECIPIENT:
            return "451 4.3.0 Tạm thời không nhận"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 - aiosmtpd's hook name
        if self.mode != "ok":
            mode = self.mode
            if self.times > 0:
                self.times -= 1
                if self.times == 0:
                    self.mode = "ok"
            return "550 5.7.1 Từ chối" if mode == "reject" else "451 4.3.0 Tạm thời lỗi"
        content = envelope.original_content or b""
        self.store.add(content, str(envelope.mail_from or ""), list(envelope.rcpt_tos))
        return "250 Đã nhận"


def _json_handler(store: MailStore) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.rstrip("/") not in ("", "/messages"):
                self.send_error(404)
                return
            payload = json.dumps(
                {"messages": [asdict(m) for m in store.messages()]}, ensure_ascii=False
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


class SmtpSandbox(Lifecycle):
    """Start with :meth:`start` (or as a context manager); the SMTP server and
    the JSON page run in background threads until :meth:`stop`."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int,
        http_port: int | None = None,
        folder: Path | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.http_port = http_port
        self.store = MailStore(folder)
        self.handler = _Handler(self.store)
        self._controller = Controller(self.handler, hostname=host, port=port)
        self._http: ThreadingHTTPServer | None = None

    def start(self) -> SmtpSandbox:
        self._controller.start()
        if self.http_port is not None:
            self.serve_http(self.http_port)
        return self

    def fail(self, mode: str, times: int = -1) -> None:
        self.handler.fail(mode, times)

    def serve_http(self, port: int) -> None:
        """Serve the JSON page of received messages on ``port``."""
        self.http_port = port
        self._http = ThreadingHTTPServer((self.host, port), _json_handler(self.store))
        threading.Thread(target=self._http.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._http is not None:
            self._http.shutdown()
            self._http.server_close()
            self._http = None
        self._controller.stop()
