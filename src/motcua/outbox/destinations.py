"""Where outbox rows go: the small interface a destination implements and
the registry of destinations (one per outside system: the national portal,
the measurement system, the webhooks of other provincial systems).

A destination is registered from its app's ``AppConfig.ready``::

    from motcua.outbox.destinations import register_destination
    register_destination(NationalPortal())

``messages_for`` runs INSIDE the dossier event's transaction (the outbox's
one hook in ``dossiers.hooks``) and must not do I/O; it returns the JSON
payloads to enqueue (0..n). Two optional reserved entries of a payload are
taken out before it is stored:

``"_key"``
    the idempotency key (unique per destination; default
    ``"<event id>.<n>"``);
``"_stream"``
    the ordering stream (default ``"d<dossier id>"``: a dossier's rows are
    delivered in order; ``""``: no ordering).

``deliver`` runs in the worker, outside any transaction, does the I/O and
must be idempotent on the other side (``message.key`` is stable across
retries). It returns :class:`Delivered` or :class:`Failed`; an exception is
recorded as a temporary failure."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierEvent
    from motcua.outbox.models import OutboxMessage


@dataclass(frozen=True)
class Delivered:
    """The other side took it."""

    answer: str = ""  # what it answered (stored, truncated, shown to admins)
    remote_id: str = ""


@dataclass(frozen=True)
class Failed:
    reason: str
    permanent: bool  # permanent -> counts towards dead-letter; temporary -> retry with backoff
    answer: str = ""


class Destination(Protocol):
    name: str  # stable; stored on each row, e.g. "national_portal"

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]: ...

    def deliver(self, message: OutboxMessage) -> Delivered | Failed: ...


_destinations: dict[str, Destination] = {}


def register_destination(destination: Destination) -> None:
    """Add (or replace, by ``name``) a destination."""
    _destinations[destination.name] = destination


def unregister_destination(name: str) -> None:
    _destinations.pop(name, None)


def registered_destinations() -> list[Destination]:
    return list(_destinations.values())


def destination_named(name: str) -> Destination | None:
    return _destinations.get(name)


@contextmanager
def only_destinations(*names: str) -> Iterator[None]:
    """For tests: inside the block only the named destinations (and any
    registered inside it) receive rows; the registry is restored after."""
    saved = dict(_destinations)
    for name in list(_destinations):
        if name not in names:
            del _destinations[name]
    try:
        yield
    finally:
        _destinations.clear()
        _destinations.update(saved)
