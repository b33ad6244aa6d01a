"""The province scorecard and the ranking of all its units from the
summaries, with summary rows synthesised for 1 M and 10 M dossiers a year,
and the rebuild of N dossiers' summaries from their events.

    python bench/bench_scorecards.py [--units 100] [--sizes 1000000,10000000] [--rebuild 200]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_h4_bench python bench/...

Set-up (not timed): ``DailyCount`` rows bulk-inserted directly for a year:
every unit × day × procedure used that day × the metrics a day moves (the
number of rows depends on how many procedures a unit serves per day, the
dossier count only on the values). Timed (wall and CPU of this process): the
province scorecard of a month and of the year, the ranking of all units
(which computes the previous period too), and the rebuild of ``--rebuild``
dossiers walked through the real services. Prints ``name: value unit``.
"""

from __future__ import annotations

import argparse
import datetime
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

REPO = Path(__file__).resolve().parent.parent
METRICS = (
    ("received", 1.0),
    ("received_online", 0.55),
    ("received_counter", 0.4),
    ("finished", 0.95),
    ("finished_early", 0.3),
    ("finished_on_time", 0.55),
    ("finished_late", 0.1),
    ("digitised", 0.8),
    ("result_electronic", 0.7),
    ("step_on_time", 2.6),
    ("step_late", 0.3),
)


def _timed(label: str, fn: object) -> object:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()  # type: ignore[operator]
    print(
        f"{label}: {time.perf_counter() - wall:.3f} s wall, {time.process_time() - cpu:.3f} s CPU"
    )
    return result


def _fill_postgresql(
    agencies: list[int], procedures: list[int], day0: datetime.date, per_row: int
) -> int:
    """Insert every agency × day × procedure × metric row in one statement per
    agency (PostgreSQL); return the row count."""
    from django.db import connection

    metrics = [m for m, _share in METRICS]
    values = [max(1, round(per_row * share)) for _m, share in METRICS]
    total = 0
    with connection.cursor() as cursor:
        for agency in agencies:
            cursor.execute(
                "INSERT INTO scorecards_dailycount (agency_id, day, procedure_id, metric, n)"
                " SELECT %s, %s::date + d, p, m.metric, m.n"
                " FROM generate_series(0, 364) AS d, unnest(%s::bigint[]) AS p,"
                " unnest(%s::text[], %s::bigint[]) AS m(metric, n)",
                [agency, day0, procedures, metrics, values],
            )
            total += cursor.rowcount
        cursor.execute("ANALYZE scorecards_dailycount")
    return total


