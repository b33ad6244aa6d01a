"""The kill test: a real gunicorn with several workers on PostgreSQL takes
API uploads, submissions (with Idempotency-Key) and acceptances from a
bounded load loop while its workers are killed with SIGKILL; afterwards
every dossier verifies, no code is missing or doubled, every referenced
file is on disk, orphan files are swept, and every interrupted submission
replayed with its key yields exactly one dossier.

Runs only where ``MOTCUA_FAULT_DATABASE_URL`` names a PostgreSQL database
the test may flush (CI: ``.ci/fault``). Everything is bounded by counts,
nothing by time.
"""

from __future__ import annotations

import functools
import http.client
import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from motcua.documents.tests.factories import handmade_pdf

FAULT_DB = os.environ.get("MOTCUA_FAULT_DATABASE_URL", "")
PORT = int(os.environ.get("MOTCUA_FAULT_PORT", "18401"))
WORKERS = 4
THREADS = 6
SUBMISSIONS = 60  # each: an upload, a submission, an acceptance
KILLS = 6
KILL_EVERY = 18  # completed requests between two kills
ATTEMPTS = 8  # per request, for answers that say "try again"

pytestmark = [
    pytest.mark.fault,
    pytest.mark.skipif(
        not FAULT_DB.startswith("postgres"),
        reason=(
            "the kill test needs PostgreSQL (SQLite is one writer file, not the production "
            "database): set MOTCUA_FAULT_DATABASE_URL=postgres://…/motcua_h4_fault; CI runs it "
            "in .ci/fault"
        ),
    ),
]

BIN = Path(sys.executable).parent


@dataclass
class Answer:
    status: int  # 0: the connection broke (the worker died)
    body: dict[str, Any] = field(default_factory=dict)


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    done: int = 0
    broken: int = 0
    kills: int = 0
    interrupted: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → (token, body)
    accepted: set[str] = field(default_factory=set)
    codes: dict[str, str] = field(default_factory=dict)  # key → code


def _env(data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": FAULT_DB,
        "MOTCUA_DATA_DIR": str(data_dir),
        "DEBUG": "false",
        "SECRET_KEY": uuid.uuid4().hex * 2,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
    }


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-4000:])
    return done.stdout


