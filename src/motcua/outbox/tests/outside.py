"""Run outside pytest, as separate processes: an outbox worker delivering
to a :class:`~motcua.outbox.sink.CountingSink` (``python -m
motcua.outbox.tests.outside worker <sink url> [batch]``); Django settings
from the environment (``DATABASE_URL``)."""

from __future__ import annotations

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from motcua.outbox import worker
    from motcua.outbox.destinations import register_destination
    from motcua.outbox.sink import PostDestination

    what, url = sys.argv[1], sys.argv[2]
    batch = int(sys.argv[3]) if len(sys.argv) > 3 else None
    assert what == "worker"
    register_destination(PostDestination(name="sink", url=url))
    total = worker.run(once=True, batch=batch)
    sys.stdout.write(f"{total}\n")


if __name__ == "__main__":
    main()
