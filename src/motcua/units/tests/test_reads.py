"""Selectors, API and admin over the real unit lists (imported once for the
module by the ``real_units`` fixture)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import User
from motcua.core.errors import NotFound
from motcua.testing import assert_problem, make_province
from motcua.units import selectors
from motcua.units.importers import ImportResult
from motcua.units.models import AdministrativeUnit, Generation, Level, UnitSuccession

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_units")]


def problem(resp: Any, *, status: int, code: str) -> dict[str, Any]:
    """``assert_problem`` for the test client's response type."""
    return assert_problem(resp, status=status, code=code)


def codes(units: list[AdministrativeUnit]) -> list[str]:
    return [unit.code for unit in units]


# --------------------------------------------------------------------------
# Search


@pytest.mark.parametrize("query", ["Vĩnh Long", "vinh long", "VĨNH LONG", "  vinh   LONG "])
def test_search_finds_the_province_with_or_without_diacritics(query: str) -> None:
    found = selectors.unit_search(query=query)
    assert found[0].code == "86"
    assert (found[0].name, found[0].level) == ("Tỉnh Vĩnh Long", Level.PROVINCE)


def test_search_by_level_and_generation() -> None:
    legacy = selectors.unit_search(query="vinh long", generation=Generation.LEGACY)
    assert (legacy[0].code, legacy[0].generation) == ("86", Generation.LEGACY)
    districts = selectors.unit_search(
        query="vinh long", generation=Generation.LEGACY, level=Level.DISTRICT
    )
    assert [u.name for u in districts][:1] == ["Thành phố Vĩnh Long"]
    assert {u.level for u in districts} == {Level.DISTRICT}


def test_search_a_commune_ranks_exact_names_first() -> None:
    found = selectors.unit_search(query="long ho")
    assert (found[0].code, found[0].name) == ("29602", "Xã Long Hồ")
    assert found[0].province is not None and found[0].province.code == "86"
    # every folded word starts a word of the name
    assert all(
        any(w.startswith("long") for w in u.name_folded.split())
        and any(w.startswith("ho") for w in u.name_folded.split())
        for u in found
    )


def test_search_phuong_1_within_a_legacy_province() -> None:
    found = selectors.unit_search(
        query="phuong 1", generation=Generation.LEGACY, province_code="86", limit=50
    )
    assert found[0].name == "Phường 1"
    assert {u.province.code for u in found if u.province} == {"86"}
    assert "Phường 1" in [u.name for u in found]


def test_search_without_query_lists_by_code_and_limits() -> None:
    provinces = selectors.unit_search(query="", level=Level.PROVINCE, limit=100)
    assert len(provinces) == 34
    assert codes(provinces)[:3] == ["01", "04", "08"]
    assert len(selectors.unit_search(query="xa", limit=500)) == selectors.MAX_LIMIT


def test_search_with_no_match() -> None:
    assert selectors.unit_search(query="zzzz khong co") == []


# --------------------------------------------------------------------------
# Units, successions, validity


def test_unit_get_and_not_found() -> None:
    unit = selectors.unit_get(generation=Generation.CURRENT, code="86")
    assert unit.name == "Tỉnh Vĩnh Long"
    with pytest.raises(NotFound):
        selectors.unit_get(generation=Generation.CURRENT, code="99999")
    with pytest.raises(NotFound):
        selectors.unit_get(generation=Generation.CURRENT, code="086")


def test_new_vinh_long_has_124_communes_and_three_predecessors() -> None:
    assert selectors.communes_of_province(code="86").count() == 124
    vinh_long = selectors.unit_get(generation=Generation.CURRENT, code="86")
    predecessors = selectors.unit_predecessors(unit=vinh_long)
    assert [(link.unit.code, link.unit.name, link.partial) for link in predecessors] == [
        ("83", "Tỉnh Bến Tre", False),
        ("84", "Tỉnh Trà Vinh", False),
        ("86", "Tỉnh Vĩnh Long", False),
    ]
    assert {link.unit.generation for link in predecessors} == {Generation.LEGACY}


def test_old_codes_stay_resolvable_to_new_units() -> None:
    ben_tre = selectors.unit_get(generation=Generation.LEGACY, code="83")
    assert [(x.unit.code, x.unit.generation) for x in selectors.unit_successors(unit=ben_tre)] == [
        ("86", Generation.CURRENT)
    ]
    assert selectors.communes_of_province(code="83", generation=Generation.LEGACY).count() > 100
    with pytest.raises(NotFound):
        selectors.communes_of_province(code="00004")


def test_a_split_commune_has_several_partial_successors() -> None:
    split = UnitSuccession.objects.filter(partial=True, old__level=Level.COMMUNE).first()
    assert split is not None
    links = selectors.unit_successors(unit=split.old)
    assert len(links) >= 2
    assert all(link.partial for link in links)
    back = selectors.unit_predecessors(unit=links[0].unit)
    assert (split.old.code, True) in [(x.unit.code, x.partial) for x in back]


def test_units_in_force_on_a_day() -> None:
    before = selectors.units_in_force_on(day=datetime.date(2025, 6, 30))
    after = selectors.units_in_force_on(day=datetime.date(2025, 7, 1))
    assert set(before.values_list("generation", flat=True).distinct()) == {Generation.LEGACY}
    assert before.count() == 63 + 696 + 10051 + 10
    assert set(after.values_list("generation", flat=True).distinct()) == {Generation.CURRENT}
    assert after.count() == 34 + 3321


def test_unmapped_selectors(real_units: ImportResult) -> None:
    assert selectors.units_without_successor().count() == 28
    assert list(selectors.units_without_predecessor().values_list("code", flat=True)) == [
        "11948",
        "19742",
        "20333",
        "21548",
        "26732",
    ]


