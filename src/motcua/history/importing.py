"""``with importing():`` marks the code inside as the import of history.

The dossier services run exactly as live (events, step runs, pauses,
appointments, payments' and the scorecards' hooks), but the hooks that tell
the outside world stay silent for events that happened months ago: the
notifications and the outbox (national portal, measurement, webhooks — the
old system synchronised its own dossiers). ``dossiers.hooks.silenced`` keeps
them out for the block's duration; :func:`active` says whether an import runs.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager

from motcua.dossiers.hooks import silenced

_ACTIVE: contextvars.ContextVar[bool] = contextvars.ContextVar("motcua_history_importing")

#: Hooks that talk to the outside world, silent during an import.
SILENCED_HOOKS = ("notifications.notify", "outbox")


def active() -> bool:
    """Whether the current code runs inside :func:`importing`."""
    return _ACTIVE.get(False)


@contextmanager
def importing() -> Iterator[None]:
    token = _ACTIVE.set(True)
    try:
        with silenced(*SILENCED_HOOKS):
            yield
    finally:
        _ACTIVE.reset(token)
