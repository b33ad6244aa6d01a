"""A trivial receiving end for the outbox's own tests and benchmark: a
stdlib HTTP server that takes ``POST /`` with a JSON body and the headers
``Idempotency-Key`` and ``X-Outbox-Stream``, and counts what it got per key
and in which order per stream (``GET /stats``). :class:`PostDestination`
is the matching destination (one POST per row). Real destinations (the
national portal, the webhooks) have their own adapters and sandboxes."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse
from collections import Counter
from http.server import ThreadingHTTPServer
from typing import Any

from motcua.dossiers.models import DossierEvent
from motcua.integrations.running import Lifecycle, QuietHandler
from motcua.outbox.destinations import Delivered, Failed
from motcua.outbox.models import OutboxMessage


class CountingSink(Lifecycle):
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, delay: float = 0.0) -> None:
        self.host, self.port = host, port
        #: Seconds each request is held (so that a test can kill a worker mid-delivery).
        self.delay = delay
        self.lock = threading.Lock()
        self.per_key: Counter[str] = Counter()
        self.streams: dict[str, list[str]] = {}
        #: Keys being handled right now (to catch two deliveries at once).
        self.in_flight: set[str] = set()
        self.overlaps = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    def start(self) -> CountingSink:
        sink = self

        class Handler(QuietHandler):
            def _answer(self, status: int, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                with sink.lock:
                    stats = {
                        "per_key": dict(sink.per_key),
                        "streams": sink.streams,
                        "overlaps": sink.overlaps,
                    }
                    body = json.dumps(stats).encode()
                self._answer(200, body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                key = self.headers.get("Idempotency-Key", "")
                stream = self.headers.get("X-Outbox-Stream", "")
                with sink.lock:
                    if key in sink.in_flight:
                        sink.overlaps += 1
                    sink.in_flight.add(key)
                    sink.per_key[key] += 1
                    first = sink.per_key[key] == 1
                    if first:
                        sink.streams.setdefault(stream, []).append(key)
                if sink.delay:
                    time.sleep(sink.delay)
                with sink.lock:
                    sink.in_flight.discard(key)
                self._answer(200, b'{"ok":true}' if first else b'{"ok":true,"repeat":true}')

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


class PostDestination:
    """POST each row's payload to ``url``; for the sink above. One kept-alive
    connection per thread."""

    def __init__(self, *, name: str, url: str, timeout: float = 10.0) -> None:
        self.name = name
        self.url = urllib.parse.urlsplit(url)
        self.timeout = timeout
        self._local = threading.local()

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]:
        return [{"action": event.action, "seq": event.seq}]

    def _connection(self) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(
                self.url.hostname or "127.0.0.1", self.url.port or 80, timeout=self.timeout
            )
            self._local.conn = conn
        return conn

    def deliver(self, message: OutboxMessage) -> Delivered | Failed:
        body = json.dumps(message.payload).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": message.key,
            "X-Outbox-Stream": message.stream,
        }
        try:
            conn = self._connection()
            conn.request("POST", self.url.path or "/", body=body, headers=headers)
            response = conn.getresponse()
            answer = response.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as exc:
            self._local.conn = None
            return Failed(reason=f"Không kết nối được: {exc}", permanent=False)
        if response.status >= 500:
            return Failed(reason=f"HTTP {response.status}", permanent=False, answer=answer)
        if response.status >= 400:
            return Failed(reason=f"HTTP {response.status}", permanent=True, answer=answer)
        return Delivered(answer=answer)
