"""A receiving end for webhooks, speaking the real protocol over a real
socket (``motcua webhook_sandbox``; the tests start it on a free port).

It does what a careful receiver does: reads the raw body, checks
``X-MotCua-Signature`` against its secret (HMAC-SHA256 over
``timestamp.body``), refuses a timestamp outside its window (400) and a bad
or missing signature (401), and takes each event id once: an exact replay
(the same id with the same signature) is refused (409), a fresh retry of an
event it already has (signed anew) is answered 200 without being taken
twice.

Failure modes (``POST /_control {"mode": "error", "times": 2}``): ``error``
(HTTP 500), ``garbage`` (200 with a body that is not JSON, taken), ``reject``
(HTTP 400), ``slow`` (answer after ``slow_seconds``, for timeouts).
``GET /messages`` lists what was taken, ``GET /refused`` what was refused."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import ThreadingHTTPServer
from typing import Any

from motcua.integrations.running import Lifecycle, QuietHandler
from motcua.webhooks import signing

MODES = ("ok", "error", "garbage", "reject", "slow")


@dataclass(frozen=True)
class Taken:
    event_id: str
    event_type: str
    body: dict[str, Any]
    timestamp: int


class WebhookSandbox(Lifecycle):
    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        secret: str,
        window: int = 300,
        slow_seconds: float = 3.0,
    ) -> None:
        self.host, self.port, self.secret, self.window = host, port, secret, window
        self.slow_seconds = slow_seconds
        self.lock = threading.Lock()
        self.taken: list[Taken] = []
        self.refused: list[dict[str, str]] = []
        self._signatures: dict[str, set[str]] = {}
        self._mode, self._times = "ok", 0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/webhook"

    def fail(self, mode: str, times: int = -1) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        with self.lock:
            self._mode, self._times = mode, times

    def _failure(self) -> str:
        with self.lock:
            if self._mode == "ok" or self._times == 0:
                return "ok"
            if self._times > 0:
                self._times -= 1
            return self._mode

    def receive(
        self, headers: dict[str, str], raw: bytes, now: int | None = None
    ) -> tuple[int, bytes]:
        """The receiver's checks, in order; (status, body)."""
        now = int(time.time()) if now is None else now
        event_id = headers.get(signing.EVENT_ID_HEADER.lower(), "")
        signature = headers.get(signing.SIGNATURE_HEADER.lower(), "")

        def refuse(status: int, why: str) -> tuple[int, bytes]:
            with self.lock:
                self.refused.append({"event_id": event_id, "reason": why})
            return status, json.dumps({"error": why}).encode()

        try:
            timestamp = signing.verify(self.secret, signature, raw, now=now, window=self.window)
        except signing.BadSignature as exc:
            status = 400 if "window" in str(exc) else 401
            return refuse(status, str(exc))
        if not event_id:
            return refuse(400, "no event id")
        try:
            body = json.loads(raw)
        except ValueError:
            return refuse(400, "body is not JSON")
        with self.lock:
            seen = self._signatures.get(event_id)
            if seen is not None and signature in seen:
                replay = True
            else:
                replay = False
                self._signatures.setdefault(event_id, set()).add(signature)
        if replay:
            return refuse(409, "replayed request")
        if seen is not None:
            return 200, b'{"ok":true,"duplicate":true}'
        with self.lock:
            self.taken.append(
                Taken(event_id, headers.get(signing.EVENT_TYPE_HEADER.lower(), ""), body, timestamp)
            )
        return 200, b'{"ok":true}'

    def start(self) -> WebhookSandbox:
        sandbox = self

        class Handler(QuietHandler):
            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                with sandbox.lock:
                    if self.path == "/messages":
                        data: Any = [asdict(t) for t in sandbox.taken]
                    elif self.path == "/refused":
                        data = list(sandbox.refused)
                    else:
                        self._answer(404, b"{}")
                        return
                self._answer(200, json.dumps(data, ensure_ascii=False).encode())

            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path == "/_control":
                    order = json.loads(raw or b"{}")
                    sandbox.fail(str(order.get("mode", "ok")), int(order.get("times", -1)))
                    self._answer(200, b"{}")
                    return
                with sandbox.lock:
                    sandbox.requests += 1
                mode = sandbox._failure()
                if mode == "error":
                    self._answer(500, b'{"error":"internal"}')
                    return
                if mode == "reject":
                    self._answer(400, b'{"error":"rejected"}')
                    return
                if mode == "slow":
                    time.sleep(sandbox.slow_seconds)
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, body = sandbox.receive(headers, raw)
                self._answer(status, b"<html>not json" if mode == "garbage" else body)

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
