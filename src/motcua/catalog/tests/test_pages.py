from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from motcua.catalog.models import TimeUnit
from motcua.catalog.selectors import estimate_result, procedure_find
from motcua.catalog.services import configured_procedure_configure
from motcua.catalog.views import format_moment, procedure_page

from .conftest import current_version

pytestmark = pytest.mark.django_db
HCM = ZoneInfo("Asia/Ho_Chi_Minh")
FRIDAY_BEFORE_TET = datetime.datetime(2026, 2, 13, 14, 30, tzinfo=HCM)


def codes(**filters: str) -> list[str]:
    return [v.procedure.code for v in procedure_find(**filters).results]  # type: ignore[arg-type]


@pytest.mark.parametrize("q", ["khai sinh", "dang ky khai sinh", "ĐĂNG KÝ KHAI SINH", "1.001193"])
def test_search_with_and_without_diacritics(catalog, q):
    assert "1.001193" in codes(q=q)


def test_search_filters(catalog, province):
    assert codes(q="khai sinh", level="province") == ["2.000635"]  # also at province level
    assert set(codes(q="khai sinh")) == {"1.001193", "2.000528", "1.004884", "2.000635"}
    assert codes(field="Lý lịch tư pháp") == ["3.000333"]
    assert "2.000635" in codes(level="province")  # other level
    assert set(codes(online="none")) >= {"2.000815", "2.000884", "1.012812"}
    assert codes(agency=province.agency_a) == []
    version = current_version("1.004873")
    configured_procedure_configure(actor=None, agency=province.agency_a, procedure_version=version)
    assert codes(agency=province.agency_a) == ["1.004873"]


def test_list_page(catalog, client):
    page = client.get("/thu-tuc/", {"q": "dang ky khai sinh"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'href="/thu-tuc/1.001193/"' in html and "Đăng ký khai sinh" in html
    assert '<label for="q">' in html and '<label for="linh-vuc">' in html
    partial = client.get("/thu-tuc/", {"q": "khai tu"}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert "1.000656" in partial.content.decode()
    empty = client.get("/thu-tuc/", {"q": "zzzz"})
    assert "Không tìm thấy thủ tục phù hợp" in empty.content.decode()


def test_estimate_lands_after_tet():
    due = estimate_result(days=Decimal(3), unit=TimeUnit.WORKING_DAYS, now=FRIDAY_BEFORE_TET)
    assert due is not None
    local = due.astimezone(HCM)
    # Tết Bính Ngọ: offices closed Mon 16 – Fri 20 Feb 2026
    assert local.date() > datetime.date(2026, 2, 22)
    assert local.date() == datetime.date(2026, 2, 25)
    assert estimate_result(days=None, unit=TimeUnit.WORKING_DAYS, now=FRIDAY_BEFORE_TET) is None
    calendar = estimate_result(days=Decimal(10), unit=TimeUnit.CALENDAR_DAYS, now=FRIDAY_BEFORE_TET)
    assert calendar is not None and calendar.astimezone(HCM).date() == datetime.date(2026, 2, 23)


def test_procedure_page_shows_expected_date(catalog):
    request = RequestFactory().get("/thu-tuc/1.004873/")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = procedure_page(request, "1.004873", now=FRIDAY_BEFORE_TET)
    html = response.content.decode()
    due = estimate_result(days=Decimal(3), unit=TimeUnit.WORKING_DAYS, now=FRIDAY_BEFORE_TET)
    assert due is not None
    assert "Nếu nộp hồ sơ bây giờ, dự kiến có kết quả vào <strong><time datetime=" in html
    assert format_moment(due) in html
    assert "25/02/2026" in html and "thứ Tư" in html


def test_procedure_page_content(catalog, client):
    page = client.get("/thu-tuc/1.001193/")
    assert page.status_code == 200
    html = page.content.decode()
    for fragment in (
        "Tờ khai đăng ký khai sinh",
        "8.000 đồng",
        "Miễn phí",
        "Luật Hộ tịch 2014 (60/2014/QH13)",
        "Quyết định 163/QĐ-BTP",
        "1 ngày làm việc",
        "Thông tư 04/2020/TT-BTP",
    ):
        assert fragment in html, fragment
    unknown = client.get("/thu-tuc/1.001776/").content.decode()
    assert "Chưa có thông tin thời hạn giải quyết" in unknown
    hdnd = client.get("/thu-tuc/2.000806/").content.decode()
    assert "Theo quy định của HĐND tỉnh" in hdnd
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_eform_page_validates_on_the_server(catalog, client, province):
    from motcua.catalog.services import eforms_seed

    eforms_seed(actor=None)
    assert "/thu-tuc/1.001193/bieu-mau/" in client.get("/thu-tuc/1.001193/").content.decode()
    page = client.get("/thu-tuc/1.001193/bieu-mau/")
    assert page.status_code == 200
    assert '<label for="f-tre-ho_ten">' in page.content.decode()
    bad = client.post("/thu-tuc/1.001193/bieu-mau/", {"tre.ngay_sinh": "hôm qua"})
    assert bad.status_code == 422
    html = bad.content.decode()
    assert 'role="alert"' in html and "Vui lòng nhập họ, chữ đệm, tên." in html
    assert client.get("/thu-tuc/1.000656/bieu-mau/").status_code == 404
