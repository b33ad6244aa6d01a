"""Time the dossier spine in-process: submissions, lifecycle actions and
public tracking reads per second, and the database bytes one dossier takes.

    python bench/bench_dossiers.py [N_DOSSIERS]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \\
        python bench/bench_dossiers.py

Each database is measured in a child process (Django reads its settings once).
SQLite gets a fresh file in a temporary folder; the PostgreSQL database must
be disposable (the bench adds rows under fresh names and leaves them).
Prints ``name: value unit`` lines, e.g.::

    dossier submissions (sqlite): 850 /s
    dossier actions (sqlite): 700 /s
    dossier tracking reads (sqlite): 1500 /s
    dossier bytes per dossier (sqlite): 9000 B
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(label: str, n: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from decimal import Decimal

    from django.core.management import call_command
    from django.db import connection

    from motcua.accounts.models import Applicant, ApplicantKind, Role, RoleAssignment, User
    from motcua.catalog import models as cm
    from motcua.dossiers import selectors, services
    from motcua.dossiers.models import (
        AppointmentChange,
        Dossier,
        DossierAccessLog,
        DossierCounter,
        DossierEvent,
        PauseInterval,
        StepRun,
    )
    from motcua.dossiers.tests import factories
    from motcua.testing import make_province

    call_command("migrate", verbosity=0)
    tag = secrets.token_hex(3)
    place = make_province(code="97", name="Tỉnh Đo Hiệu Năng")
    agency = place.agency_a

    def staff(role: str) -> User:
        user = User.objects.create(username=f"bench-{role}-{tag}", full_name=role)
        RoleAssignment.objects.create(user=user, agency=agency, role=role)
        return user

    officer, specialist, leader = (
        staff(Role.ONE_STOP_OFFICER),
        staff(Role.SPECIALIST),
        staff(Role.LEADER),
    )
    citizen = User.objects.create(username=f"bench-citizen-{tag}", full_name="Nguyễn Văn Bình")
    personal_id = f"0{secrets.randbelow(10**11):011d}"
    applicant = Applicant.objects.create(
        kind=ApplicantKind.CITIZEN, user=citizen, name=citizen.full_name, personal_id=personal_id
    )
    procedure = cm.Procedure.objects.create(code=f"B.{tag}")
    version = cm.ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=cm.VersionStatus.PUBLISHED,
        name="Thủ tục đo hiệu năng",
        short_name="Đo hiệu năng",
        field="Thử nghiệm",
        level=cm.ImplementingLevel.COMMUNE,
        levels=",commune,",
        online_level=cm.OnlineLevel.FULL,
    )
    template = cm.WorkflowTemplate.objects.create(key=f"bench-{tag}", name="Ba bước")
    workflow = cm.WorkflowTemplateVersion.objects.create(
        template=template,
        number=1,
        status=cm.VersionStatus.PUBLISHED,
        definition=factories.THREE_STEPS,
    )
    configured = cm.ConfiguredProcedure.objects.create(agency=agency, procedure=procedure)
    cpv = cm.ConfiguredProcedureVersion.objects.create(
        configured=configured,
        number=1,
        procedure_version=version,
        processing_days=Decimal(3),
        channels=["online", "in_person"],
        workflow=workflow,
    )
    configured.current_version = cpv
    configured.save(update_fields=["current_version"])
    configured = cm.ConfiguredProcedure.objects.select_related(
        "agency__province", "current_version__workflow", "current_version__eform"
    ).get(pk=configured.pk)
    before = Dossier.objects.count()

    # Warm the calendar and the connection.
    services.dossier_submit(actor=citizen, procedure=configured, applicant=applicant)

    started = time.perf_counter()
    dossiers = [
        services.dossier_submit(
            actor=citizen,
            procedure=configured,
            applicant=applicant,
            idempotency_key=f"{tag}-{i}",
            result_delivery="counter",  # an online result needs a file before hand-over
        )
        for i in range(n)
    ]
    elapsed = time.perf_counter() - started
    print(f"dossier submissions ({label}): {n / elapsed:.0f} /s", flush=True)

    journey = dossiers[: max(1, n // 4)]
    actions = 0
    started = time.perf_counter()
    for d in journey:
        d = services.dossier_accept(dossier=d, actor=officer, expected_version=1)
        d = services.dossier_forward(dossier=d, actor=officer, expected_version=2)
        d = services.dossier_forward(dossier=d, actor=specialist, expected_version=3)
        d = services.dossier_decide(dossier=d, actor=leader, expected_version=4)
        services.dossier_hand_over(dossier=d, actor=officer, expected_version=5)
        actions += 5
    elapsed = time.perf_counter() - started
    print(f"dossier actions ({label}): {actions / elapsed:.0f} /s", flush=True)

    count = Dossier.objects.count()
    tables = [
        m._meta.db_table
        for m in (
            Dossier,
            DossierEvent,
            DossierCounter,
            StepRun,
            PauseInterval,
            AppointmentChange,
            DossierAccessLog,
        )
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT SUM(pg_total_relation_size(c::regclass)) FROM unnest(%s::text[]) AS c",
                [tables],
            )
            total = int(cursor.fetchone()[0])
            how = "pg_total_relation_size, tables and indexes"
        else:
            try:
                marks = ",".join("%s" for _ in tables)
                cursor.execute(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name IN "  # noqa: S608
                    f"(SELECT name FROM sqlite_master WHERE tbl_name IN ({marks}))",
                    tables,
                )
                total = int(cursor.fetchone()[0] or 0)
                how = "dbstat, tables and indexes"
            except Exception:
                total = Path(connection.settings_dict["NAME"]).stat().st_size
                how = "whole file"
    events = DossierEvent.objects.filter(dossier__in=Dossier.objects.all()).count()
    print(
        f"dossier bytes per dossier ({label}, {how}, {count} dossiers, {events} events): "
        f"{total / max(count, 1):.0f} B",
        flush=True,
    )
    factor = personal_id[-4:]
    codes = [d.code for d in dossiers]
    started = time.perf_counter()
    for code in codes:
        selectors.dossier_track(code=code, factor=factor)
    elapsed = time.perf_counter() - started
    print(f"dossier tracking reads ({label}): {len(codes) / elapsed:.0f} /s", flush=True)

    assert count - before == n + 1


def run_child(label: str, database_url: str, data_dir: str, n: int) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "MOTCUA_DATA_DIR": data_dir}
    return subprocess.call(
        [sys.executable, __file__, "--child", label, str(n)], env=env, cwd=str(REPO)
    )


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    status = 0
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        status |= run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3", tmp, n)
        postgres = os.environ.get("BENCH_DATABASE_URL")
        if postgres:
            status |= run_child("postgresql", postgres, tmp, n)
        else:
            print("(BENCH_DATABASE_URL not set: PostgreSQL skipped)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
