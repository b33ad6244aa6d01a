"""Dossier codes (per agency and local day, past 9999, unique under
concurrency) and the hash chain check."""

from __future__ import annotations

import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierCounter, DossierEvent
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas


def _submit(
    p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, **kw: object
) -> Dossier:
    return services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant, **kw)  # type: ignore[arg-type]


def test_code_per_agency_and_local_day(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    a = _submit(p, procedure, applicant, now=local(2026, 3, 2, 9))
    b = _submit(p, procedure, applicant, now=local(2026, 3, 2, 23, 59))
    # 00:30 local on 3 March is still 2 March in UTC: the local day counts.
    c = _submit(p, procedure, applicant, now=local(2026, 3, 3, 0, 30))
    assert [a.code, b.code, c.code] == [
        "000.01.01.H99-260302-0001",
        "000.01.01.H99-260302-0002",
        "000.01.01.H99-260303-0001",
    ]
    assert DossierCounter.objects.count() == 2


def test_code_grows_past_9999(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    first = _submit(p, procedure, applicant, now=local(2026, 3, 2, 9))
    DossierCounter.objects.filter(agency=p.place.agency_a).update(value=9998)
    codes = [_submit(p, procedure, applicant, now=local(2026, 3, 2, 9)).code for _ in range(2)]
    assert first.code.endswith("-0001")
    assert codes == ["000.01.01.H99-260302-9999", "000.01.01.H99-260302-10000"]


@pytest.mark.django_db(transaction=True)
def test_codes_unique_under_concurrency(personas: Personas, procedure: ConfiguredProcedure) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…) for real concurrent writers")
    applicant = Applicant.objects.get(user=personas.citizen)
    workers, per_worker = 8, 10
    codes: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()
    barrier = threading.Barrier(workers)

    def work() -> None:
        try:
            barrier.wait()
            for _ in range(per_worker):
                d = _submit(personas, procedure, applicant, now=local(2026, 3, 2, 9))
                with lock:
                    codes.append(d.code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    total = workers * per_worker
    assert len(set(codes)) == total
    assert sorted(int(c.rsplit("-", 1)[1]) for c in codes) == list(range(1, total + 1))


def test_verify_dossier_events_detects_tampering(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = _submit(p, procedure, applicant, now=local(2026, 3, 2, 8))
    services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    other = _submit(p, procedure, applicant, now=local(2026, 3, 2, 8))
    out = StringIO()
    call_command("verify_dossier_events", stdout=out)
    assert "2 hồ sơ" in out.getvalue()
    call_command("verify_dossier_events", code=d.code, stdout=StringIO())

    event = DossierEvent.objects.get(dossier=d, seq=2)
    table = DossierEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET payload = %s WHERE id = %s",  # noqa: S608
            ['{"appointment_at": "2026-12-31T00:00:00+00:00"}', event.pk],
        )
    with pytest.raises(CommandError) as err:
        call_command("verify_dossier_events", stdout=StringIO())
    assert d.code in str(err.value) and "số 2" in str(err.value)
    # The other dossier's chain is intact.
    call_command("verify_dossier_events", code=other.code, stdout=StringIO())


def test_event_rows_cannot_be_saved_twice(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = _submit(personas, procedure, applicant)
    event = DossierEvent.objects.get(dossier=d)
    event.payload = {"x": 1}
    with pytest.raises(RuntimeError):
        event.save()


@pytest.mark.django_db(transaction=True)
def test_idempotent_retries_race_to_one_dossier(
    personas: Personas, procedure: ConfiguredProcedure
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…) for real concurrent writers")
    applicant = Applicant.objects.get(user=personas.citizen)
    workers = 6
    results: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(workers)

    def work() -> None:
        try:
            barrier.wait()
            d = _submit(personas, procedure, applicant, idempotency_key="retry-1")
            results.append(d.code)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert len(set(results)) == 1 and len(results) == workers
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    # The losers' numbers were given back with their rolled-back transactions.
    assert DossierCounter.objects.get().value == 1


def test_verify_dossier_events_detects_a_row_out_of_step_with_its_events(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = _submit(personas, procedure, applicant, now=local(2026, 3, 2, 8))
    call_command("verify_dossier_events", stdout=StringIO())
    Dossier.objects.filter(pk=d.pk).update(state="returned")
    with pytest.raises(CommandError) as err:
        call_command("verify_dossier_events", stdout=StringIO())
    assert d.code in str(err.value) and "state" in str(err.value)