def _helper(env: dict[str, str], what: str) -> dict[str, Any]:
    out = _run(env, sys.executable, "-m", "motcua.dossiers.tests.outside", f"fault-{what}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


def _request(
    method: str, path: str, token: str, body: bytes = b"", headers: dict[str, str] | None = None
) -> Answer:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    try:
        conn.request(
            method, path, body=body, headers={"Authorization": f"Bearer {token}", **(headers or {})}
        )
        response = conn.getresponse()
        raw = response.read()
    except (OSError, http.client.HTTPException):
        return Answer(0)
    finally:
        conn.close()
    try:
        parsed = json.loads(raw) if raw else {}
    except ValueError:
        parsed = {}
    return Answer(response.status, parsed if isinstance(parsed, dict) else {})


def _multipart(content: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="to-khai.pdf"'
            f"\r\nContent-Type: application/pdf\r\n\r\n"
        ).encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def _retrying(call: Callable[[], Answer]) -> Answer:
    """Repeat a request that may be repeated safely (an upload, a read)
    while the answer says the worker died or the server is busy."""
    answer = Answer(0)
    for _ in range(ATTEMPTS):
        answer = call()
        if answer.status not in (0, 429, 502, 503):
            return answer
        time.sleep(0.2)
    return answer


def _workers(master: int) -> list[int]:
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master:
            pids.append(int(stat.parent.name))
    return pids


@pytest.fixture
def server(
    tmp_path: Path,
) -> Iterator[tuple[dict[str, Any], dict[str, str], subprocess.Popen[bytes]]]:
    env = _env(tmp_path / "data")
    _run(env, str(BIN / "motcua"), "migrate", "--noinput", "-v", "0")
    world = _helper(env, "seed")
    log = (tmp_path / "gunicorn.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603
        [
            str(BIN / "gunicorn"),
            "motcua.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--timeout",
            "120",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(300):
            if _request("GET", "/api/v1/units/search?q=a", "-").status == 200:
                break
            assert proc.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            time.sleep(0.1)
        yield world, env, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def test_workers_killed_under_load_lose_nothing(
    server: tuple[dict[str, Any], dict[str, str], subprocess.Popen[bytes]],
    record_property: Any,
) -> None:
    world, env, proc = server
    tally = Tally()
    rng = random.Random(7)  # which worker dies: not a secret
    pdf = handmade_pdf()

    def count(answer: Answer) -> Answer:
        with tally.lock:
            tally.done += 1
            tally.broken += answer.status == 0
            due = tally.kills < KILLS and tally.done >= (tally.kills + 1) * KILL_EVERY
            if due:
                workers = _workers(proc.pid)
                if workers:
                    os.kill(rng.choice(workers), signal.SIGKILL)
                    tally.kills += 1
        return answer

    def one(n: int) -> None:
        token = world["citizens"][n % len(world["citizens"])]
        body, content_type = _multipart(pdf)
        uploaded = _retrying(
            lambda: count(
                _request("POST", "/api/v1/files", token, body, {"Content-Type": content_type})
            )
        )
        assert uploaded.status == 201, uploaded
        key = f"tai-{n}-{uuid.uuid4().hex[:8]}"
        submission = {
            "procedure": world["procedure"],
            "documents": [{"component": world["component"], "file": uploaded.body["id"]}],
        }
        answer = count(_submit(token, key, submission))
        if answer.status != 201:
            with tally.lock:
                tally.interrupted[key] = {
                    "token": token,
                    "body": submission,
                    "first": answer.status,
                }
            return
        code = answer.body["code"]
        with tally.lock:
            tally.codes[key] = code
        accepted = count(
            _request(
                "POST",
                f"/api/v1/dossiers/{code}/actions/accept",
                world["officer"],
                json.dumps({"expected_version": 1}).encode(),
                {"Content-Type": "application/json"},
            )
        )
        if accepted.status == 200:
            with tally.lock:
                tally.accepted.add(code)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, range(SUBMISSIONS)))
    assert tally.kills == KILLS, f"only {tally.kills} kills: too few requests for the plan"

    # Replay every interrupted submission with its key: exactly one dossier each.
    replays: dict[str, str] = {}
    for key, item in tally.interrupted.items():
        answer = _retrying(functools.partial(_submit, item["token"], key, item["body"]))
        assert answer.status == 201, (key, answer)
        replays[key] = answer.body["code"]
        again = _submit(item["token"], key, item["body"])
        assert (again.status, again.body.get("code")) == (201, replays[key]), (key, again)

    _run(env, str(BIN / "motcua"), "verify_dossier_events")
    state = _helper(env, "check")
    every_key = {**tally.codes, **replays}
    assert state["doubled"] == 0 and state["gaps"] == {}, state
    assert {k: n for k, n in state["keys"].items() if n != 1} == {}, state["keys"]
    assert set(state["keys"]) == set(every_key), "a submission without its dossier, or one more"
    assert state["dossiers"] == SUBMISSIONS, state
    assert state["missing_files"] == [], state["missing_files"]
    orphans_before = len(state["orphan_files"])
    swept = _sweep(env)
    if swept:
        after = _helper(env, "check")
        assert after["orphan_files"] == [], after["orphan_files"]
        assert after["missing_files"] == [] and after["dossiers"] == SUBMISSIONS
    record_property(
        "fault_test",
        f"{tally.kills} SIGKILLs of {WORKERS} workers survived; {tally.done} requests, "
        f"{tally.broken} broken by a kill, {len(tally.interrupted)} submissions replayed; "
        f"{state['dossiers']} dossiers verified, {state['documents']} documents; "
        f"{orphans_before} orphan files "
        + ("removed by sweep_orphan_files" if swept else "(sweep_orphan_files not installed)"),
    )


def _submit(token: str, key: str, body: dict[str, Any]) -> Answer:
    return _request(
        "POST",
        "/api/v1/dossiers",
        token,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Idempotency-Key": key},
    )


def _sweep(env: dict[str, str]) -> bool:
    """Run ``sweep_orphan_files`` through call_command when the command
    exists (another change brings it); False when it does not."""
    script = (
        "import django, sys; django.setup()\n"
        "from django.core.management import call_command, get_commands\n"
        "if 'sweep_orphan_files' not in get_commands(): sys.exit(3)\n"
        # No grace period: the files a kill left behind were written seconds ago.
        "call_command('sweep_orphan_files', '--grace-hours', '0')\n"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode == 3:
        return False
    assert done.returncode == 0, done.stderr[-3000:]
    return True
