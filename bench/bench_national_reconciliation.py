"""Full reconciliation of 100,000 dossiers against the national-portal
simulator: the first run (records every result), the second run (must
change nothing), the per-unit report.

    python bench/bench_national_reconciliation.py [N_DOSSIERS] [--off FRACTION]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_h3 \\
        python bench/bench_national_reconciliation.py

Set-up (not timed): one dossier through the services, then N copies
bulk-inserted; the simulator's SQLite file is filled with the same dossiers,
a fraction (default 1 %) missing and as many with an older status. The
simulator then runs in its own process (``motcua national_portal_sandbox
--db``, real HTTP on 127.0.0.1), so the CPU figures are the site's alone.
Timed: ``reconcile`` (TraCuuHoSo in batches of 100), again, and the report.
SQLite gets a fresh file in a temporary folder; a PostgreSQL database must be
disposable. Prints a table and ``name: value unit`` lines.
"""

from __future__ import annotations

import argparse
import copy
import datetime
import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def child(n: int, off: float, folder: str) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from motcua.accounts.models import Applicant
    from motcua.dossiers import services as dossier_services
    from motcua.dossiers.models import Dossier
    from motcua.dossiers.tests.factories import make_procedure
    from motcua.integrations.national_portal.simulator import NationalPortalSimulator
    from motcua.national import gateway, selectors
    from motcua.national.reconciliation import reconcile
    from motcua.testing import make_personas

    call_command("migrate", verbosity=0)
    label = connection.vendor
    personas = make_personas()
    procedure = make_procedure(personas.place.agency_a)
    template = dossier_services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=Applicant.objects.get(user=personas.citizen),
    )
    now = timezone.now()
    started = time.perf_counter()
    step = max(1, round(1 / off)) if off > 0 else n + 1
    rows: list[tuple[str, int, str, str, float, float]] = []
    batch = 5000
    for first in range(0, n, batch):
        copies = []
        for k in range(first, min(n, first + batch)):
            d = copy.copy(template)
            d.pk = None
            d.id = None
            d.public_id = uuid.uuid4()
            d.code = f"000.01.01.H99-BENCH-{k:07d}"
            d.tracking_token = secrets.token_hex(16)
            d.idempotency_key = None
            d.national_status = 4
            d.last_event_at = now - datetime.timedelta(minutes=k % 1000)
            copies.append(d)
            if k % step == 0:
                continue  # missing on the national side
            status = 2 if k % step == 1 else 4  # behind, or synced
            record = json.dumps({"MaHoSo": d.code, "TenTTHC": "Bench"})
            rows.append((d.code, status, "000.00.00.H62", record, time.time(), time.time()))
        Dossier.objects.bulk_create(copies, batch_size=1000)
    database = Path(folder) / "dvcqg.sqlite3"
    simulator = NationalPortalSimulator(database=database)
    simulator._db.executemany(
        "INSERT INTO dossier (code, status, unit, record, created, updated) VALUES (?,?,?,?,?,?)",
        rows,
    )
    simulator._db.close()
    print(f"set-up ({label}): {time.perf_counter() - started:.1f} s for {n} dossiers")

    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "motcua",
            "national_portal_sandbox",
            "--port",
            str(port),
            "--db",
            str(database),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        process.stdout.readline()  # the JSON announce line: listening
        settings.MOTCUA_NATIONAL_PORTAL_URL = f"http://127.0.0.1:{port}"
        gateway.forget()
        table = []
        for name in ("first run", "second run"):
            cpu, t = time.process_time(), time.perf_counter()
            report = reconcile(now=now, days=2)
            wall, cpu = time.perf_counter() - t, time.process_time() - cpu
            table.append(
                (name, report.checked, wall, cpu, len(report.differences), report.changed_rows)
            )
            assert not report.failed_batches, report.failed_batches[:1]
        t = time.perf_counter()
        cpu = time.process_time()
        share = selectors.sync_share(
            personas.place.agency_a,
            ((now - datetime.timedelta(days=1)).date(), (now + datetime.timedelta(days=1)).date()),
        )
        report_wall, report_cpu = time.perf_counter() - t, time.process_time() - cpu
    finally:
        process.terminate()
        process.wait(timeout=30)
    print()
    print(
        f"| run ({label}) | dossiers | wall s | dossiers/s | site CPU ms / 1000 | "
        "differences | rows written |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, checked, wall, cpu, diffs, changed in table:
        print(
            f"| {name} | {checked} | {wall:.2f} | {checked / wall:,.0f} | "
            f"{1000 * cpu / max(checked, 1) * 1000:.1f} | {diffs} | {changed} |"
        )
    print()
    for name, checked, wall, cpu, _diffs, _changed in table:
        key = name.replace(" ", "_")
        print(f"national reconciliation {key} ({label}): {checked / wall:.0f} dossiers/s")
        print(
            f"national reconciliation {key} CPU ({label}): "
            f"{1e6 * cpu / max(checked, 1):.1f} µs/dossier"
        )
    print(
        f"sync_share ({label}): {report_wall:.3f} s ({report_cpu:.3f} s CPU), "
        f"{share.total} dossiers, share {share.share:.3f}"
    )
    assert table[1][5] == 0, "the second run changed nothing"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument(
        "--off", type=float, default=0.01, help="share missing (and as many behind)"
    )
    parser.add_argument("--child", default="")
    args = parser.parse_args()
    if args.child:
        child(args.n, args.off, args.child)
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MOTCUA_DATA_DIR": folder}
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        subprocess.run(
            [sys.executable, __file__, str(args.n), "--off", str(args.off), "--child", folder],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
