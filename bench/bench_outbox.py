"""Draining an outbox backlog through a local HTTP sink, with 1 and with 4
worker processes (PostgreSQL: the claim is ``FOR UPDATE SKIP LOCKED``).

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_h1 \\
        python bench/bench_outbox.py [--count 100000] [--workers 1,4]

Set-up (not timed): N rows bulk-inserted in N/4 streams of 4 (a stream is a
dossier: its rows go in order). Timed: ``motcua outbox_worker``'s loop in k
separate processes until the backlog is empty, each row one HTTP POST to a
stdlib sink in this process (kept-alive connection per worker). Prints a
table: rows/s, and the workers' CPU per row (user+system of the worker
processes) and their PostgreSQL backends' CPU per row (``/proc``, read every
0.2 s while the workers run, so the last fraction of a second of each backend
is missed: a lower bound; the sink's CPU is not counted). The database
must be disposable (its outbox table is emptied). Without
BENCH_DATABASE_URL on PostgreSQL it says so and exits.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _setup() -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()


def worker(url: str, batch: int) -> None:
    _setup()
    from motcua.outbox import worker as loop
    from motcua.outbox.destinations import register_destination
    from motcua.outbox.sink import PostDestination

    register_destination(PostDestination(name="sink", url=url))
    loop.run(once=True, batch=batch, handle_signals=False)


def _fill(count: int) -> None:
    from django.db import connection
    from django.utils import timezone

    from motcua.outbox.models import OutboxAttempt, OutboxMessage

    with connection.cursor() as cursor:
        for model in (OutboxAttempt, OutboxMessage):
            cursor.execute(f"TRUNCATE {model._meta.db_table} CASCADE")
    now = timezone.now()
    streams = max(1, count // 4)
    step = 10_000
    for first in range(0, count, step):
        OutboxMessage.objects.bulk_create(
            OutboxMessage(
                destination="sink",
                stream=f"d{i % streams}",
                key=f"k{i}",
                payload={"n": i, "code": f"H{i:08d}", "status": 2},
                next_attempt_at=now,
                created_at=now,
            )
            for i in range(first, min(count, first + step))
        )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {OutboxMessage._meta.db_table}")


def _cpu(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_sampling_backends(procs: list[subprocess.Popen[bytes]]) -> float:
    """Wait for ``procs``; return the CPU seconds their database's other
    backends used meanwhile (sampled, see the module's docstring)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own = int(cursor.fetchone()[0])
    first: dict[int, float] = {}
    last: dict[int, float] = {}
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> %s",
                [own],
            )
            pids = [int(r[0]) for r in cursor.fetchall()]
        for pid in pids:
            value = _cpu(pid)
            if value is not None:
                first.setdefault(pid, 0.0)  # a backend born during the run
                last[pid] = value
        if all(p.poll() is not None for p in procs):
            break
        time.sleep(0.2)
    return sum(last[pid] - first[pid] for pid in last)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--workers", default="1,4")
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.batch)
        return
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgres"):
        print(
            "bench_outbox: skipped (set BENCH_DATABASE_URL=postgres://… to a disposable database)"
        )
        return
    os.environ["DATABASE_URL"] = url
    _setup()
    from django.core.management import call_command

    from motcua.outbox.models import OutboxMessage, State
    from motcua.outbox.sink import CountingSink

    call_command("migrate", verbosity=0)
    rows = []
    for k in (int(w) for w in args.workers.split(",")):
        _fill(args.count)
        with CountingSink() as sink:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            argv = [sys.executable, __file__, "--worker", sink.url, "--batch", str(args.batch)]
            procs = [subprocess.Popen(argv, env=os.environ.copy()) for _ in range(k)]
            db_cpu = _wait_sampling_backends(procs)
            elapsed = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            delivered = OutboxMessage.objects.filter(state=State.DELIVERED).count()
            repeats = sum(sink.per_key.values()) - len(sink.per_key)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        per_row = 1e3 / max(1, delivered)
        rows.append(
            (k, delivered, elapsed, delivered / elapsed, cpu * per_row, db_cpu * per_row, repeats)
        )
    cpus = os.cpu_count()
    print(f"outbox backlog of {args.count} rows, batch {args.batch}, PostgreSQL, {cpus} CPUs")
    head = ("workers", "delivered", "seconds", "rows/s", "CPU ms/row", "PG ms/row", "repeats")
    print("{:>7} {:>9} {:>8} {:>8} {:>10} {:>9} {:>7}".format(*head))
    for k, delivered, elapsed, rate, cpu_ms, db_ms, repeats in rows:
        print(
            f"{k:>7} {delivered:>9} {elapsed:>8.1f} {rate:>8.0f} {cpu_ms:>10.2f}"
            f" {db_ms:>9.2f} {repeats:>7}"
        )
    for k, _d, _e, rate, cpu_ms, db_ms, _r in rows:
        print(f"outbox_drain_{k}_workers: {rate:.0f} rows/s")
        print(f"outbox_cpu_per_row_{k}_workers: {cpu_ms:.2f} ms")
        print(f"outbox_postgres_cpu_per_row_{k}_workers: {db_ms:.2f} ms (lower bound)")


if __name__ == "__main__":
    main()
