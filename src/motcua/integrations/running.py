"""What every sandbox shares: use as a context manager, and run in the
foreground of a management command until SIGTERM or Ctrl-C."""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler
from types import TracebackType
from typing import Any, Protocol, Self


class QuietHandler(BaseHTTPRequestHandler):
    """The request handler every HTTP sandbox builds on: HTTP/1.1 keep-alive,
    no access log on stderr, and ``TCP_NODELAY`` (headers and body are two
    writes: without it the body waits for the client's delayed ACK, ~40 ms
    per request on Linux)."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: Any) -> None:
        return


class Startable(Protocol):
    def start(self) -> object: ...

    def stop(self) -> None: ...


class Lifecycle:
    """``with Sandbox(...) as s:`` starts and stops it (subclasses define
    ``start`` and ``stop``)."""

    def start(self) -> object:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


def run_until_stopped(sandbox: Startable, announce: Callable[[], None]) -> None:
    """Start ``sandbox``, call ``announce`` and wait for SIGTERM or Ctrl-C,
    then stop it."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sandbox.start()
    announce()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()
