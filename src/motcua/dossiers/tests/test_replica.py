"""Reads on a real PostgreSQL streaming replica (motcua.core.db): only in
`.ci/replica`, which creates a primary + replica pair on its own ports and
sets ``MOTCUA_REPLICA_CI``; skipped elsewhere.

The test database pytest-django creates on the primary reaches the replica
by streaming, like every other write; the ``replica`` alias (a test mirror of
``default`` in ordinary runs) is pointed back at the real replica here.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dj_database_url
import pytest
from django.db import connections
from django.test import Client

from motcua.accounts.models import Applicant, User
from motcua.accounts.services import api_token_issue
from motcua.catalog.models import ConfiguredProcedure
from motcua.core import db as replica_db
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not os.environ.get("MOTCUA_REPLICA_CI"),
        reason="needs the primary + replica pair of .ci/replica (MOTCUA_REPLICA_CI)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]

TRACK = "/api/v1/dossiers/track"


def _pg_ctl(*args: str) -> None:
    pg_ctl = str(Path(os.environ.get("MOTCUA_PGBIN", "")) / "pg_ctl")
    command = [pg_ctl, "-D", os.environ["MOTCUA_REPLICA_DATADIR"], *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, capture_output=True, timeout=120)  # noqa: S603


def _on(alias: str, sql: str) -> Any:
    with connections[alias].cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()


def _caught_up() -> None:
    """Wait until the replica has replayed everything the primary wrote (the
    insert position: the test connections commit asynchronously, so a commit
    may still be in the WAL buffers, before the write position)."""
    (target,) = _on("default", "SELECT pg_current_wal_insert_lsn()::text")
    for _ in range(600):
        (done,) = _on(
            "replica",
            f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn",
        )
        if done:
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


@pytest.fixture(autouse=True)
def real_replica(transactional_db: None, settings: Any) -> Iterator[None]:
    url = dj_database_url.parse(os.environ["DATABASE_REPLICA_URL"])
    mirror = connections["replica"].settings_dict
    connections["replica"].close()
    connections["replica"].settings_dict = {
        **connections["default"].settings_dict,
        "HOST": url["HOST"],
        "PORT": url["PORT"],
    }
    settings.DATABASE_REPLICA_MAX_LAG = 3600
    settings.DATABASE_REPLICA_HEALTH_SECONDS = 0
    replica_db.forget_health()
    _caught_up()
    yield
    if _on("replica", "SELECT pg_is_wal_replay_paused()")[0]:
        _on("replica", "SELECT pg_wal_replay_resume()")
    connections["replica"].close()
    connections["replica"].settings_dict = mirror
    replica_db.forget_health()


def _submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )


def _track(client: Client, d: Dossier | str, factor: str) -> Any:
    code = d if isinstance(d, str) else d.code
    return client.get(f"{TRACK}/{code}", {"factor": factor})


def _bearer(user: User) -> dict[str, Any]:
    _token, raw = api_token_issue(user=user, name="thử nghiệm")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_reads_go_to_the_replica_and_the_writer_reads_the_primary(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    factor = applicant.personal_id[-4:] if applicant.personal_id else ""
    seen = _submit(personas, procedure, applicant)
    auth = _bearer(personas.citizen)
    _caught_up()
    assert replica_db.replica_healthy(force=True)
    _on("replica", "SELECT pg_wal_replay_pause()")
    unseen = _submit(personas, procedure, applicant)  # on the primary only, for now

    anyone: Any = Client()
    assert _track(anyone, seen, factor).status_code == 200
    # Not replayed yet: the public read went to the replica.
    assert _track(anyone, unseen, factor).status_code == 404

    # The person who writes reads their own write (pinned to the primary).
    writer: Any = Client()
    resp = writer.post(
        "/api/v1/dossiers",
        data=json.dumps({"procedure": str(procedure.public_id)}),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="replica-1",
        **auth,
    )
    assert resp.status_code == 201, resp.content
    code = resp.json()["code"]
    assert replica_db.PIN_COOKIE in writer.cookies
    assert _track(writer, code, factor).status_code == 200
    assert _track(writer, unseen, factor).status_code == 200
    assert _track(anyone, code, factor).status_code == 404  # someone else: still the replica

    _on("replica", "SELECT pg_wal_replay_resume()")
    _caught_up()
    assert _track(anyone, unseen, factor).status_code == 200


def test_a_lagging_replica_is_left_alone(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, settings: Any
) -> None:
    factor = applicant.personal_id[-4:] if applicant.personal_id else ""
    _on("replica", "SELECT pg_wal_replay_pause()")
    fresh = _submit(personas, procedure, applicant)
    settings.DATABASE_REPLICA_MAX_LAG = 0  # paused with WAL waiting: lag > 0
    replica_db.forget_health()
    assert not replica_db.replica_healthy(force=True)
    assert _track(Client(), fresh, factor).status_code == 200  # read on the primary


def test_a_stopped_replica_costs_no_error_page(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, settings: Any
) -> None:
    factor = applicant.personal_id[-4:] if applicant.personal_id else ""
    d = _submit(personas, procedure, applicant)
    _caught_up()
    client: Any = Client(raise_request_exception=False)
    assert _track(client, d, factor).status_code == 200
    # The health stays "up" in this process for a minute: the stop happens
    # between two checks, the worst case.
    settings.DATABASE_REPLICA_HEALTH_SECONDS = 60
    assert replica_db.replica_healthy(force=True)
    _pg_ctl("-m", "fast", "-w", "stop")
    try:
        assert _track(client, d, factor).status_code == 200
        assert not replica_db.replica_healthy()  # learnt from the failure
        assert _track(client, d, factor).status_code == 200
        # The officers' queue page too.
        officer = Client(raise_request_exception=False)
        officer.force_login(personas.officer)
        assert officer.get("/can-bo/ho-so/").status_code == 200
    finally:
        _pg_ctl("-w", "-l", os.environ["MOTCUA_REPLICA_DATADIR"] + ".log", "start")
        connections["replica"].close()
        replica_db.forget_health()
    _caught_up()
