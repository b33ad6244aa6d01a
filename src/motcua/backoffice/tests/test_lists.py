"""Filters and keyset paging on the back-office lists, and the leader's
home with its counts."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.backoffice import listing
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.testing import Personas

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, ago: int) -> Dossier:
    return services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=timezone.now() - ago * H
    )


def _codes(html: str) -> list[str]:
    return re.findall(r'data-label="Mã hồ sơ"><a href="[^"]+">([^<]+)</a>', html)


def _walk(dossiers: QuerySet[Dossier], ordering: listing.Ordering) -> list[int]:
    """Every page of two, following the cursors; the ids in order."""
    seen: list[int] = []
    cursor = ""
    while True:
        page = listing.page_of(dossiers, ordering, cursor=cursor, size=2)
        seen += [d.pk for d in page.items]
        if not page.next_cursor:
            return seen
        cursor = page.next_cursor


def test_keyset_pages_cover_every_row_once_without_offset(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    made = [_submit(personas, procedure, applicant, ago) for ago in (30, 20, 10, 5, 2)]
    # Two share a due moment: the id breaks the tie.
    Dossier.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(due_at=made[1].due_at)
    Dossier.objects.filter(pk=made[4].pk).update(due_at=None)
    everything = Dossier.objects.filter(pk__in=[d.pk for d in made])
    with CaptureQueriesContext(connection) as queries:
        seen = _walk(everything, listing.BY_DUE)
    assert sorted(seen) == sorted(d.pk for d in made) and len(seen) == len(set(seen)) == 5
    assert seen[-1] == made[4].pk  # no due: last
    assert not any("OFFSET" in q["sql"].upper() for q in queries.captured_queries)
    newest_first = _walk(everything, listing.BY_RECEIVED)
    assert newest_first == [d.pk for d in reversed(made)]


def test_a_forged_cursor_starts_again_from_the_first_page(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    _submit(personas, procedure, applicant, 3)
    for cursor in ("!!", "eHx4", "MjAyNi0wMS0wMXw5OTk5OTk5OTk5OTk5OTk5OTk5OTk5"):
        page = listing.page_of(Dossier.objects.all(), listing.BY_DUE, cursor=cursor)
        assert page.is_first and len(page.items) == 1


def test_unit_list_pages_and_filters(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 2)
    made = [_submit(personas, procedure, applicant, ago) for ago in (40, 30, 20)]
    services.dossier_accept(dossier=made[0], actor=personas.officer, expected_version=1)
    client = _client(personas.leader)
    url = f"/can-bo/don-vi/{personas.place.agency_a.public_id}/ho-so/"
    first = client.get(url).content.decode()
    assert len(_codes(first)) == 2 and "Trang sau" in first
    next_href = re.search(r'href="\?([^"]+)" rel="next"', first)
    assert next_href is not None
    second = client.get(f"{url}?{next_href.group(1).replace('&amp;', '&')}").content.decode()
    assert len(_codes(second)) == 1 and "Về trang đầu" in second
    assert set(_codes(first) + _codes(second)) == {d.code for d in made}
    processing = client.get(url, {"status": State.PROCESSING}).content.decode()
    assert _codes(processing) == [made[0].code]
    code = procedure.procedure.code
    assert len(_codes(client.get(url, {"procedure": code}).content.decode())) == 2
    assert _codes(client.get(url, {"procedure": "0.000000"}).content.decode()) == []


def test_filters_by_received_date_and_due(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    old = _submit(personas, procedure, applicant, 24 * 10)
    new = _submit(personas, procedure, applicant, 1)
    Dossier.objects.filter(pk=old.pk).update(due_at=timezone.now() - H)
    Dossier.objects.filter(pk=new.pk).update(due_at=timezone.now() + 3 * H)
    client = _client(personas.officer)
    today = timezone.localdate().strftime("%d/%m/%Y")
    page = client.get("/can-bo/ho-so/", {"received_from": today}).content.decode()
    assert new.code in page and old.code not in page
    overdue = client.get("/can-bo/ho-so/", {"due": "overdue"}).content.decode()
    assert old.code in overdue and new.code not in overdue
    near = client.get("/can-bo/ho-so/", {"due": "near"}).content.decode()
    assert new.code in near and old.code not in near


def test_bad_filter_values_are_explained_in_vietnamese(personas: Personas) -> None:
    page = _client(personas.officer).get(
        "/can-bo/ho-so/",
        {"received_from": "31/02/2026", "status": "xyz", "due": "mai"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "Từ ngày “31/02/2026” không phải ngày hợp lệ" in html
    assert "Trạng thái không có trong danh sách." in html
    assert 'aria-describedby="loc-tu-ngay-loi"' in html and 'id="loc-tu-ngay-loi"' in html


def test_search_results_are_filtered_and_paged(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(listing, "PAGE_SIZE", 1)
    made = [_submit(personas, procedure, applicant, ago) for ago in (5, 4)]
    client = _client(personas.officer)
    page = client.get("/can-bo/ho-so/", {"q": applicant.name}).content.decode()
    assert made[1].code in page and "tim_sau=" in page


def test_leader_home_counts_link_to_the_filtered_lists(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    made = [_submit(personas, procedure, applicant, ago) for ago in (6, 5, 4, 3)]
    now = timezone.now()
    Dossier.objects.filter(pk=made[0].pk).update(due_at=now - H)
    Dossier.objects.filter(pk__in=[made[1].pk, made[2].pk]).update(due_at=now + 2 * H)
    Dossier.objects.filter(pk=made[3].pk).update(due_at=now + 100 * H)
    home = _client(personas.leader).get("/can-bo/").content.decode()
    unit = f"/can-bo/don-vi/{personas.place.agency_a.public_id}/ho-so/"
    assert "1 hồ sơ quá hạn, 2 hồ sơ sắp đến hạn" in home
    assert f'href="{unit}?due=near" aria-label="2 hồ sơ sắp đến hạn' in home
    assert f'href="{unit}?due=overdue" aria-label="1 hồ sơ quá hạn' in home
    assert 'aria-label="4 hồ sơ đang mở' in home
    near = _client(personas.leader).get(f"{unit}?due=near").content.decode()
    assert set(_codes(near)) == {made[1].code, made[2].code}
    # An officer's home has no counts table.
    assert (
        "Hồ sơ các đơn vị bạn lãnh đạo"
        not in _client(personas.officer).get("/can-bo/").content.decode()
    )
