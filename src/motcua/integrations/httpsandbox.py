"""The common machinery of the HTTP sandboxes (SMS gateway, Zalo ZNS): a
real HTTP server on 127.0.0.1 in a background thread that keeps what it
accepted, deduplicates on the sender's reference, and fails on demand.

Failure modes (switched by a test through :meth:`HttpSandbox.fail` or over
HTTP with ``POST /_control {"mode": "error", "times": 2}``):

``error``
    answer HTTP 503 (a temporary outage);
``garbage``
    answer 200 with a body that is not JSON;
``reject``
    answer the provider's permanent refusal;
``drop``
    close the connection without answering.

``times`` is how many requests fail before the sandbox works again
(``-1``: until switched back with mode ``ok``). ``GET /messages`` lists the
messages accepted (JSON), ``POST /_reset`` forgets them. A channel that is
*down* is simply a sandbox that is not running."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from motcua.integrations.running import Lifecycle, QuietHandler

MODES = ("ok", "error", "garbage", "reject", "drop")


@dataclass(frozen=True)
class Accepted:
    """One message the sandbox accepted."""

    provider_id: str
    reference: str
    address: str
    text: str
    template_id: str = ""


@dataclass(frozen=True)
class Reply:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"


def json_reply(status: int, payload: Mapping[str, Any]) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode())


class HttpSandbox(Lifecycle):
    """Subclasses set :attr:`path` and implement :meth:`parse`,
    :meth:`accepted_reply`, :meth:`reject_reply` and may override
    :meth:`check_auth` and :meth:`named_failure`."""

    path = "/"
    label = "sandbox"
    #: The sandbox's name as its command announces it.
    title = "Dịch vụ thử nghiệm"

    def __init__(self, *, host: str = "127.0.0.1", port: int, secret: str = "") -> None:
        self.host = host
        self.port = port
        self.secret = secret
        self._lock = threading.Lock()
        self._accepted: list[Accepted] = []
        self._by_reference: dict[str, Accepted] = {}
        self._mode = "ok"
        self._times = 0
        self.requests = 0
        self._server: ThreadingHTTPServer | None = None

    # ------------------------------------------------------------ protocol
    def parse(self, body: Mapping[str, Any]) -> tuple[str, str, str, str]:
        """(reference, address, text, template id) of a send request;
        ``ValueError`` when the request is malformed."""
        raise NotImplementedError

    def accepted_reply(self, message: Accepted) -> Reply:
        raise NotImplementedError

    def reject_reply(self, reason: str) -> Reply:
        raise NotImplementedError

    def check_auth(self, headers: Mapping[str, str]) -> bool:
        return True

    def unauthorised_reply(self) -> Reply:
        return json_reply(401, {"error": "unauthorised"})

    def named_failure(self, address: str) -> str:
        """A failure mode forced by the recipient's address (documented test
        recipients), or ``""``."""
        return ""

    # ------------------------------------------------------------ control
    def fail(self, mode: str, times: int = -1) -> None:
        if mode not in MODES:
            raise ValueError(mode)
        with self._lock:
            self._mode, self._times = mode, times

    def accepted(self) -> list[Accepted]:
        with self._lock:
            return list(self._accepted)

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()
            self._by_reference.clear()
            self._mode, self._times, self.requests = "ok", 0, 0

    def _next_mode(self) -> str:
        with self._lock:
            self.requests += 1
            mode = self._mode
            if mode != "ok" and self._times > 0:
                self._times -= 1
                if self._times == 0:
                    self._mode = "ok"
            return mode

    def handle_send(self, headers: Mapping[str, str], raw: bytes) -> Reply | None:
        """The reply to one send request (``None``: drop the connection)."""
        mode = self._next_mode()
        if mode == "drop":
            return None
        if mode == "error":
            return Reply(503, b"<html>Service Unavailable</html>", "text/html")
        if mode == "garbage":
            return Reply(200, b"<html>ok?", "text/html")
        if not self.check_auth(headers):
            return self.unauthorised_reply()
        try:
            body = json.loads(raw)
            if not isinstance(body, dict):
                raise ValueError("not an object")
            reference, address, text, template_id = self.parse(body)
        except ValueError as exc:
            return self.reject_reply(f"malformed: {exc}")
        forced = mode if mode == "reject" else self.named_failure(address)
        if forced == "reject":
            return self.reject_reply("rejected")
        if forced == "error":
            return Reply(503, b"<html>Service Unavailable</html>", "text/html")
        with self._lock:
            known = self._by_reference.get(reference) if reference else None
            if known is None:
                known = Accepted(
                    provider_id=f"{self.label}-{len(self._accepted) + 1:06d}",
                    reference=reference,
                    address=address,
                    text=text,
                    template_id=template_id,
                )
                self._accepted.append(known)
                if reference:
                    self._by_reference[reference] = known
        return self.accepted_reply(known)

    # ------------------------------------------------------------ server
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        sandbox = self

        class Handler(QuietHandler):
            def _send(self, reply: Reply) -> None:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            def _body(self) -> bytes:
                length = min(int(self.headers.get("Content-Length") or 0), 1_000_000)
                return self.rfile.read(length)

            def do_GET(self) -> None:
                if self.path.rstrip("/") != "/messages":
                    self._send(json_reply(404, {"error": "not found"}))
                    return
                items = [asdict(m) for m in sandbox.accepted()]
                self._send(json_reply(200, {"messages": items}))

            def do_POST(self) -> None:
                raw = self._body()
                route: dict[str, Callable[[], Reply | None]] = {
                    sandbox.path: lambda: sandbox.handle_send(dict(self.headers.items()), raw),
                    "/_control": lambda: _control(sandbox, raw),
                    "/_reset": lambda: _reset(sandbox),
                }
                action = route.get(self.path.split("?")[0])
                reply = action() if action else json_reply(404, {"error": "not found"})
                if reply is None:
                    self.close_connection = True
                    return
                self._send(reply)

        return Handler

    def start(self) -> Self:
        self._server = ThreadingHTTPServer((self.host, self.port), self._handler())
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


def _reset(sandbox: HttpSandbox) -> Reply:
    sandbox.reset()
    return json_reply(200, {"ok": True})


def _control(sandbox: HttpSandbox, raw: bytes) -> Reply:
    try:
        body = json.loads(raw)
        sandbox.fail(str(body["mode"]), int(body.get("times", -1)))
    except (ValueError, KeyError, TypeError):
        return json_reply(400, {"error": "bad control request"})
    return json_reply(200, {"ok": True})