# --------------------------------------------------------------------------
# Agencies


def test_agency_search_and_province_listing() -> None:
    place = make_province()
    assert [a.public_id for a in selectors.agency_search(query="so tu phap")] == ["99-stp"]
    assert [a.public_id for a in selectors.agency_search(query="000.00.01.H99")] == ["99-tthcc"]
    assert selectors.agency_search(query="so tu phap", province_code="86") == []
    listed = selectors.agencies_of_province(province=place.province)
    assert {a.public_id for a in listed} == {"99-ubnd", "99-tthcc", "99-stp", "99-xa-a", "99-xa-b"}


# --------------------------------------------------------------------------
# API


def test_api_search(client: Client, django_assert_max_num_queries) -> None:
    with django_assert_max_num_queries(2):
        resp = client.get("/api/v1/units/search", {"q": "vinh long"})
    assert resp.status_code == 200
    first = resp.json()[0]
    assert first == {
        "generation": "2025",
        "level": "province",
        "code": "86",
        "name": "Tỉnh Vĩnh Long",
        "division_type": "tỉnh",
        "province_code": "86",
        "valid_from": "2025-07-01",
        "valid_to": None,
    }
    resp = client.get(
        "/api/v1/units/search",
        {"q": "phường 1", "generation": "legacy", "province": "86", "level": "commune"},
    )
    assert resp.json()[0]["name"] == "Phường 1"
    assert {u["province_code"] for u in resp.json()} == {"86"}


def test_api_search_rejects_bad_filters(client: Client) -> None:
    resp = client.get("/api/v1/units/search", {"q": "x", "level": "hamlet"})
    problem(resp, status=422, code="validation_error")
    resp = client.get("/api/v1/units/search", {"province": "8"})
    problem(resp, status=422, code="validation_error")


def test_api_detail_with_predecessors(client: Client) -> None:
    resp = client.get("/api/v1/units/2025/86")
    assert resp.status_code == 200
    body = resp.json()
    assert (body["name"], body["parent"], body["province"]["code"]) == (
        "Tỉnh Vĩnh Long",
        None,
        "86",
    )
    assert [
        (p["unit"]["code"], p["unit"]["generation"], p["partial"]) for p in body["predecessors"]
    ] == [
        ("83", "legacy", False),
        ("84", "legacy", False),
        ("86", "legacy", False),
    ]
    assert body["successors"] == []


def test_api_detail_of_an_old_commune(client: Client) -> None:
    resp = client.get("/api/v1/units/legacy/00001")
    body = resp.json()
    assert body["name"] == "Phường Phúc Xá"
    assert body["parent"] == {
        "generation": "legacy",
        "level": "district",
        "code": "001",
        "name": "Quận Ba Đình",
    }
    assert body["valid_to"] == "2025-06-30"
    assert [(s["unit"]["code"], s["partial"]) for s in body["successors"]] == [("00097", False)]


def test_api_detail_not_found(client: Client) -> None:
    body = problem(client.get("/api/v1/units/2025/99999"), status=404, code="not_found")
    assert "99999" in body["detail"]
    problem(client.get("/api/v1/units/1990/86"), status=422, code="validation_error")


def test_api_agencies(client: Client) -> None:
    make_province()
    resp = client.get("/api/v1/units/agencies", {"q": "phuong tay son"})
    assert resp.status_code == 200
    assert resp.json() == [
        {
            "public_id": "99-xa-b",
            "name": "UBND Phường Tây Sơn",
            "short_name": "",
            "kind": "commune_committee",
            "e_identifier": "000.01.02.H99",
            "area": {
                "generation": "2025",
                "level": "commune",
                "code": "99002",
                "name": "Phường Tây Sơn",
            },
            "province_code": "99",
        }
    ]
    assert client.get("/api/v1/units/agencies", {"province": "86"}).json() == []


# --------------------------------------------------------------------------
# Admin


@pytest.fixture
def admin_client_vi(client: Client) -> Client:
    user = User.objects.create_superuser(username="quantri", password="mat-khau-1")
    client.force_login(user)
    return client


def test_admin_unit_search_folds_diacritics(admin_client_vi: Client) -> None:
    resp = admin_client_vi.get(
        "/admin/units/administrativeunit/", {"q": "vĩnh long", "level": "province"}
    )
    assert resp.status_code == 200
    assert "Tỉnh Vĩnh Long" in resp.content.decode()


def test_admin_unit_is_read_only(admin_client_vi: Client) -> None:
    unit = AdministrativeUnit.objects.get(generation=Generation.CURRENT, code="86")
    resp = admin_client_vi.get(f"/admin/units/administrativeunit/{unit.pk}/change/")
    assert resp.status_code == 200
    assert 'name="name"' not in resp.content.decode()
    assert admin_client_vi.get("/admin/units/administrativeunit/add/").status_code == 403


def test_admin_agency_pages(admin_client_vi: Client) -> None:
    make_province()
    assert admin_client_vi.get("/admin/units/agency/", {"q": "so tu phap"}).status_code == 200
    resp = admin_client_vi.get("/admin/units/agency/add/")
    assert resp.status_code == 200
    assert "Mã định danh điện tử" in resp.content.decode()
    resp = admin_client_vi.get(
        "/admin/autocomplete/",
        {"term": "vinh long", "app_label": "units", "model_name": "agency", "field_name": "area"},
    )
    assert resp.status_code == 200
    assert any(r["text"] == "Tỉnh Vĩnh Long" for r in resp.json()["results"])
    assert (
        admin_client_vi.get("/admin/units/unitsuccession/", {"q": "vinh long"}).status_code == 200
    )
