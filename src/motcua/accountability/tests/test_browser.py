"""The inspector's accountability pages in a real Chromium at phone (375 px)
and desktop (1280 px) width, with axe-core (WCAG 2.1 AA) on each."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.accountability.tests.conftest import build_world
from motcua.testing import PASSWORD, make_personas, new_browser_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [375, 1280])
def test_inspector_accountability_pages(
    browser: Any, live_server: Any, axe: Any, width: int
) -> None:
    build_world(make_personas(), count=60)
    context = new_browser_context(browser, live_server.url, width=width, height=800)
    page = context.new_page()
    try:
        page.goto("/dang-nhap/?next=/can-bo/trach-nhiem/")
        page.get_by_label("Tên đăng nhập").fill("thanhtra")
        page.get_by_label("Mật khẩu").fill(PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/can-bo/trach-nhiem/")
        expect(page.get_by_role("heading", name="Trách nhiệm giải trình")).to_be_visible()
        assert axe(page) == []
        page.get_by_role("link", name="Hồ sơ đang giữ").click()
        expect(page.get_by_role("heading", name="Hồ sơ đang giữ")).to_be_visible()
        expect(page.locator("tbody tr").first).to_be_visible()
        assert axe(page) == []
        for path in (
            "/can-bo/trach-nhiem/chuyen-qua-lai/?tu=2026-02-01&den=2026-03-31&tren=0",
            "/can-bo/trach-nhiem/thong-ke/?tu=2026-02-01&den=2026-03-31",
            "/can-bo/trach-nhiem/ty-le-can-bo/?tu=2026-02-01&den=2026-03-31",
        ):
            page.goto(path)
            expect(page.locator("tbody tr").first).to_be_visible()
            assert axe(page) == []
        # A bad period: the message, said aloud, never an error page.
        page.goto("/can-bo/trach-nhiem/thong-ke/?tu=2026-03-31&den=2026-03-01")
        expect(page.get_by_role("alert")).to_contain_text("đứng trước ngày bắt đầu")
        assert axe(page) == []
        # Each list leads to the dossier and its timeline.
        page.goto("/can-bo/trach-nhiem/chuyen-qua-lai/?tu=2026-02-01&den=2026-03-31&tren=0")
        page.locator("tbody a").first.click()
        page.wait_for_url("**/can-bo/ho-so/*/")
    finally:
        context.close()
