"""The leader's and the inspector's dashboards and the public page in a real
Chromium at phone (375 px) and desktop (1280 px) width, with axe-core
(WCAG 2.1 AA) on each, and every chart shown with its data table."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from motcua.accounts.models import Applicant, User
from motcua.dossiers.tests.factories import local, make_procedure
from motcua.scorecards.tests.journeys import PLANS, START, walk
from motcua.testing import PASSWORD, Personas, make_personas, new_browser_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MONTH = "2026-03"


def _fill() -> Personas:
    """Varied lives in March 2026 (the scorecard's period) and in the last
    two months (the home dashboard's trend and live figures)."""
    personas = make_personas()
    procedure = make_procedure(personas.place.agency_a)
    applicant = Applicant.objects.get(user=personas.citizen)
    for i, plan in enumerate(("on_time", "late", "withdrawn", "supplemented", "open")):
        walk(
            personas,
            procedure,
            applicant,
            start=START + datetime.timedelta(days=i),
            plan=PLANS[plan],
        )
    today = timezone.localdate()
    for back, plan in ((50, "on_time"), (40, "late"), (30, "apologised"), (6, "open")):
        day = today - datetime.timedelta(days=back)
        walk(
            personas,
            procedure,
            applicant,
            start=local(day.year, day.month, day.day, 8),
            plan=PLANS[plan],
        )
    return personas


def _page(browser: Any, live_server: Any, width: int) -> Any:
    return new_browser_context(browser, live_server.url, width=width, height=800).new_page()


def _sign_in(page: Any, user: User, then: str) -> None:
    page.goto(f"/dang-nhap/?next={then}")
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{then}")


def _charts_have_tables(page: Any, expected: int) -> None:
    """Every chart sits in a figure that also holds its data table."""
    charts = page.locator("svg.chart[role='img']")
    expect(charts).to_have_count(expected)
    for i in range(expected):
        figure = charts.nth(i).locator("xpath=ancestor::figure[1]")
        expect(figure.locator("table caption")).to_have_count(1)
        expect(figure.locator("table tbody tr").first).to_be_visible()


_TOO_WIDE = """() => [...document.querySelectorAll("body *")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1
          && !(e.parentElement && e.parentElement.closest(".table-scroll")))
  .slice(0, 8)
  .map(e => e.tagName + "." + e.className + " " + Math.round(e.getBoundingClientRect().right))"""


def _no_page_overflow(page: Any) -> None:
    """Nothing wider than the screen but the scrolling table regions."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(_TOO_WIDE) if width > page.viewport_size["width"] else []
    assert width <= page.viewport_size["width"], wide


@pytest.mark.parametrize("width", [375, 1280])
def test_leader_dashboard_and_scorecard(
    browser: Any, live_server: Any, axe: Any, width: int
) -> None:
    personas = _fill()
    page = _page(browser, live_server, width)
    try:
        _sign_in(page, personas.leader, "/can-bo/")
        expect(page.get_by_role("heading", name="Xu hướng sáu tháng")).to_be_visible()
        expect(page.locator(".figures li").first).to_contain_text("hồ sơ đang giữ")
        _charts_have_tables(page, 3)
        _no_page_overflow(page)
        assert axe(page) == []

        page.get_by_role("link", name="Xem chi tiết chỉ số phục vụ").click()
        page.wait_for_url("**/can-bo/chi-so/**")
        page.get_by_role("textbox", name="Kỳ báo cáo").fill(MONTH)
        page.get_by_role("button", name="Xem").click()
        page.wait_for_url(f"**ky={MONTH}**")
        expect(
            page.get_by_role("heading", name="Tiến độ giải quyết — Tháng 3/2026")
        ).to_be_visible()
        # The index with each indicator's formula, numerator and denominator.
        group = page.locator("table.index-group").first
        expect(group.locator("thead")).to_contain_text("Cách tính")
        expect(group.locator("thead")).to_contain_text("Tử số")
        expect(page.get_by_text("cách tính tạm").first).to_be_visible()
        _charts_have_tables(page, 1)
        _no_page_overflow(page)
        assert axe(page) == []

        # A figure leads to the dossiers behind it.
        page.get_by_role("link", name="xem danh sách: Hồ sơ đã giải quyết").click()
        page.wait_for_url("**/can-bo/chi-so/ho-so/**")
        expect(page.locator("tbody a").first).to_be_visible()
        assert axe(page) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_inspector_province_scorecard_and_ranking(
    browser: Any, live_server: Any, axe: Any, width: int
) -> None:
    personas = _fill()
    page = _page(browser, live_server, width)
    try:
        _sign_in(page, personas.inspector, "/can-bo/")
        expect(page.get_by_role("heading", name="Số liệu toàn tỉnh", exact=False)).to_be_visible()
        _charts_have_tables(page, 3)
        _no_page_overflow(page)
        assert axe(page) == []

        page.goto(f"/can-bo/chi-so/?ky={MONTH}")
        expect(page.get_by_role("heading", level=1)).to_contain_text("Toàn tỉnh")
        expect(page.locator("table.index-group").first).to_be_visible()
        _charts_have_tables(page, 1)
        _no_page_overflow(page)
        assert axe(page) == []

        page.get_by_role("link", name="Xếp hạng các đơn vị").first.click()
        page.wait_for_url("**/can-bo/chi-so/xep-hang/**")
        ranking = page.locator("table.ranking")
        expect(ranking.locator("tbody tr").first).to_be_visible()
        expect(ranking).to_contain_text(personas.place.agency_a.name)
        _no_page_overflow(page)
        assert axe(page) == []

        # A bad period: said aloud, never an error page.
        page.goto("/can-bo/chi-so/xep-hang/?tu=2026-03-31&den=2026-03-01")
        expect(page.get_by_role("alert")).to_contain_text("Lỗi")
        assert axe(page) == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [375, 1280])
def test_public_page(browser: Any, live_server: Any, axe: Any, width: int, settings: Any) -> None:
    settings.PROVINCE_CODE = "99"
    personas = _fill()
    page = _page(browser, live_server, width)
    try:
        page.goto(f"/chi-so-phuc-vu/?ky={MONTH}")
        expect(page.get_by_role("heading", name="Xếp hạng các đơn vị")).to_be_visible()
        expect(page.locator("table.ranking")).to_contain_text(personas.place.agency_a.name)
        expect(page.get_by_role("link", name="Tải tệp CSV")).to_be_visible()
        _charts_have_tables(page, 1)
        _no_page_overflow(page)
        assert axe(page) == []
    finally:
        page.context.close()