def child(units: int, sizes: list[int], rebuild: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from motcua.accounts.models import Applicant
    from motcua.catalog.models import Procedure
    from motcua.scorecards import services
    from motcua.scorecards.models import DailyCount
    from motcua.scorecards.periods import month, parse_period
    from motcua.scorecards.selectors import ranking, scorecard
    from motcua.scorecards.tests.journeys import PLANS, START, walk
    from motcua.testing import make_personas
    from motcua.units.models import Agency, AgencyKind

    call_command("migrate", verbosity=0)
    label = connection.vendor
    personas = make_personas()
    place = personas.place
    agencies = [
        Agency.objects.create(
            public_id=f"bench-{i}",
            name=f"UBND xã thử {i}",
            kind=AgencyKind.COMMUNE_COMMITTEE,
            area=place.commune_a,
            e_identifier=f"000.09.{i:02d}.H99",
        )
        for i in range(units)
    ]
    procedures = [Procedure.objects.create(code=f"8.{i:06d}") for i in range(20)]
    for size in sizes:
        DailyCount.objects.all().delete()
        per_unit_day = size / units / 365
        used = max(1, min(len(procedures), round(per_unit_day / 2)))
        per_row = max(1, round(per_unit_day / used))
        started = time.perf_counter()
        day0 = datetime.date(2026, 1, 1)
        rows: list[DailyCount] = []
        total = 0
        if label == "postgresql":
            # The same rows as the loop below, written by the database itself
            # (the loop's bulk_create fills ~8,000 rows/s on a busy 2-core machine).
            total = _fill_postgresql(
                [a.pk for a in agencies], [p.pk for p in procedures[:used]], day0, per_row
            )
        for a in agencies if label != "postgresql" else []:
            for d in range(365):
                day = day0 + datetime.timedelta(days=d)
                for p in procedures[:used]:
                    for metric, share in METRICS:
                        rows.append(
                            DailyCount(
                                agency_id=a.pk,
                                day=day,
                                procedure_id=p.pk,
                                metric=metric,
                                n=max(1, round(per_row * share)),
                            )
                        )
                if len(rows) >= 50_000:
                    DailyCount.objects.bulk_create(rows, batch_size=5000)
                    total += len(rows)
                    rows = []
        DailyCount.objects.bulk_create(rows, batch_size=5000)
        total += len(rows)
        print(
            f"set-up ({label}, {size:,} dossiers): {total:,} summary rows, "
            f"{units} units × 365 days × {used} procedures, "
            f"{time.perf_counter() - started:.1f} s"
        )
        province = int(place.province.pk)
        card = _timed(
            f"province scorecard, one month ({label}, {size:,})",
            lambda pid=province: scorecard(agency=None, period=month(2026, 6), province_id=pid),
        )
        print(f"  received that month: {card.inputs['received']:,}")  # type: ignore[attr-defined]
        _timed(
            f"province scorecard, the year ({label}, {size:,})",
            lambda pid=province: scorecard(
                agency=None, period=parse_period("2026"), province_id=pid
            ),
        )
        rows_ = _timed(
            f"ranking of {units + 5} units, one month + previous ({label}, {size:,})",
            lambda pid=province: ranking(province_id=pid, period=month(2026, 6)),
        )
        ranked = [r for r in cast("list[Any]", rows_) if r.rank]
        print(f"  ranked: {len(ranked)}")
        _timed(
            f"ranking of {units + 5} units, the year + previous ({label}, {size:,})",
            lambda pid=province: ranking(province_id=pid, period=parse_period("2026")),
        )
    DailyCount.objects.all().delete()
    from motcua.dossiers.tests.factories import make_procedure

    procedure = make_procedure(place.agency_a)
    applicant = Applicant.objects.get(user=personas.citizen)
    plans = list(PLANS.values())
    started = time.perf_counter()
    for i in range(rebuild):
        walk(
            personas,
            procedure,
            applicant,
            start=START + datetime.timedelta(days=i % 60),
            plan=plans[i % len(plans)],
        )
    from motcua.dossiers.models import DossierEvent

    events = DossierEvent.objects.count()
    print(
        f"set-up: {rebuild} dossiers, {events} events through the services "
        f"(with the hook): {time.perf_counter() - started:.1f} s"
    )
    written = _timed(
        f"rebuild of {rebuild} dossiers' summaries ({label}, {events} events)",
        lambda: services.summaries_rebuild(),
    )
    print(f"  rows written: {written}")
    differences = _timed(
        f"verify of {rebuild} dossiers' summaries ({label})", lambda: services.summaries_verify()
    )
    print(f"  differences: {len(differences)}")  # type: ignore[arg-type]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--sizes", default="1000000,10000000")
    parser.add_argument("--rebuild", type=int, default=200)
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    if args.child:
        child(args.units, sizes, args.rebuild)
        return
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "MOTCUA_DATA_DIR": folder}
        env["DATABASE_URL"] = os.environ.get(
            "BENCH_DATABASE_URL", f"sqlite:///{folder}/bench.sqlite3"
        )
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--units",
                str(args.units),
                "--sizes",
                args.sizes,
                "--rebuild",
                str(args.rebuild),
                "--child",
            ],
            env=env,
            check=True,
        )


if __name__ == "__main__":
    main()
