"""The officer's queue and the read paths at province scale: 100,000 and
1,000,000 dossiers generated like a real province, thousands per due moment.

    python bench/bench_queue.py                  # 100k then 1M dossiers
    python bench/bench_queue.py --sizes 100000   # one size
    python bench/bench_queue.py --quick          # 5,000 dossiers, a few requests (CI: it runs)

What it does (PostgreSQL, like ``bench_http.py``; a throw-away database
``<BENCH_DB_PREFIX>_queue_<pid>`` dropped at the end, also on failure or
Ctrl-C):

1. ``motcua migrate`` and the HTTP benchmark's data set-up
   (``_http_setup.py``: the test province, personas, API tokens);
2. bulk-generates dossiers in SQL (``INSERT … SELECT generate_series``, new
   ids, codes and tokens) from the set-up's submitted dossiers as templates:
   a Zipf-like spread over the province's agencies (weight 1/rank), a working
   day's arrival curve (two peaks, 8–11 and 13:30–16:30) over 250 working
   days, every dossier of a day due at 17:00 of its day + 3 (so thousands share
   one due moment), 35 % still open and held by the one-stop role of their
   agency; the rest returned;
3. in a child process with Django's test client (warm caches, as a worker):
   the officer's queue through the API, first page and pages deep in the
   cursor chain (100 per page), the dossier read and public tracking. For each
   path: CPU per request (this process + its PostgreSQL backend, from
   ``/proc``), p50/p95/p99 latency, SQL statements per request.

One table per size: ``path | CPU ms/request | p50 | p95 | p99 | SQL/request``.
The latencies are in-process and single-client (the concurrency figures at
8 and 32 clients come from ``bench_http.py``); the CPU per request is the
figure to compare between sizes: it must stay flat as the data grows.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_http import (  # noqa: E402
    DB_PREFIX,
    HarnessError,
    _admin,
    _on_term,
    django_env,
    fresh_database,
    run_child,
    say,
)
from loadgen import percentile  # noqa: E402

GENERATE = """
WITH agencies AS (
    SELECT id, row_number() OVER (ORDER BY id) AS rank FROM units_agency
), weights AS (
    SELECT id, sum(1.0 / rank) OVER (ORDER BY rank) / sum(1.0 / rank) OVER () AS upto
    FROM agencies
), template AS (
    SELECT * FROM dossiers_dossier WHERE state = 'submitted' ORDER BY id LIMIT 1
), draws AS (
    SELECT g, random() AS a, floor(random() * 250)::int AS day,
           CASE WHEN random() < 0.55 THEN 8 + random() * 3 ELSE 13.5 + random() * 3 END AS hour,
           random() < %(open_share)s AS open
    FROM generate_series(1, %(n)s) AS g
)
INSERT INTO dossiers_dossier ({cols})
SELECT {values}
FROM draws d CROSS JOIN template t
CROSS JOIN LATERAL (SELECT w.id FROM weights w WHERE w.upto >= d.a ORDER BY w.upto LIMIT 1) ag
"""


def _generate(url: str, n: int) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cols = [
            str(r[0])
            for r in conn.execute(
                "SELECT column_name FROM information_schema.columns"
                " WHERE table_name = 'dossiers_dossier' AND column_name <> 'id'"
                " ORDER BY ordinal_position"
            ).fetchall()
        ]
        base = "(date '2025-01-06' + (d.day * 7 / 5) * interval '1 day')"
        generated = {
            "public_id": "gen_random_uuid()",
            "code": "'BQ-' || d.g || '-' || left(md5(random()::text), 6)",
            "tracking_token": "left(md5(random()::text || d.g), 24)",
            "idempotency_key": "NULL",
            "receiving_agency_id": "ag.id",
            "processing_agency_id": "ag.id",
            "holder_agency_id": "CASE WHEN d.open THEN ag.id END",
            "holder_role": "CASE WHEN d.open THEN t.holder_role ELSE '' END",
            "holder_user_id": "NULL",
            "state": "CASE WHEN d.open THEN t.state ELSE 'returned' END",
            "submitted_at": f"{base} + d.hour * interval '1 hour' - interval '7 hours'",
            "due_at": f"CASE WHEN d.open THEN {base} + interval '3 days 10 hours' END",
            "finished_at": f"CASE WHEN d.open THEN NULL ELSE {base} + interval '3 days' END",
        }
        values = ", ".join(generated.get(c, f"t.{c}") for c in cols)
        done = 0
        while done < n:
            chunk = min(200_000, n - done)
            conn.execute(
                GENERATE.format(cols=", ".join(cols), values=values),  # type: ignore[arg-type,unused-ignore]
                {"n": chunk, "open_share": 0.35},
            )
            done += chunk
            say(f"generated {done} dossiers")
        conn.execute("VACUUM ANALYZE dossiers_dossier")


def _cpu_of(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(setup_path: Path, requests: int, pages: int) -> int:
    """Measure the paths in this process (Django set up from the environment)."""
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    setup = json.loads(setup_path.read_text())
    client = Client(HTTP_HOST="127.0.0.1")
    officer: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {setup['tokens']['officer']}"}
    url = "/api/v1/dossiers"
    with connection.cursor() as cur:
        cur.execute("SELECT pg_backend_pid()")
        backend = int(cur.fetchone()[0])
        cur.execute(
            "SELECT d.code, d.tracking_token FROM dossiers_dossier d"
            " WHERE d.code LIKE 'BQ-%%' AND d.state <> 'returned' ORDER BY d.id DESC LIMIT 1"
        )
        row = cur.fetchone()
    code_t, token_t = setup["track"][0]

    def queue_first() -> Any:
        return client.get(url, {"limit": 100}, **officer)

    cursors: list[str] = []
    resp = queue_first()
    for _ in range(pages):
        cursor = resp.headers.get("X-Next-Cursor")
        if not cursor:
            break
        cursors.append(cursor)
        resp = client.get(url, {"limit": 100, "cursor": cursor}, **officer)
    deep = cursors[-1] if cursors else ""
    held_code = setup["track"][0][0]
    paths: dict[str, Callable[[], Any]] = {
        "queue page 1 (100)": queue_first,
        f"queue page {len(cursors) + 1} (100)": lambda: client.get(
            url, {"limit": "100", "cursor": deep}, **officer
        ),
        "dossier read": lambda: client.get(f"{url}/{held_code}", **officer),
        "public tracking": lambda: client.get(f"{url}/track/{code_t}", {"factor": token_t}),
    }
    results = {}
    for name, call in paths.items():
        call()  # warm
        times: list[float] = []
        sql = 0
        cpu0, pg0 = time.process_time(), _cpu_of(backend)
        for _ in range(requests):
            with CaptureQueriesContext(connection) as captured:
                t0 = time.perf_counter()
                r = call()
                times.append(time.perf_counter() - t0)
            if r.status_code != 200:
                raise SystemExit(f"{name}: HTTP {r.status_code} {r.content[:300]!r}")
            sql += len(captured.captured_queries)
        cpu = (time.process_time() - cpu0) + (_cpu_of(backend) - pg0)
        results[name] = {
            "cpu_ms": 1000 * cpu / requests,
            "p50": 1000 * percentile(times, 50),
            "p95": 1000 * percentile(times, 95),
            "p99": 1000 * percentile(times, 99),
            "sql": sql / requests,
            "mean": 1000 * statistics.fmean(times),
        }
    print(json.dumps({"results": results, "sample": row is not None}))
    return 0


def run_size(n: int, requests: int, pages: int) -> None:
    with tempfile.TemporaryDirectory(prefix="motcua-bench-queue-") as tmp_name:
        tmp = Path(tmp_name)
        with fresh_database(f"{DB_PREFIX}_queue_{os.getpid()}") as url:
            env = django_env(url, tmp / "data")
            run_child([sys.executable, "-m", "motcua", "migrate", "--noinput"], env, "migrate")
            setup_file = tmp / "setup.json"
            args = [sys.executable, str(HERE / "_http_setup.py"), str(setup_file)]
            args += ["--citizens", "2", "--track", "4", "--actions", "20", "--samples", "1"]
            run_child(args, env, "data set-up")
            started = time.perf_counter()
            _generate(url, n)
            say(f"generation of {n} dossiers: {time.perf_counter() - started:.1f} s")
            done = subprocess.run(
                [
                    *(sys.executable, __file__, "--child", str(setup_file)),
                    *("--requests", str(requests), "--pages", str(pages)),
                ],
                env=env,
                capture_output=True,
                text=True,
                check=False,
            )
            if done.returncode != 0:
                raise HarnessError(f"measurement failed:\n{(done.stdout + done.stderr)[-3000:]}")
            results = json.loads(done.stdout.strip().splitlines()[-1])["results"]
    say("")
    say(f"## {n:,} dossiers generated (+ the set-up's)")
    say("| path | CPU ms/request | p50 ms | p95 ms | p99 ms | SQL/request |")
    say("|---|---|---|---|---|---|")
    for name, r in results.items():
        say(
            f"| {name} | {r['cpu_ms']:.2f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f}"
            f" | {r['sql']:.1f} |"
        )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--quick", action="store_true", help="5,000 dossiers, 5 requests")
    parser.add_argument("--requests", type=int, default=100, help="per path")
    parser.add_argument("--pages", type=int, default=20, help="how deep the cursor chain goes")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(args.child, args.requests, args.pages)
    signal.signal(signal.SIGTERM, _on_term)
    try:
        _admin().close()
    except Exception as exc:  # psycopg's errors: skipped, as bench_http
        say(f"!!! bench_queue skipped: PostgreSQL not reachable: {exc}")
        return 0
    sizes, requests, pages = args.sizes, args.requests, args.pages
    if args.quick:
        sizes, requests, pages = [5_000], 5, 3
    try:
        for n in sizes:
            run_size(n, requests, pages)
    except HarnessError as exc:
        say(f"!!! benchmark harness failed: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
