"""What the two payment-gateway sandboxes share: a real HTTP server
(stdlib, no Django) in a thread, the store of transactions, the control
endpoints a test or demo uses, and the small Vietnamese "pay / cancel" page.

Control (JSON): ``POST /_control {"drop_callbacks": true}`` makes the
sandbox stop delivering server-to-server callbacks (the browser is still
sent back), so the reconciliation sweep must settle the payment;
``GET /_transactions`` lists what it holds. A reference ending in ``-DROP``
never gets its callback either (a named test case, as GOV.UK Notify does).
Bind it to 127.0.0.1 only."""

from __future__ import annotations

import datetime
import html
import json
import threading
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from motcua.integrations.running import QuietHandler


@dataclass
class SandboxTransaction:
    reference: str
    amount_vnd: int
    description: str
    return_url: str
    notify_url: str
    status: str = "pending"  # pending | paid | failed | refunded
    transaction: str = ""
    refund_transaction: str = ""
    paid_at: str = ""
    callback_status: int | None = None
    #: The last callback prepared (sent or dropped), for tests to replay.
    last_callback: dict[str, str] = field(default_factory=dict)


class TransactionStore:
    def __init__(self) -> None:
        self._rows: dict[str, SandboxTransaction] = {}
        self._lock = threading.Lock()
        self.drop_callbacks = False
        self._counter = 0

    def add(self, row: SandboxTransaction) -> None:
        with self._lock:
            self._rows.setdefault(row.reference, row)

    def get(self, reference: str) -> SandboxTransaction | None:
        with self._lock:
            return self._rows.get(reference)

    def next_transaction(self) -> str:
        with self._lock:
            self._counter += 1
            return f"{self._counter:010d}"

    def rows(self) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._rows.values()]


def pay_page(*, title: str, row: SandboxTransaction, action: str) -> bytes:
    """The sandbox's own page (Vietnamese): amount, "Thanh toán", "Hủy"."""
    amount = f"{row.amount_vnd:,}".replace(",", ".")
    ref = html.escape(row.reference)
    body = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>{html.escape(title)} (thử nghiệm)</title></head><body>
<main><h1>{html.escape(title)} (môi trường thử nghiệm)</h1>
<p>Nội dung: {html.escape(row.description)}</p>
<p>Mã tham chiếu: <strong>{ref}</strong></p>
<p>Số tiền: <strong>{amount} đồng</strong></p>
<form method="post" action="{action}"><input type="hidden" name="ref" value="{ref}">
<button type="submit" name="choice" value="pay">Thanh toán</button>
<button type="submit" name="choice" value="cancel">Hủy giao dịch</button></form>
</main></body></html>"""
    return body.encode()


def deliver(url: str, *, data: bytes | None, method: str, headers: dict[str, str]) -> int:
    """Send a server-to-server callback; the HTTP status (0: unreachable)."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers)  # noqa: S310  (http only: our configured base URL)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except OSError:
        return 0


Route = Callable[["SandboxHandler"], None]


class SandboxHandler(QuietHandler):
    server: SandboxServer

    # -- helpers used by the routes
    @property
    def path_only(self) -> str:
        return urlsplit(self.path).path

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

    def body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 1_000_000)) if length else b""

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body().decode()).items()}

    def send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def send_json(self, status: int, payload: Any) -> None:
        self.send(status, json.dumps(payload, ensure_ascii=False).encode(), "application/json")

    def redirect(self, url: str) -> None:
        self.send_response(302)
        self.send_header("Location", url)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _route(self, method: str) -> None:
        path = self.path_only
        if method == "POST" and path == "/_control":
            try:
                data = json.loads(self.body() or b"{}")
            except ValueError:
                self.send_json(400, {"error": "json"})
                return
            self.server.store.drop_callbacks = bool(data.get("drop_callbacks"))
            self.send_json(200, {"drop_callbacks": self.server.store.drop_callbacks})
            return
        if method == "GET" and path == "/_transactions":
            self.send_json(200, self.server.store.rows())
            return
        route = self.server.routes.get((method, path))
        if route is None:
            self.send_json(404, {"error": "not found"})
            return
        route(self)

    def do_GET(self) -> None:
        self._route("GET")

    def do_POST(self) -> None:
        self._route("POST")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], routes: dict[tuple[str, str], Route]) -> None:
        super().__init__(address, SandboxHandler)
        self.routes = routes
        self.store = TransactionStore()


class RunningSandbox:
    """Start/stop a sandbox server in a thread (``with`` or explicit)."""

    def __init__(self, server: SandboxServer) -> None:
        self.server = server
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def store(self) -> TransactionStore:
        return self.server.store

    def start(self) -> RunningSandbox:
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> RunningSandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def decide(store: TransactionStore, row: SandboxTransaction, choice: str, paid_at: str) -> None:
    """The citizen pressed "Thanh toán" (``pay``) or "Hủy": a pending
    transaction becomes paid or failed, once."""
    if row.status == "pending":
        row.status = "paid" if choice == "pay" else "failed"
        row.transaction = store.next_transaction()
        row.paid_at = paid_at


def confirm_choice(
    h: SandboxHandler, clock: Callable[[datetime.datetime], str]
) -> SandboxTransaction | None:
    """The pay page's form posted: apply the choice to its transaction
    (``None``, answered 404, when the sandbox does not hold it)."""
    form = h.form()
    row = h.server.store.get(form.get("ref", ""))
    if row is None:
        h.send(404, "Không có giao dịch.".encode(), "text/plain; charset=utf-8")
        return None
    decide(
        h.server.store, row, form.get("choice", ""), clock(datetime.datetime.now(tz=datetime.UTC))
    )
    return row


def dropped(store: TransactionStore, reference: str) -> bool:
    return store.drop_callbacks or reference.endswith("-DROP")
