"""Search that understands people and the printable receipt, on a 360 px
phone (Playwright, Chromium), every page checked with axe."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.dossiers import services
from motcua.portal.tests.helpers import filed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_citizen_searches_as_they_speak_and_prints_the_receipt(
    page: Any, axe: Any, personas: Any, portal_procedure: Any, settings: Any
) -> None:
    from motcua.catalog.services import catalog_import
    from motcua.catalog.tests.conftest import load_sample
    from motcua.testing import PASSWORD

    catalog_import(actor=None, payload=load_sample())
    call_command("load_synonyms", stdout=io.StringIO())
    settings.PROVINCE_CODE = personas.place.province.code

    page.goto("/thu-tuc/")
    page.get_by_label("Tên hoặc mã thủ tục").fill("làm giấy khai sinh")
    page.get_by_role("button", name="Tìm kiếm").click()
    first = page.locator(".procedure-list li a").first
    assert first.inner_text() == "Đăng ký khai sinh"
    assert axe(page) == []

    page.goto("/thu-tuc/?q=qwzx")
    expect(page.get_by_role("heading", name="Không tìm thấy thủ tục phù hợp")).to_be_visible()
    page.get_by_role("link", name="khai sinh").click()
    assert page.locator(".procedure-list li").count() >= 1
    assert axe(page) == []

    page.goto("/nop-ho-so/")
    page.get_by_label("Tìm cơ quan (gõ có dấu hoặc không dấu)").fill("UBND xã Đông Hòa")
    page.get_by_role("button", name="Tìm").click()
    expect(page.get_by_role("link", name="UBND Xã Đông Hòa")).to_be_visible()
    assert axe(page) == []

    d = filed(personas.citizen, portal_procedure)
    services.dossier_accept(dossier=d, actor=personas.officer, expected_version=d.version)
    page.goto(f"/ho-so-cua-toi/{d.code}/")
    page.get_by_label("Tên đăng nhập").fill("congdan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{d.code}/")
    assert axe(page) == []
    link = page.get_by_role("link", name="In / lưu giấy tiếp nhận (PDF)")
    href = link.get_attribute("href")
    receipt = page.request.get(href)
    assert receipt.status == 200 and receipt.headers["content-type"] == "application/pdf"
    assert receipt.body().startswith(b"%PDF")
