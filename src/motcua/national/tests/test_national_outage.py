"""The reliability test (issue 10): the national portal is down for a
while, then answers errors; dossiers keep being received and processed
meanwhile; when it recovers, every status arrives on the portal in order
per dossier exactly once, as the simulator's own log proves. A worker
killed with SIGKILL mid-delivery loses and doubles nothing.

Outbox workers run as separate PROCESSES (``motcua outbox_worker --once``)
against the simulator over a real socket. PostgreSQL only (the outbox's
claims are proven there; CI: ``.ci/national-outage``); skipped on SQLite.
Bounded by counts and by moving the retry time, never by waiting on it."""

from __future__ import annotations

import collections
import datetime
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import advance
from motcua.integrations.national_portal.simulator import NationalPortalSimulator
from motcua.integrations.national_portal.testing import started_simulator
from motcua.national.tests.helpers import submit
from motcua.outbox.models import OutboxMessage
from motcua.outbox.models import State as RowState
from motcua.testing import Personas

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("MOTCUA_NATIONAL_OUTAGE"),
        reason="the outage test runs on PostgreSQL in its own CI stage (.ci/national-outage: "
        "MOTCUA_NATIONAL_OUTAGE=1, DATABASE_URL=postgres://…)",
    ),
]

DOSSIERS = 6
#: What each dossier's walk (submit, accept, forward, forward, decide) sends.
EXPECTED = [1, 2, 4, 9]


@pytest.fixture
def simulator(settings: Any, tmp_path: Path) -> Iterator[NationalPortalSimulator]:
    settings.MEDIA_ROOT = tmp_path / "media"
    sim = started_simulator(username="tinh", password="mat-khau")
    settings.MOTCUA_NATIONAL_PORTAL_URL = sim.url
    yield sim
    sim.stop()


def _env(sim: NationalPortalSimulator, media: Path) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DATABASE_URL": url,
        "MOTCUA_NATIONAL_PORTAL_URL": sim.url,
        "MOTCUA_NATIONAL_PORTAL_USERNAME": "tinh",
        "MOTCUA_NATIONAL_PORTAL_PASSWORD": "mat-khau",
        "MOTCUA_EMC_EVENTS_URL": f"{sim.url}/TrackingMCDT",
        "MOTCUA_NATIONAL_PORTAL_TIMEOUT_SECONDS": "3",
        "MOTCUA_OUTBOX_BATCH": "4",
    }


def _workers(env: dict[str, str], count: int, *, once: bool = True) -> list[subprocess.Popen[str]]:
    argv = [sys.executable, "-m", "motcua", "outbox_worker", *(["--once"] if once else [])]
    return [
        subprocess.Popen(  # noqa: S603 - our own interpreter and command
            argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(count)
    ]


def _finish(procs: list[subprocess.Popen[str]]) -> None:
    for p in procs:
        _out, err = p.communicate(timeout=600)
        assert p.returncode == 0, err[-3000:]


def _due_now() -> None:
    """Move the retry time of every waiting row to now (instead of waiting)."""
    OutboxMessage.objects.filter(state=RowState.PENDING).update(next_attempt_at=timezone.now())


def _until_drained(env: dict[str, str], workers: int = 2) -> None:
    for _round in range(30):
        if not OutboxMessage.objects.exclude(state=RowState.DELIVERED).exists():
            return
        _due_now()
        _finish(_workers(env, workers))
    left = list(
        OutboxMessage.objects.exclude(state=RowState.DELIVERED).values("key", "state", "last_error")
    )
    raise AssertionError(f"not drained: {left[:5]}")


def _walk(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> list[Dossier]:
    return [advance(submit(p, procedure, applicant), p, 4) for _ in range(DOSSIERS)]


def _assert_exactly_once_in_order(sim: NationalPortalSimulator, dossiers: list[Dossier]) -> None:
    accepted = collections.Counter(
        e["key"] for e in sim.log() if e["outcome"] == "accepted" and e["service"] != "TrackingMCDT"
    )
    keys = set(
        OutboxMessage.objects.filter(destination="national_portal").values_list("key", flat=True)
    )
    assert set(accepted) == keys, "every message of the outbox arrived"
    assert all(n == 1 for n in accepted.values()), "and none twice"
    for dossier in dossiers:
        assert sim.history(dossier.code) == EXPECTED, dossier.code
    emc = collections.Counter(m["MaHoSo"] for m in sim.measurements())
    assert emc == {d.code: 2 for d in dossiers}  # received and processing, once each


def test_outage_then_errors_then_recovery(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    simulator: NationalPortalSimulator,
    settings: Any,
) -> None:
    env = _env(simulator, Path(settings.MEDIA_ROOT))
    simulator.stop()  # the portal is down
    dossiers = _walk(personas, procedure, applicant)  # work goes on meanwhile
    _finish(_workers(env, 2))
    assert OutboxMessage.objects.filter(state=RowState.DELIVERED).count() == 0
    assert OutboxMessage.objects.filter(state=RowState.DEAD).count() == 0
    assert OutboxMessage.objects.filter(attempts__gt=0).exists()
    simulator.start()  # back on the same port, answering errors for a while
    simulator.fail("error", times=15)
    _due_now()
    _finish(_workers(env, 2))
    simulator.fail("expire_sessions")
    _until_drained(env)
    _assert_exactly_once_in_order(simulator, dossiers)
    assert not OutboxMessage.objects.filter(state=RowState.DEAD).exists()


def test_a_worker_killed_mid_delivery_loses_and_doubles_nothing(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    simulator: NationalPortalSimulator,
    settings: Any,
) -> None:
    env = _env(simulator, Path(settings.MEDIA_ROOT))
    dossiers = _walk(personas, procedure, applicant)
    simulator.fail("timeout", times=-1, seconds=0.05)  # slow answers: the kill lands mid-way
    victim = _workers(env, 1, once=False)[0]
    # Wait (by counts) until the victim has delivered a few messages.
    deadline = time.monotonic() + 300
    while sum(1 for e in simulator.log() if e["outcome"] == "accepted") < 8:
        assert victim.poll() is None, victim.stderr.read() if victim.stderr else ""
        assert time.monotonic() < deadline, "the worker delivered nothing"
        time.sleep(0.02)
    victim.send_signal(signal.SIGKILL)
    victim.wait()
    simulator.fail("ok")
    # Its lease runs out (moved instead of waited for).
    OutboxMessage.objects.filter(state=RowState.SENDING).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    _until_drained(env)
    _assert_exactly_once_in_order(simulator, dossiers)
