"""The accountability lists at 100,000 dossiers: one page of each list as the
inspector sees it (the whole province), through Django's test client.

    python bench/bench_accountability.py [N_DOSSIERS]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench_h5 \\
        python bench/bench_accountability.py

Set-up (not timed): the test province and personas, one procedure, then N
dossiers with their events, step runs and appointment changes written in
bulk (``motcua.accountability.synthetic``) over 90 days in two units. Timed,
per list: wall ms and CPU ms of the request (median of 3, after one warm-up),
SQL statements per request, rows on the page; then the xlsx and CSV export of
the periodic statistics report. SQLite gets a fresh file in a temporary
folder; a PostgreSQL database must be disposable. Prints ``name: value unit``
lines.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

LISTS = (
    "dang-giu",
    "nguoi-giu",
    "thoi-gian-giu",
    "chuyen-qua-lai",
    "yeu-cau-bo-sung",
    "ty-le-can-bo",
    "tiep-nhan-muon",
    "xin-loi",
    "so-theo-doi",
    "thong-ke",
)


def child(n: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from motcua.accountability import synthetic
    from motcua.accounts.models import Applicant, Role
    from motcua.dossiers.tests.factories import make_procedure
    from motcua.testing import make_personas, make_staff

    call_command("migrate", verbosity=0)
    label = connection.vendor
    p = make_personas()
    place = p.place
    procedure = make_procedure(place.agency_a)
    assert procedure.current_version is not None
    extra = [make_staff(f"bench_cv{i}", (place.agency_a, Role.SPECIALIST)) for i in range(4)]
    spec_b = make_staff("bench_cv_b", (place.agency_b, Role.SPECIALIST))
    leader_b = make_staff("bench_ld_b", (place.agency_b, Role.LEADER))
    officer2 = make_staff("bench_mc2", (place.agency_a, Role.ONE_STOP_OFFICER))
    staff = synthetic.Staff(
        officers=[p.officer, officer2],
        specialists={place.agency_a.pk: [p.specialist, *extra], place.agency_b.pk: [spec_b]},
        leaders={place.agency_a.pk: [p.leader], place.agency_b.pk: [leader_b]},
    )
    now = timezone.now()
    start = now - datetime.timedelta(days=90)
    t = time.perf_counter()
    synthetic.generate(
        count=n,
        version=procedure.current_version,
        receiving=place.agency_a,
        processing=[place.agency_a, place.agency_b],
        applicant=Applicant.objects.get(user=p.citizen),
        submitter=p.citizen,
        staff=staff,
        start=start,
        span_days=90,
        now=now,
        batch=5000,
    )
    print(f"set-up ({label}): {time.perf_counter() - t:.1f} s for {n} dossiers")
    client = Client()
    client.force_login(p.inspector)
    period = {
        "tu": (now - datetime.timedelta(days=30)).date().isoformat(),
        "den": now.date().isoformat(),
    }
    for slug in LISTS:
        path = f"/can-bo/trach-nhiem/{slug}/"
        client.get(path, period)  # warm-up
        walls, cpus = [], []
        for _ in range(3):
            w, c = time.perf_counter(), time.process_time()
            response = client.get(path, period)
            walls.append(time.perf_counter() - w)
            cpus.append(time.process_time() - c)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, period)
        assert response.status_code == 200, (slug, response.status_code)
        rows = len(response.context["rows"]) if response.context else 0
        print(
            f"{slug} ({label}, 30 days): {1000 * statistics.median(walls):.0f} ms wall, "
            f"{1000 * statistics.median(cpus):.0f} ms CPU, {len(queries)} SQL, "
            f"{rows} rows on the page"
        )
    for fmt in ("xlsx", "csv"):
        w, c = time.perf_counter(), time.process_time()
        response = client.get("/can-bo/trach-nhiem/thong-ke/", {**period, "dang": fmt})
        body = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        print(
            f"thong-ke export {fmt} ({label}): {1000 * (time.perf_counter() - w):.0f} ms wall, "
            f"{1000 * (time.process_time() - c):.0f} ms CPU, {len(body)} B"
        )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.n)
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MOTCUA_DATA_DIR": folder}
        if os.environ.get("BENCH_DATABASE_URL"):
            env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
        else:
            env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
        subprocess.run([sys.executable, __file__, str(args.n), "--child"], env=env, check=True)


if __name__ == "__main__":
    main()
