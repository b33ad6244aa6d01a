"""The pages and their exports over HTTP: scoping, bad input, the files
carry the page's numbers, CSV/xlsx formula injection, the row cap."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from motcua.accountability.reports import REPORTS
from motcua.accountability.tests.conftest import World, build_world
from motcua.accounts.models import Applicant
from motcua.dossiers.models import Dossier
from motcua.testing import Personas

pytestmark = pytest.mark.django_db

BASE = "/can-bo/trach-nhiem/"
PERIOD = {"tu": "2026-02-01", "den": "2026-03-31"}


@pytest.fixture
def world(personas: Personas) -> World:
    """A smaller world than the figures' tests need: these tests check what
    the pages and exports show, not the statistics (test_figures.py)."""
    return build_world(personas, count=80)


def get(client: Client, user: Any, path: str, **query: str) -> Any:
    client.force_login(user)
    return client.get(path, query)


@pytest.mark.parametrize("slug", sorted(REPORTS))
def test_every_list_renders_for_the_inspector(client: Client, world: World, slug: str) -> None:
    response = get(client, world.personas.inspector, f"{BASE}{slug}/", **PERIOD)
    assert response.status_code == 200
    body = response.content.decode()
    assert REPORTS[slug].title in body
    for row in response.context["rows"]:
        for column, value in row:
            if column.kind == "dossier":
                assert f'href="/can-bo/ho-so/{value}/"' in body


def test_index_lists_every_report(client: Client, world: World) -> None:
    response = get(client, world.personas.leader, BASE)
    assert response.status_code == 200
    for report in REPORTS.values():
        assert report.title in response.content.decode()


def test_scope_leader_sees_his_unit_only(client: Client, world: World) -> None:
    p = world.personas
    page = get(client, p.leader, f"{BASE}dang-giu/")
    codes = {row[0][1] for row in page.context["rows"]}
    held_a = set(
        Dossier.objects.filter(holder_agency=p.place.agency_a).values_list("code", flat=True)
    )
    assert codes and codes <= held_a
    # Another unit, or a reader without the role: "not found", like the back office.
    assert (
        get(client, p.leader, f"{BASE}dang-giu/", don_vi=p.place.agency_b.public_id).status_code
        == 404
    )
    assert get(client, p.officer, f"{BASE}dang-giu/").status_code == 404
    assert get(client, p.specialist, BASE).status_code == 404
    assert get(client, p.inspector, f"{BASE}khong-co/").status_code == 404
    # The inspector picks any unit of the province.
    picked = get(client, p.inspector, f"{BASE}dang-giu/", don_vi=p.place.agency_b.public_id)
    assert picked.status_code == 200


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"tu": "2026-03-31", "den": "2026-03-01"}, "đứng trước ngày bắt đầu"),
        ({"tu": "9999-01-01", "den": "9999-12-31"}, "phải nằm trong các năm"),
        ({"tu": "2026-02-30"}, "không hợp lệ"),
    ],
)
def test_bad_periods_say_why(
    client: Client, world: World, query: dict[str, str], message: str
) -> None:
    for slug in ("thong-ke", "ty-le-can-bo", "so-theo-doi"):
        response = get(client, world.personas.inspector, f"{BASE}{slug}/", **query)
        assert response.status_code == 400
        assert message in response.content.decode()
        csv_response = get(client, world.personas.inspector, f"{BASE}{slug}/", dang="csv", **query)
        assert csv_response.status_code == 400


def test_empty_period_renders_an_empty_table(client: Client, world: World) -> None:
    for slug in ("thong-ke", "ty-le-can-bo", "thoi-gian-giu", "chuyen-qua-lai"):
        response = get(
            client, world.personas.inspector, f"{BASE}{slug}/", tu="2020-01-01", den="2020-01-31"
        )
        assert response.status_code == 200
        body = response.content.decode()
        assert "Không có hồ sơ nào trong phạm vi và kỳ đã chọn." in body or slug == "thong-ke"


def test_statistics_xlsx_and_csv_carry_the_page_numbers(client: Client, world: World) -> None:
    inspector = world.personas.inspector
    page = get(client, inspector, f"{BASE}thong-ke/", **PERIOD)
    shown = [[v for _c, v in row] for row in page.context["rows"]]
    total = [v for _c, v in page.context["total"]]
    assert shown and total[4] > 0
    xlsx = get(client, inspector, f"{BASE}thong-ke/", dang="xlsx", **PERIOD)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert values[:-1] == shown
    assert values[-1][3:] == total[3:]
    stream = get(client, inspector, f"{BASE}thong-ke/", dang="csv", **PERIOD)
    content = b"".join(stream.streaming_content)
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert lines[1][0] == "Mã thủ tục"
    assert [int(x) for x in lines[2][3:12]] == shown[0][3:12]


def test_exports_neutralise_formulas(client: Client, world: World) -> None:
    applicant = Applicant.objects.get(user=world.personas.citizen)
    applicant.name = '=HYPERLINK("http://xau.example","Bấm")'
    applicant.address = "+84 Đường Lê Lợi"
    applicant.phone = "@0912345678"
    applicant.save()
    inspector = world.personas.inspector
    stream = get(client, inspector, f"{BASE}so-theo-doi/", dang="csv", **PERIOD)
    text = b"".join(stream.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][4] == "'" + applicant.name
    assert rows[2][5].startswith("'+84")
    for row in rows[2:]:
        assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row)
    xlsx = get(client, inspector, f"{BASE}so-theo-doi/", dang="xlsx", **PERIOD)
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    cell = sheet.cell(row=3, column=5)
    assert cell.value == "'" + applicant.name and cell.data_type == "s"
    count = sum(1 for _ in sheet.iter_rows(min_row=3))
    assert count == Dossier.objects.filter(submitted_at__year=2026).count()


def test_row_cap_gives_a_clear_message(client: Client, world: World, settings: Any) -> None:
    settings.MOTCUA_EXPORT_MAX_ROWS = 5
    response = get(client, world.personas.inspector, f"{BASE}so-theo-doi/", dang="xlsx", **PERIOD)
    assert response.status_code == 400
    assert "nhiều hơn giới hạn 5 dòng" in response.content.decode()


def test_pages_follow_the_keyset(client: Client, world: World, settings: Any) -> None:
    settings.MOTCUA_ACCOUNTABILITY_PAGE_SIZE = 10
    inspector = world.personas.inspector
    seen: list[str] = []
    query: dict[str, str] = dict(PERIOD)
    while True:
        page = get(client, inspector, f"{BASE}so-theo-doi/", **query)
        seen += [row[1][1] for row in page.context["rows"]]
        if not page.context["next_query"]:
            break
        query = dict(PERIOD, sau=page.context["result"].next)
    assert len(seen) == len(set(seen)) == Dossier.objects.filter(submitted_at__year=2026).count()


def test_query_budget_of_the_held_list(
    client: Client, world: World, django_assert_max_num_queries: Any
) -> None:
    client.force_login(world.personas.inspector)
    with django_assert_max_num_queries(14):
        assert client.get(f"{BASE}dang-giu/").status_code == 200
