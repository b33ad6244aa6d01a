from __future__ import annotations

import pytest

from motcua.catalog.models import StandardSetLevel, WorkflowTemplate
from motcua.catalog.services import (
    eforms_seed,
    standard_set_create,
    standard_set_item_add,
    standard_set_publish,
    workflow_templates_seed,
)
from motcua.testing import assert_problem

from .conftest import current_version

pytestmark = pytest.mark.django_db
BASE = "/api/v1/catalog"


def test_search(catalog, client):
    body = client.get(f"{BASE}/procedures", {"q": "dang ky khai sinh"}).json()
    codes = [p["code"] for p in body["items"]]
    assert "1.001193" in codes and body["count"] == len(codes)
    first = next(p for p in body["items"] if p["code"] == "1.001193")
    assert first == {
        "code": "1.001193",
        "version": 1,
        "name": "Thủ tục đăng ký khai sinh",
        "short_name": "Đăng ký khai sinh",
        "field": "Hộ tịch",
        "level": "commune",
        "levels": ["commune"],
        "online_level": "full",
    }
    body = client.get(f"{BASE}/procedures", {"level": "province", "online": "full"}).json()
    assert "3.000333" in [p["code"] for p in body["items"]]
    assert client.get(f"{BASE}/procedures", {"limit": 5}).json()["count"] == 46
    assert len(client.get(f"{BASE}/procedures", {"limit": 5}).json()["items"]) == 5
    assert_problem(
        client.get(f"{BASE}/procedures", {"level": "moon"}), status=422, code="validation_error"
    )


def test_detail(catalog, client):
    eforms_seed(actor=None)
    body = client.get(f"{BASE}/procedures/1.001193").json()
    assert body["announced_by"] == "Quyết định 163/QĐ-BTP"
    assert len(body["documents"]) == 7
    assert {f["amount_vnd"] for f in body["fees"]} == {0, 8000}
    assert body["processing_times"][0]["days"] in (1, "1", "1.00")
    assert body["eform"]["title"] == "Tờ khai đăng ký khai sinh"
    calendar = client.get(f"{BASE}/procedures/3.000333").json()
    assert {t["unit"] for t in calendar["processing_times"]} == {"calendar_days"}
    problem = assert_problem(
        client.get(f"{BASE}/procedures/9.999999"), status=404, code="not_found"
    )
    assert "9.999999" in problem["detail"]


def test_estimate(catalog, client, province):
    body = client.get(
        f"{BASE}/procedures/1.004873/estimate", {"at": "2026-02-13T14:30:00+07:00"}
    ).json()
    assert body["expected_at"].startswith("2026-02-25")
    unknown = client.get(f"{BASE}/procedures/1.001776/estimate").json()
    assert unknown["expected_at"] is None
    assert_problem(
        client.get(f"{BASE}/procedures/1.004873/estimate", {"agency": province.agency_a.public_id}),
        status=404,
        code="not_found",
    )
    assert_problem(
        client.get(f"{BASE}/procedures/1.004873/estimate", {"agency": "khong-co"}),
        status=404,
        code="not_found",
    )


def test_agency_procedures_and_configured_estimate(catalog, client, province):
    workflow_templates_seed(actor=None)
    eforms_seed(actor=None)
    one_step = WorkflowTemplate.objects.get(key="mot-buoc-cap-xa").versions.get()
    standard_set = standard_set_create(
        actor=None, name="Xã", level=StandardSetLevel.COMMUNE, province=province.province
    )
    for code in ("1.001193", "1.004873"):
        standard_set_item_add(
            actor=None,
            standard_set=standard_set,
            procedure_version=current_version(code),
            workflow=one_step,
        )
    standard_set_publish(actor=None, standard_set=standard_set)
    body = client.get(f"{BASE}/agencies/{province.agency_a.public_id}/procedures").json()
    assert [c["code"] for c in body] == ["1.001193", "1.004873"]
    birth = body[0]
    assert birth["configuration_version"] == 1 and birth["has_eform"] is True
    assert birth["workflow"] == "mot-buoc-cap-xa v1"
    assert birth["channels"] == ["in_person", "online", "post"]
    est = client.get(
        f"{BASE}/procedures/1.004873/estimate",
        {"agency": province.agency_a.public_id, "at": "2026-02-13T14:30:00+07:00"},
    ).json()
    assert est["agency"] == province.agency_a.public_id
    assert est["expected_at"].startswith("2026-02-25")
    assert_problem(client.get(f"{BASE}/agencies/khong-co/procedures"), status=404, code="not_found")


def test_list_endpoints_use_constant_queries(
    catalog, client, province, django_assert_max_num_queries
):
    workflow_templates_seed(actor=None)
    standard_set = standard_set_create(
        actor=None, name="Xã", level=StandardSetLevel.COMMUNE, province=province.province
    )
    for code in ("1.001193", "1.004873", "1.000656", "1.001612", "1.004194"):
        standard_set_item_add(
            actor=None, standard_set=standard_set, procedure_version=current_version(code)
        )
    standard_set_publish(actor=None, standard_set=standard_set)
    with django_assert_max_num_queries(3):
        body = client.get(f"{BASE}/agencies/{province.agency_a.public_id}/procedures").json()
    assert len(body) == 5
    with django_assert_max_num_queries(2):
        assert client.get(f"{BASE}/procedures").json()["count"] == 46
