"""``with importing():`` marks the code inside as the import of history.

The dossier services run exactly as live (events, step runs, pauses,
appointments and every event hook), but a hook that tells the outside world
(notifications) must stay silent for events that happened months ago:
such a hook checks :func:`active`. Until the notifications hook does so
itself, :func:`importing` also takes the notifications hook out of the
registry (``dossiers.hooks``) for its duration and puts it back afterwards;
the import runs in a command, never in a web process.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from motcua.dossiers.hooks import (
    EventHook,
    register_event_hook,
    registered_hooks,
    unregister_event_hook,
)

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("motcua_history_importing")

#: Hooks that talk to the outside world, suspended during an import.
SILENCED_HOOKS = ("notifications.notify",)


def active() -> bool:
    """Whether the current code runs inside :func:`importing`."""
    return _ACTIVE.get(False)


def _silenced_hook(name: str) -> EventHook:
    if name == "notifications.notify":
        from motcua.notifications.hooks import on_event

        return on_event
    raise KeyError(name)


@contextmanager
def importing() -> Iterator[None]:
    token = _ACTIVE.set(True)
    suspended = [name for name in SILENCED_HOOKS if name in registered_hooks()]
    for name in suspended:
        unregister_event_hook(name)
    try:
        yield
    finally:
        for name in suspended:
            register_event_hook(name, _silenced_hook(name))
        _ACTIVE.reset(token)
