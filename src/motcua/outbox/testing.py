"""Test helpers: a destination that records what it is given and answers
as told. Used by this app's tests and by destinations' tests elsewhere."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from motcua.dossiers.models import DossierEvent
from motcua.outbox.destinations import Delivered, Failed
from motcua.outbox.models import OutboxMessage


@dataclass
class RecordingDestination:
    """Wants one message per event whose action is in ``actions`` (all when
    empty); ``answers`` is consumed one per delivery (then: delivered)."""

    name: str = "test_sink"
    actions: tuple[str, ...] = ()
    answers: list[Delivered | Failed | Exception] = field(default_factory=list)
    delivered: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    on_deliver: Callable[[OutboxMessage], None] | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]:
        if self.actions and event.action not in self.actions:
            return []
        return [{"action": event.action, "seq": event.seq, "code": event.dossier.code}]

    def deliver(self, message: OutboxMessage) -> Delivered | Failed:
        if self.on_deliver is not None:
            self.on_deliver(message)
        with self._lock:
            answer = self.answers.pop(0) if self.answers else Delivered(answer="OK")
        if isinstance(answer, Exception):
            raise answer
        if isinstance(answer, Delivered):
            with self._lock:
                self.delivered.append((message.stream, message.key, dict(message.payload)))
        return answer
