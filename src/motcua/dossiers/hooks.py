"""The one place where other domains learn that a dossier event was written.

Every :class:`~motcua.dossiers.models.DossierEvent` is written by
:func:`motcua.dossiers.engine.apply_change` or by
:func:`motcua.dossiers.submission.dossier_submit`; both call
:func:`run_event_hooks` at the end of the dossier's own transaction, after the
dossier row, the event, its step runs, pauses and appointments are written.
A hook therefore writes its own rows (a payment obligation, an outbox row, a
summary count) atomically with the event: if the hook raises, the whole action
rolls back and nothing of it is kept. A hook that talks to the outside world
must not do so here: it registers ``transaction.on_commit`` instead (see
``notifications``), so that a rolled-back action tells no one.

Hooks are registered from the owning app's ``AppConfig.ready`` and run in
registration order (the order of ``INSTALLED_APPS``). The domain stays free of
its consumers: it knows only this list.

A hook that needs the dossier's earlier events asks :func:`earlier_events`:
they are read once per event, however many hooks ask (the scorecards judge
the step's timeliness from them, the national portal whether a step inside
processing moved the national status; issue #12).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from motcua.dossiers.models import DossierEvent

EventHook = Callable[["DossierEvent"], None]

_hooks: dict[str, EventHook] = {}
_silenced: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "motcua_silenced_event_hooks", default=frozenset()
)


def register_event_hook(name: str, hook: EventHook) -> None:
    """Run ``hook(event)`` inside the transaction of every dossier event.

    ``event.dossier`` carries the dossier as the event left it (state, step,
    version, holder). Registering the same ``name`` again replaces the hook
    (``ready`` may run more than once in tests)."""
    _hooks[name] = hook


def unregister_event_hook(name: str) -> None:
    _hooks.pop(name, None)


def registered_hooks() -> list[str]:
    return list(_hooks)


@contextmanager
def silenced(*names: str) -> Iterator[None]:
    """The named hooks do not run for the events written inside the block
    (the import of history: nothing old is told to the outside world)."""
    token = _silenced.set(_silenced.get() | frozenset(names))
    try:
        yield
    finally:
        _silenced.reset(token)


#: Where :func:`earlier_events` keeps its answer on the event object.
_EARLIER = "_motcua_earlier_events"


def earlier_events(event: DossierEvent) -> list[DossierEvent]:
    """The dossier's events before ``event``, in ``seq`` order (whole rows).

    Read with ONE query the first time a hook asks and kept on the event
    object, so every later hook of the same event gets them for free; none
    for a submission (``seq`` 1). Events are append-only, so the answer
    cannot go stale while the event's hooks run. Treat the list as read-only:
    it is shared between the hooks."""
    kept: list[DossierEvent] | None = getattr(event, _EARLIER, None)
    if kept is None:
        from motcua.dossiers import models

        rows = models.DossierEvent.objects.filter(dossier_id=event.dossier_id, seq__lt=event.seq)
        kept = [] if event.seq <= 1 else list(rows.order_by("seq"))
        setattr(event, _EARLIER, kept)
    return kept


def is_silenced(name: str) -> bool:
    """Whether the hook ``name`` is silenced here (inside :func:`silenced`):
    the same name also silences what that hook's app does for other apps'
    domain events (e.g. the notifications of a rating during an import)."""
    return name in _silenced.get()


def run_event_hooks(event: DossierEvent) -> None:
    skip = _silenced.get()
    for name, hook in list(_hooks.items()):
        if name not in skip:
            hook(event)
