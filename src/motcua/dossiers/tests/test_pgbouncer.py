"""Through a real PgBouncer in transaction pooling mode (`.ci/replica` sets
``MOTCUA_PGBOUNCER_CI`` and points ``DATABASE_URL`` at it); skipped elsewhere.

Transaction pooling gives each transaction whichever server connection is
free: nothing may rely on session state across transactions (no server-side
cursors, session advisory locks, prepared statements or plain ``SET``).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import close_old_connections, connection
from django.test import Client

from motcua.accounts.models import Applicant, User
from motcua.accounts.services import api_token_issue
from motcua.catalog.models import ConfiguredProcedure
from motcua.testing import Personas, assert_problem

pytestmark = [
    pytest.mark.pgbouncer,
    pytest.mark.skipif(
        not os.environ.get("MOTCUA_PGBOUNCER_CI"),
        reason="needs the PgBouncer of .ci/replica (MOTCUA_PGBOUNCER_CI)",
    ),
    pytest.mark.django_db(transaction=True),
]

URL = "/api/v1/dossiers"


def _bearer(user: User) -> dict[str, Any]:
    _token, raw = api_token_issue(user=user, name="thử nghiệm")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(
    client: Client, url: str, body: dict[str, Any], auth: dict[str, Any], **extra: Any
) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json", **auth, **extra)


def test_behind_pgbouncer_in_transaction_mode(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    assert connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"]
    client: Any = Client()
    citizen, officer = _bearer(personas.citizen), _bearer(personas.officer)
    resp = _post(
        client, URL, {"procedure": str(procedure.public_id)}, citizen, HTTP_IDEMPOTENCY_KEY="pb-1"
    )
    assert resp.status_code == 201, resp.content
    code = resp.json()["code"]
    accepted = _post(client, f"{URL}/{code}/actions/accept", {"expected_version": 1}, officer)
    assert accepted.status_code == 200, accepted.content
    factor = applicant.personal_id[-4:] if applicant.personal_id else ""
    assert client.get(f"{URL}/track/{code}", {"factor": factor}).status_code == 200
    assert [d["code"] for d in client.get(URL, **officer).json()] == [code]
    page: Any = Client()
    page.force_login(personas.officer)
    assert page.get("/can-bo/ho-so/").status_code == 200


def _bouncer(*args: str) -> None:
    command = ["/usr/sbin/pgbouncer", *args]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, timeout=60)  # noqa: S603


def test_a_pooler_that_drops_connections_fails_cleanly_then_recovers(
    personas: Personas, procedure: ConfiguredProcedure
) -> None:
    pidfile = Path(os.environ["MOTCUA_PGBOUNCER_PIDFILE"])
    ini = str(pidfile.parent / "pgbouncer.ini")
    officer = _bearer(personas.officer)
    client: Any = Client(raise_request_exception=False)
    assert client.get(URL, **officer).status_code == 200
    os.kill(int(pidfile.read_text().strip()), signal.SIGINT)  # every connection dropped
    for _ in range(200):
        if not pidfile.exists():
            break
        time.sleep(0.05)
    try:
        down = client.get(URL, **officer)
        assert_problem(down, status=503, code="service_unavailable")
        page = client.get("/tra-cuu/", {"ma": "000.00.01.H62-261201-0001", "so": "1234"})
        assert page.status_code == 503 and "text/html" in page["Content-Type"]
    finally:
        close_old_connections()
        _bouncer("-d", ini)
        for _ in range(200):
            if pidfile.exists():
                break
            time.sleep(0.05)
    time.sleep(0.5)
    # What a server does between requests (the test client skips it): drop a
    # connection that failed; CONN_HEALTH_CHECKS checks a kept one.
    close_old_connections()
    assert client.get(URL, **officer).status_code == 200  # the next request works
