"""A VNPost-style carrier over real HTTP (stdlib only, no Django), for the
tests and the demo.

Protocol (the same one :mod:`motcua.integrations.vnpost.client` speaks):

- ``POST /api/v1/orders`` with header ``Token: <token>`` and JSON
  ``{"reference", "receiver": {"name", "phone", "address"}, "weight_grams",
  "service"}`` → ``201 {"order_code", "reference", "status": "created",
  "fee"}``. The same ``reference`` again answers the same order (200).
- ``GET /api/v1/orders/<order_code>`` → the order with its ``events``.
- The carrier posts each status change to the callback URL as JSON
  ``{"order_code", "reference", "status", "seq", "at", "note"}``, signed
  (:mod:`.signing`).
- Sandbox control (not part of the carrier's API):
  ``POST /_sandbox/orders/<order_code>/advance`` with ``{"status"}`` records
  the change and delivers the webhook; ``GET /_sandbox/orders`` lists all.
"""

from __future__ import annotations

import datetime
import json
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from motcua.integrations.vnpost.client import published_fee
from motcua.integrations.vnpost.signing import SIGNATURE_HEADER, sign

STATUSES = ("created", "picked_up", "in_transit", "delivered", "failed")


def fee_for(weight_grams: int) -> int:
    """Shipping fee in đồng: the adapter's published tariff."""
    return published_fee(weight_grams)


@dataclass
class SandboxOrder:
    order_code: str
    reference: str
    receiver: dict[str, str]
    weight_grams: int
    fee: int
    status: str = "created"
    events: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "order_code": self.order_code,
            "reference": self.reference,
            "status": self.status,
            "fee": self.fee,
            "receiver": self.receiver,
            "weight_grams": self.weight_grams,
            "events": list(self.events),
        }


class VnpostSandbox:
    """The carrier: orders in memory, webhooks posted to ``callback_url``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token: str = "sandbox-token",  # noqa: S107 (the sandbox's own, not a secret)
        secret: str = "sandbox-secret",  # noqa: S107
        callback_url: str = "",
    ) -> None:
        self.host = host
        self.port = port
        self.token = token
        self.secret = secret
        self.callback_url = callback_url
        self.orders: dict[str, SandboxOrder] = {}
        self.webhook_answers: list[int] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    # -- the carrier's behaviour ------------------------------------------------
    def create(self, payload: dict[str, Any]) -> tuple[int, SandboxOrder]:
        reference = str(payload["reference"])
        with self._lock:
            for order in self.orders.values():
                if order.reference == reference:
                    return 200, order
            code = f"EV{len(self.orders) + 1:09d}VN"
            weight = int(payload.get("weight_grams") or 500)
            order = SandboxOrder(
                order_code=code,
                reference=reference,
                receiver={k: str(v) for k, v in dict(payload.get("receiver") or {}).items()},
                weight_grams=weight,
                fee=fee_for(weight),
            )
            order.events.append(self._event(order, "created", ""))
            self.orders[code] = order
            return 201, order

    def _event(self, order: SandboxOrder, status: str, note: str) -> dict[str, Any]:
        return {
            "order_code": order.order_code,
            "reference": order.reference,
            "status": status,
            "seq": len(order.events) + 1,
            "at": datetime.datetime.now(datetime.UTC).isoformat(),
            "note": note,
        }

    def advance(self, order_code: str, status: str, note: str = "") -> dict[str, Any]:
        """Record a status change and post the signed webhook; returns the event."""
        if status not in STATUSES:
            raise ValueError(status)
        with self._lock:
            order = self.orders[order_code]
            event = self._event(order, status, note)
            order.events.append(event)
            order.status = status
        self.post_webhook(event)
        return event

    def post_webhook(self, event: dict[str, Any], *, secret: str | None = None) -> int:
        """POST one event to the callback URL; returns the HTTP status (0: none)."""
        if not self.callback_url:
            return 0
        body = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310 (http only: our own URL)
            self.callback_url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                SIGNATURE_HEADER: sign(body, secret=self.secret if secret is None else secret),
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
                status = int(answer.status)
        except urllib.error.HTTPError as error:
            status = int(error.code)
        except OSError:
            status = 0
        self.webhook_answers.append(status)
        return status

    # -- the server ---------------------------------------------------------------
    def start(self) -> None:
        sandbox = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _json(self) -> dict[str, Any] | None:
                length = int(self.headers.get("Content-Length") or 0)
                try:
                    data = json.loads(self.rfile.read(length) or b"{}")
                except ValueError:
                    return None
                return data if isinstance(data, dict) else None

            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if parts == ["_sandbox", "orders"]:
                    self._send(200, [o.as_json() for o in sandbox.orders.values()])
                    return
                if len(parts) == 4 and parts[:3] == ["api", "v1", "orders"]:
                    if self.headers.get("Token") != sandbox.token:
                        self._send(401, {"error": "unauthorized"})
                        return
                    order = sandbox.orders.get(parts[3])
                    if order is None:
                        self._send(404, {"error": "not_found"})
                        return
                    self._send(200, order.as_json())
                    return
                self._send(404, {"error": "not_found"})

            def do_POST(self) -> None:
                parts = self.path.strip("/").split("/")
                data = self._json()
                if data is None:
                    self._send(400, {"error": "invalid_json"})
                    return
                if parts == ["api", "v1", "orders"]:
                    if self.headers.get("Token") != sandbox.token:
                        self._send(401, {"error": "unauthorized"})
                        return
                    if not data.get("reference") or not isinstance(data.get("receiver"), dict):
                        self._send(400, {"error": "invalid_order"})
                        return
                    status, order = sandbox.create(data)
                    self._send(status, order.as_json())
                    return
                if (
                    len(parts) == 4
                    and parts[:2] == ["_sandbox", "orders"]
                    and parts[3] == "advance"
                ):
                    if parts[2] not in sandbox.orders:
                        self._send(404, {"error": "not_found"})
                        return
                    try:
                        event = sandbox.advance(
                            parts[2], str(data.get("status")), str(data.get("note") or "")
                        )
                    except ValueError:
                        self._send(400, {"error": "invalid_status"})
                        return
                    self._send(200, event)
                    return
                self._send(404, {"error": "not_found"})

        self._server = ThreadingHTTPServer((self.host, self.port), Handler)
        self.port = int(self._server.server_address[1])
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
