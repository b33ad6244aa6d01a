"""Keyset paging (dossiers.paging): thousands of dossiers sharing one due
moment, the nulls at the end, the union of the queue's parts, the API's
cursor (and 422 for a bad one) and the compiled reads of the hot paths."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Applicant
from motcua.accounts.selectors import applicant_by_public_id, applicant_of_user
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import paging, selectors, services
from motcua.dossiers.models import Dossier
from motcua.dossiers.submission import procedure_for_submission
from motcua.dossiers.tests.factories import local
from motcua.dossiers.tests.test_selectors_api import URL, bearer
from motcua.testing import Personas, assert_problem


def _file_many(
    p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, n: int
) -> list[Dossier]:
    return [
        services.dossier_submit(
            actor=p.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
        )
        for _ in range(n)
    ]


def _all_pages(parts: Any, ordering: paging.Ordering, size: int) -> list[int]:
    seen: list[int] = []
    position = None
    while True:
        page = paging.page_of(parts, ordering, position=position, size=size)
        seen += [d.pk for d in page.items]
        if not page.next_cursor:
            return seen
        position = paging.decode_cursor(page.next_cursor)
        assert position is not None


def test_pages_through_a_shared_due_moment_and_the_nulls(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    dossiers = _file_many(personas, procedure, applicant, 7)
    # Everything shares one due moment but two, which have none.
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers[:5]]).update(due_at=local(2026, 3, 3, 17))
    Dossier.objects.filter(pk__in=[d.pk for d in dossiers[5:]]).update(due_at=None)
    ids = sorted(d.pk for d in dossiers)
    qs = Dossier.objects.filter(pk__in=ids)
    expected = sorted(ids[:5]) + sorted(ids[5:]) if ids == [d.pk for d in dossiers] else None
    got = _all_pages(qs, paging.BY_DUE, 2)
    assert sorted(got) == ids and len(got) == len(set(got))
    assert expected is None or got == expected
    # Newest first (a not-null key): the same rows, each once.
    assert _all_pages(qs, paging.BY_RECEIVED, 3) == sorted(ids, reverse=True)


def test_the_union_of_parts_is_merged_in_order(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    dossiers = _file_many(personas, procedure, applicant, 6)
    ids = [d.pk for d in dossiers]
    odd = Dossier.objects.filter(pk__in=ids[1::2])
    even = Dossier.objects.filter(pk__in=ids[0::2])
    both = Dossier.objects.filter(pk__in=ids[:2])  # overlaps: each row once
    assert _all_pages([odd, even, both], paging.BY_DUE, 4) == _all_pages(
        Dossier.objects.filter(pk__in=ids), paging.BY_DUE, 4
    )


def test_the_queue_parts_match_the_queue(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    _file_many(personas, procedure, applicant, 3)
    for user in (personas.officer, personas.specialist, personas.citizen):
        whole = [d.pk for d in selectors.dossiers_held_by(user=user)]
        assert _all_pages(selectors.queue_parts(user=user), paging.BY_DUE, 2) == whole


def test_the_api_list_follows_its_cursor_and_refuses_a_bad_one(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, client: Any
) -> None:
    _file_many(personas, procedure, applicant, 5)
    officer = bearer(personas.officer)
    seen: list[str] = []
    resp = client.get(URL, {"limit": 2}, **officer)
    while True:
        assert resp.status_code == 200, resp.content
        seen += [d["code"] for d in resp.json()]
        cursor = resp.headers.get("X-Next-Cursor")
        if not cursor:
            break
        resp = client.get(URL, {"limit": 2, "cursor": cursor}, **officer)
    whole = [d.code for d in selectors.dossiers_held_by(user=personas.officer)]
    assert seen == whole and len(whole) == 5
    bad = client.get(URL, {"cursor": "not-a-cursor"}, **officer)
    assert_problem(bad, status=422, code="cursor_invalid")


def test_a_page_is_one_range_per_part(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    django_assert_max_num_queries: Any,
) -> None:
    _file_many(personas, procedure, applicant, 4)
    parts = selectors.queue_parts(user=personas.officer)
    first = paging.page_of(parts, paging.BY_DUE, position=None, size=2)
    position = paging.decode_cursor(first.next_cursor)
    with CaptureQueriesContext(connection) as captured:
        paging.page_of(parts, paging.BY_DUE, position=position, size=2)
    sql = " ".join(q["sql"] for q in captured.captured_queries).upper()
    assert "OFFSET" not in sql
    # One keyset query per part; the nulls are only read past the keyed rows.
    assert len(captured.captured_queries) <= 2 * len(parts)


def test_compiled_lookups_read_fresh_rows(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    found = procedure_for_submission(procedure.public_id)
    assert found is not None and found.pk == procedure.pk
    assert found.agency.pk == procedure.agency_id
    assert found.current_version_id == procedure.current_version_id
    assert procedure_for_submission(str(procedure.public_id)) is not None
    assert procedure_for_submission(uuid.uuid4()) is None
    # A change made elsewhere (the admin, another process) counts at once:
    # only the SQL is kept, never the row.
    ConfiguredProcedure.objects.filter(pk=procedure.pk).update(is_active=False)
    again = procedure_for_submission(procedure.public_id)
    assert again is not None and again.is_active is False
    assert applicant_of_user(user_id=personas.citizen.pk) == applicant
    assert applicant_by_public_id(public_id=applicant.public_id) == applicant
    assert applicant_by_public_id(public_id=uuid.uuid4()) is None


def test_cursor_round_trip() -> None:
    stamp = datetime.datetime(2026, 3, 3, 10, tzinfo=datetime.UTC)
    assert paging.decode_cursor(paging.encode_cursor(stamp, 42)) == (stamp, 42)
    assert paging.decode_cursor(paging.encode_cursor(None, 7)) == (None, 7)
    for bad in ("", "###", paging.encode_cursor(stamp, 0), "MjAyNi0wMy0wM3wx"):
        assert paging.decode_cursor(bad) is None
