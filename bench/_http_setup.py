"""Set-up child of ``bench/bench_http.py``: runs in its own process with
``DJANGO_SETTINGS_MODULE=motcua.settings`` and ``DATABASE_URL`` pointing at the
benchmark's fresh (already migrated) PostgreSQL database.

It builds the test province, personas and a configured procedure with the
three-step workflow (the dossier tests' factories), issues API tokens,
files dossiers through the services (not HTTP) for the read and action
phases, counts the SQL queries of one request of each type through Django's
test client and writes everything the load generator needs to a JSON file::

    python bench/_http_setup.py OUT.json --citizens 32 --track 64 --actions 4000

``--profile`` adds a CPU-time cProfile of in-process requests (no HTTP, no gunicorn).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")

#: A modest online form (the procedure has no e-form, so any JSON is kept):
#: the size of a real "trích lục hộ tịch" request, for bytes per dossier.
FORM_DATA: dict[str, Any] = {
    "ho_ten": "Nguyễn Văn An",
    "ngay_sinh": "1990-01-02",
    "noi_cu_tru": "Số 12, đường Lê Lợi, Xã Đông Hòa",
    "so_dien_thoai": "0912345678",
    "loai_giay_to": "Trích lục khai sinh",
    "so_ban_sao": 2,
    "ly_do": "Bổ sung hồ sơ xin việc",
}


#: Lifecycles (ten requests each) run under cProfile with ``--profile``.
PROFILED_LIFECYCLES = 30


#: Results are picked up at the one-stop counter: an online hand-over needs
#: a result file, which the API cannot attach yet.
RESULT_DELIVERY = "counter"


def personal_id(i: int) -> str:
    """A distinct 12-digit personal ID per bench citizen."""
    return f"0861900{i:05d}"


@contextmanager
def _sql_timer(totals: dict[str, float]) -> Iterator[None]:
    """Count queries and the time spent in the database driver."""
    from django.db import connection

    def wrapper(execute: Callable[..., Any], sql: str, params: Any, many: bool, ctx: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, ctx)
        finally:
            totals["sql_s"] = totals.get("sql_s", 0.0) + time.perf_counter() - started
            totals["queries"] = totals.get("queries", 0.0) + 1

    with connection.execute_wrapper(wrapper):
        yield


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--citizens", type=int, default=32)
    parser.add_argument("--track", type=int, default=64, help="dossiers for tracking reads")
    parser.add_argument("--actions", type=int, default=2000, help="submitted dossiers to act on")
    parser.add_argument("--finished", type=int, default=0, help="dossiers taken to the end")
    parser.add_argument("--samples", type=int, default=20, help="in-process timings per type")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)

    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # Accounts are created here only to carry API tokens: no key stretching.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    from motcua.accounts.models import Applicant
    from motcua.accounts.services import api_token_issue
    from motcua.dossiers import services
    from motcua.dossiers.hooks import registered_hooks, silenced
    from motcua.dossiers.tests.factories import make_procedure
    from motcua.testing import make_citizen, make_personas

    started = time.perf_counter()
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    staff = {"officer": p.officer, "specialist": p.specialist, "leader": p.leader}
    tokens = {name: api_token_issue(user=user, name="bench")[1] for name, user in staff.items()}
    citizens = [make_citizen(f"bench_cd_{i}", personal_id(i)) for i in range(args.citizens)]
    applicants = {a.user_id: a for a in Applicant.objects.filter(user__in=citizens)}
    citizen_tokens = [api_token_issue(user=c, name="bench")[1] for c in citizens]

    def submit(i: int) -> Any:
        citizen = citizens[i % len(citizens)]
        return services.dossier_submit(
            actor=citizen,
            procedure=procedure,
            applicant=applicants[citizen.pk],
            form_data=FORM_DATA,
            result_delivery=RESULT_DELIVERY,
        )

    track: list[list[str]] = []
    for i in range(args.track):
        d = submit(i)
        d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=1)
        d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=2)
        track.append([d.code, personal_id(i % len(citizens))[-4:]])
    for i in range(args.finished):
        d = submit(i)
        for persona, service, version in (
            (p.officer, services.dossier_accept, 1),
            (p.officer, services.dossier_forward, 2),
            (p.specialist, services.dossier_forward, 3),
            (p.leader, services.dossier_decide, 4),
            (p.officer, services.dossier_hand_over, 5),
        ):
            d = service(dossier=d, actor=persona, expected_version=version)
    prep_started = time.perf_counter()
    actions = [submit(i).code for i in range(args.actions)]
    submit_service_s = time.perf_counter() - prep_started

    # ---- SQL queries and in-process time of one request of each type, taken
    # through Django's test client (no HTTP, no gunicorn): the second and later
    # requests, so per-process caches (working calendar, workflow graph) are warm.
    client = Client(HTTP_HOST="127.0.0.1")
    url = "/api/v1/dossiers"

    def auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    officer, specialist, leader = (
        auth(tokens["officer"]),
        auth(tokens["specialist"]),
        auth(tokens["leader"]),
    )
    counter = {"n": 0}

    def post(path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
        return client.post(
            path, data=json.dumps(body), content_type="application/json", headers=headers
        )

    def lifecycle(record: Callable[[str, Callable[[], Any], int], Any]) -> None:
        counter["n"] += 1
        k = counter["n"]
        citizen = auth(citizen_tokens[k % len(citizen_tokens)])
        body = {
            "procedure": str(procedure.public_id),
            "form_data": FORM_DATA,
            "result_delivery": RESULT_DELIVERY,
        }
        resp = record(
            "submit",
            lambda: post(url, body, {**citizen, "Idempotency-Key": f"sql-{k}"}),
            201,
        )
        code = resp.json()["code"]
        act = f"{url}/{code}/actions"
        record("accept", lambda: post(f"{act}/accept", {"expected_version": 1}, officer), 200)
        record("forward", lambda: post(f"{act}/forward", {"expected_version": 2}, officer), 200)
        record(
            "forward (specialist)",
            lambda: post(f"{act}/forward", {"expected_version": 3}, specialist),
            200,
        )
        record("decide", lambda: post(f"{act}/decide", {"expected_version": 4}, leader), 200)
        record("hand_over", lambda: post(f"{act}/hand_over", {"expected_version": 5}, officer), 200)
        code_t, factor = track[k % len(track)]
        record("track", lambda: client.get(f"{url}/track/{code_t}", {"factor": factor}), 200)
        record("get", lambda: client.get(f"{url}/{code}", headers=officer), 200)
        record("events", lambda: client.get(f"{url}/{code}/events", headers=officer), 200)
        record("queue", lambda: client.get(url, {"limit": 100}, headers=officer), 200)
        record(
            "submit (idempotent retry)",
            lambda: post(url, body, {**citizen, "Idempotency-Key": f"sql-{k}"}),
            201,
        )

    queries: dict[str, int] = {}
    sql_text: dict[str, list[str]] = {}
    timing: dict[str, list[float]] = {}

    def measure(name: str, call: Callable[[], Any], status: int) -> Any:
        totals: dict[str, float] = {}
        with CaptureQueriesContext(connection) as captured, _sql_timer(totals):
            t0 = time.perf_counter()
            resp = call()
            elapsed = time.perf_counter() - t0
        if resp.status_code != status:
            raise SystemExit(f"{name}: HTTP {resp.status_code}: {resp.content[:300]!r}")
        queries[name] = len(captured.captured_queries)
        sql_text.setdefault(name, [q["sql"] for q in captured.captured_queries])
        timing.setdefault(name, []).extend([elapsed, totals.get("sql_s", 0.0)])
        return resp

    def plain(name: str, call: Callable[[], Any], status: int) -> Any:
        return call()

    def timings() -> dict[str, dict[str, float]]:
        return {
            name: {
                "total_ms": 1000 * sum(v[0::2]) / len(v[0::2]),
                "sql_ms": 1000 * sum(v[1::2]) / len(v[1::2]),
            }
            for name, v in timing.items()
        }

    lifecycle(plain)  # warm caches
    for _ in range(max(1, args.samples)):
        lifecycle(measure)
    in_process = timings()
    # The same requests with every event hook silenced (no outbox rows, no
    # summary counts, no notification jobs): what the side effects add.
    measured = dict(queries)
    queries.clear()
    timing.clear()
    with silenced(*registered_hooks()):
        lifecycle(plain)
        for _ in range(max(1, args.samples)):
            lifecycle(measure)
    queries_silenced, in_process_silenced = dict(queries), timings()
    queries.clear()
    queries.update(measured)

    profile_text = ""
    if args.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waits
        profiler.enable()
        for _ in range(PROFILED_LIFECYCLES):
            lifecycle(plain)
        profiler.disable()
        buf = io.StringIO()
        stats = pstats.Stats(profiler, stream=buf)
        stats.sort_stats("tottime").print_stats(25)
        stats.sort_stats("cumulative").print_stats(45)
        profile_text = buf.getvalue()

    out = {
        "procedure": str(procedure.public_id),
        "tokens": tokens,
        "citizens": citizen_tokens,
        "form_data": FORM_DATA,
        "result_delivery": RESULT_DELIVERY,
        "track": track,
        "actions": actions,
        "queries": queries,
        "sql": sql_text,
        "in_process": in_process,
        "queries_silenced": queries_silenced,
        "in_process_silenced": in_process_silenced,
        "hooks": registered_hooks(),
        "submit_service_ms": 1000 * submit_service_s / max(1, args.actions),
        "setup_s": time.perf_counter() - started,
        "profile": profile_text,
    }
    args.out.write_text(json.dumps(out, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
