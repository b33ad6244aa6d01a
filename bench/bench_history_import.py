"""Time the import of generated history (``history_import``) through the
dossier services, on SQLite and (with ``BENCH_DATABASE_URL``) PostgreSQL.

    python bench/bench_history_import.py [DOSSIERS]       # default 10 000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \\
        python bench/bench_history_import.py 10000

Each database is measured in a child process (Django reads its settings once).
The child migrates, loads the demo province without its history slice,
generates DOSSIERS dossiers of the demo year (seed 1, received from 1 January
2026, nothing after 30 November 2026), then imports them twice. Prints the
figures a reader can compare (wall and CPU time per dossier: the import is
CPU-bound in the services, one transaction per dossier):

    history import (sqlite, 10000 dossiers): 95.0 dossiers/s, 780 events/s, cpu 9.8 ms/dossier
    history re-import (sqlite): 10000 already present in 0.3 s

The full year is 80 000 dossiers: ``make bench`` uses the 10 000 slice.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(label: str, dossiers: int, tmp: str) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import datetime

    import django

    django.setup()
    from django.core.management import call_command

    from motcua.history.format import LOCAL_TZ
    from motcua.history.generator import dumps, generate, province_plan
    from motcua.history.importer import import_file
    from motcua.history.models import ImportedDossier

    devnull = open(os.devnull, "w")  # noqa: SIM115, PTH123
    call_command("migrate", verbosity=0)
    call_command("demo", "--no-history", stdout=devnull)
    if ImportedDossier.objects.exists():
        raise SystemExit(f"{label}: the database already holds history; use an empty database")
    path = Path(tmp) / f"history-{label}.jsonl"
    until = datetime.datetime(2026, 11, 30, 17, 0, tzinfo=LOCAL_TZ)
    with path.open("w", encoding="utf-8") as out:
        for record in generate(
            province_plan(),
            start=datetime.date(2026, 1, 1),
            until=until,
            dossiers=dossiers,
            seed=1,
            prefix="BENCH",
        ):
            out.write(dumps(record) + "\n")
    now = datetime.datetime(2026, 12, 1, tzinfo=LOCAL_TZ)
    wall, cpu = time.perf_counter(), time.process_time()
    summary = import_file(path, now=now)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        f"history import ({label}, {dossiers} dossiers): "
        f"{summary.imported / wall:.1f} dossiers/s, {summary.events / wall:.0f} events/s, "
        f"cpu {1000 * cpu / max(summary.imported, 1):.1f} ms/dossier "
        f"[{summary.imported} imported, {summary.rejected} rejected, {wall:.1f} s]"
    )
    again = time.perf_counter()
    second = import_file(path, now=now)
    print(
        f"history re-import ({label}): {second.present} already present, "
        f"{second.imported} imported in {time.perf_counter() - again:.1f} s"
    )


def run_child(label: str, database_url: str, data_dir: str, dossiers: int) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "MOTCUA_DATA_DIR": data_dir}
    return subprocess.call(
        [sys.executable, str(Path(__file__).resolve()), "--child", label, str(dossiers), data_dir],
        env=env,
    )


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]), sys.argv[4])
        return 0
    dossiers = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    status = 0
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        status |= run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3", tmp, dossiers)
        postgres = os.environ.get("BENCH_DATABASE_URL")
        if postgres:
            status |= run_child("postgresql", postgres, tmp, dossiers)
        else:
            print("(BENCH_DATABASE_URL not set: PostgreSQL skipped)")
    return status


if __name__ == "__main__":
    sys.exit(main())
