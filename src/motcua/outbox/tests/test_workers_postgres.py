"""Several outbox worker PROCESSES on PostgreSQL against a sink that counts
deliveries per key: each row is delivered exactly once, never by two
workers at the same time, and in order per stream (dossier). A worker killed
with SIGKILL in the middle of its batch loses nothing: its rows are taken
back after the lease, and the receiving side (which deduplicates on the
key) sees every message once, in order.

PostgreSQL only (``SELECT ... FOR UPDATE SKIP LOCKED`` is what is proven):
skipped on SQLite."""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
from django.db import connection
from django.utils import timezone

from motcua.outbox.models import OutboxMessage, State
from motcua.outbox.sink import CountingSink

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="several workers are proven on PostgreSQL (DATABASE_URL=postgres://…)",
    ),
]

STREAMS = 40
PER_STREAM = 6
WORKERS = 4


@pytest.fixture
def sink() -> Iterator[CountingSink]:
    with CountingSink() as s:
        yield s


def _backlog() -> list[OutboxMessage]:
    now = timezone.now()
    rows = [
        OutboxMessage(
            destination="sink",
            stream=f"s{s}",
            key=f"s{s}.{n}",
            payload={"n": n},
            next_attempt_at=now,
            created_at=now,
        )
        for n in range(PER_STREAM)
        for s in range(STREAMS)
    ]
    return OutboxMessage.objects.bulk_create(rows)


def _env() -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "MOTCUA_OUTBOX_BATCH": "5"}


def _workers(url: str, count: int) -> list[subprocess.Popen[str]]:
    argv = [sys.executable, "-m", "motcua.outbox.tests.outside", "worker", url]
    return [
        subprocess.Popen(  # noqa: S603 - our own interpreter and module
            argv, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]


def _expected() -> dict[str, list[str]]:
    return {f"s{s}": [f"s{s}.{n}" for n in range(PER_STREAM)] for s in range(STREAMS)}


def _finish(procs: list[subprocess.Popen[str]]) -> list[int]:
    done = []
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]
        done.append(int(out.strip().splitlines()[-1]))
    return done


def test_several_worker_processes_deliver_each_row_exactly_once_in_order(
    sink: CountingSink,
) -> None:
    _backlog()
    tries = _finish(_workers(sink.url, WORKERS))
    assert sum(tries) == STREAMS * PER_STREAM
    assert dict(sink.per_key) == {k: 1 for keys in _expected().values() for k in keys}
    assert sink.streams == _expected()
    assert sink.overlaps == 0
    assert OutboxMessage.objects.exclude(state=State.DELIVERED).count() == 0


def test_a_worker_killed_mid_batch_loses_and_doubles_nothing() -> None:
    with CountingSink(delay=0.02) as sink:
        _killed(sink)


def _killed(sink: CountingSink) -> None:
    _backlog()
    victim = _workers(sink.url, 1)[0]
    # Wait (by counts, not time) until the victim has delivered a few rows.
    while sum(sink.per_key.values()) < 10:
        assert victim.poll() is None, victim.stderr.read() if victim.stderr else ""
        time.sleep(0.01)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    held = OutboxMessage.objects.filter(state=State.SENDING)
    # Its lease runs out (moved instead of waited for).
    held.update(lease_until=timezone.now() - datetime.timedelta(seconds=1))
    _finish(_workers(sink.url, 2))
    # The receiving side deduplicates on the key: every message arrived, in order.
    assert sink.streams == _expected()
    assert set(sink.per_key) == {k for keys in _expected().values() for k in keys}
    # A repeat is only possible for the rows the victim had in hand.
    assert sum(sink.per_key.values()) - len(sink.per_key) <= 5
    assert sink.overlaps == 0
    assert OutboxMessage.objects.exclude(state=State.DELIVERED).count() == 0
