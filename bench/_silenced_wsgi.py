"""``motcua.wsgi`` with every dossier event hook silenced, for
``bench/bench_http.py --hooks off|both``: the same server without its side
effects (outbox rows, summary counts, notification jobs), so the CPU they add
to a submission and an action is the difference between the two runs.

Only for the benchmark: nothing a hook would have written is written.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from motcua.dossiers.hooks import registered_hooks, silenced
from motcua.wsgi import application as _application


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    # The view runs inside the call (Django's WSGI handler returns the
    # finished response), so the hooks of its events see the silenced set.
    with silenced(*registered_hooks()):
        return _application(environ, start_response)
