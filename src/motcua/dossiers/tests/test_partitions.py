"""Monthly partitions of the access log (motcua.dossiers.partitions), on
PostgreSQL: the migration on a database that already holds rows, the
``partitions`` command, archiving. On SQLite the table stays plain."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import partitions, services
from motcua.dossiers.hashing import verify_chain
from motcua.dossiers.models import AccessChannel, Dossier, DossierAccessLog, DossierEvent
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas

TABLE = "dossiers_dossieraccesslog"
UTC = datetime.UTC


def test_plain_table_off_postgresql(db: None) -> None:
    if connection.vendor == "postgresql":
        assert partitions.is_partitioned(connection, TABLE)
    else:
        assert not partitions.is_partitioned(connection, TABLE)
        out = StringIO()
        call_command("partitions", "--ahead", "3", stdout=out)
        assert "SQLite" in out.getvalue()


def _migrate(target: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)


def _latest() -> list[tuple[str, str]]:
    """Every app's latest migration: going back in ``dossiers`` also unapplies
    the other apps' migrations that depend on it, and the tests after this one
    need them all again."""
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_partitioning_an_existing_table_keeps_every_row(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    latest = _latest()
    _migrate([("dossiers", "0007_signed_result_mark")])
    try:
        assert not partitions.is_partitioned(connection, TABLE)
        dossiers = [
            services.dossier_submit(
                actor=personas.citizen,
                procedure=procedure,
                applicant=applicant,
                now=local(2026, 3, 2, 8),
            )
            for _ in range(3)
        ]
        # Reads over two years, and one far in the past (the default partition).
        for i, month in enumerate([(2025, 1), (2025, 11), (2026, 2), (2026, 3)]):
            for d in dossiers:
                services.write_access_log(
                    d.pk,
                    personas.officer.pk,
                    AccessChannel.WEB,
                    at=datetime.datetime(*month, 10 + i, 8, tzinfo=UTC),
                )
        before = sorted(DossierAccessLog.objects.values_list("id", "dossier_id", "channel", "at"))
        events_before = DossierEvent.objects.count()
    finally:
        _migrate(latest)
    executor = MigrationExecutor(connection)
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []  # all back
    assert partitions.is_partitioned(connection, TABLE)
    after = sorted(DossierAccessLog.objects.values_list("id", "dossier_id", "channel", "at"))
    assert after == before and len(after) >= 12
    assert DossierEvent.objects.count() == events_before
    for d in Dossier.objects.all():
        assert verify_chain(d, DossierEvent.objects.filter(dossier=d).order_by("seq")) is None
    months = partitions.months_of(connection, TABLE)
    assert months[0] == datetime.date(2025, 1, 1)
    # New rows get new ids from the same sequence.
    services.write_access_log(dossiers[0].pk, None, AccessChannel.TRACKING)
    ids = list(DossierAccessLog.objects.order_by("-id").values_list("id", flat=True)[:2])
    assert ids[0] > ids[1] == max(r[0] for r in before)

    kept = DossierAccessLog.objects.count()
    out = StringIO()
    call_command("partitions", "--ahead", "4", "--archive-before", "2025-12", stdout=out)
    text = out.getvalue()
    assert "lưu trữ motcua_archive.dossiers_dossieraccesslog_p2025_01" in text
    assert "lưu trữ motcua_archive.dossiers_dossieraccesslog_p2025_11" in text
    assert DossierAccessLog.objects.count() == kept - 6
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM motcua_archive.dossiers_dossieraccesslog_p2025_01")
        assert cursor.fetchone()[0] == 3
        cursor.execute("DROP SCHEMA motcua_archive CASCADE")
    again = StringIO()
    call_command("partitions", "--ahead", "4", stdout=again)
    assert "không có gì thay đổi" in again.getvalue()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_rows_the_default_partition_holds_move_into_a_new_month(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    far = datetime.datetime(2031, 5, 3, 9, tzinfo=UTC)
    services.write_access_log(d.pk, None, AccessChannel.TRACKING, at=far)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}_pdefault WHERE at = %s", [far])  # noqa: S608
        assert cursor.fetchone()[0] == 1
    partitions.create_month(connection, TABLE, datetime.date(2031, 5, 1))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {TABLE}_p2031_05")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    assert DossierAccessLog.objects.filter(at=far).count() == 1
