"""Citizen journeys on a 360×740 phone (Playwright, Chromium): filing a
dossier with autosave and checked uploads, resuming on another device,
answering a supplementation request, downloading the result and public
tracking. Every new page is checked with axe (WCAG 2.1 AA)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.documents.tests.factories import png_bytes
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDraft
from motcua.dossiers.states import State
from motcua.portal.tests.helpers import (
    accepted_and_asked,
    components,
    decided_with_result,
    filed,
    upload_result,
)
from motcua.testing import PASSWORD, new_browser_context

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, username: str = "congdan") -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def _weight(page: Any, url: str) -> int:
    """Bytes of every response body of a first load of ``url`` (HTML,
    stylesheets, scripts; redirects count as empty)."""
    responses: list[Any] = []

    def seen(response: Any) -> None:
        responses.append(response)

    page.on("response", seen)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", seen)
    total = 0
    for response in responses:
        if 300 <= response.status < 400:
            continue
        total += len(response.body())
    assert len(responses) >= 2  # the page and its stylesheets at least
    return total


def test_citizen_files_a_dossier_on_a_phone(
    page, axe, csp_errors, personas, portal_procedure, tmp_path, record_property
):
    started = time.monotonic()
    weight = _weight(page, "/nop-ho-so/")
    record_property("first_page_bytes", weight)
    assert weight < 200_000, weight
    assert axe(page) == []
    page.get_by_label("Tìm cơ quan (gõ có dấu hoặc không dấu)").fill("dong hoa")
    page.get_by_role("button", name="Tìm").click()
    page.get_by_role("link", name="UBND Xã Đông Hòa").click()
    assert axe(page) == []
    page.get_by_role("link", name="Cấp bản sao trích lục hộ tịch").click()
    # Login keeps where the citizen was going.
    page.wait_for_url("**/dang-nhap/**")
    _login(page)
    page.wait_for_url(f"**/nop-ho-so/{portal_procedure.public_id}/")
    expect(page.get_by_role("heading", name="Bước 1/4: Tờ khai")).to_be_visible()
    # The e-form step, htmx included, is light too (a fresh load of it).
    form_weight = _weight(page, f"/nop-ho-so/{portal_procedure.public_id}/")
    record_property("form_step_bytes", form_weight)
    assert form_weight < 200_000, form_weight
    assert axe(page) == []

    page.get_by_label("Họ và tên người yêu cầu").fill("Nguyễn Văn Anh")
    page.keyboard.press("Tab")
    page.locator("#trang-thai-luu").get_by_text("Đã lưu lúc").wait_for()
    # Offline, the autosave says so (portal.js, no inline handler under the CSP).
    page.context.set_offline(True)
    page.get_by_label("Ngày sinh").fill("1990-05-16")
    page.keyboard.press("Tab")
    page.locator("#trang-thai-luu").get_by_text("Mất kết nối").wait_for()
    page.context.set_offline(False)
    page.get_by_label("Ngày sinh").fill("1990-05-17")
    page.get_by_label("Số bản sao").fill("2")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=giay-to")
    assert axe(page) == []

    first, _second = components(portal_procedure)
    empty = tmp_path / "trong.jpg"
    empty.write_bytes(b"")
    page.locator(f"#tep-{first.pk}").set_input_files(str(empty))
    refusal = page.locator(f"#thanh-phan-{first.pk} [role=alert]")
    refusal.wait_for()
    assert "rỗng" in refusal.inner_text()
    assert axe(page) == []
    photo = tmp_path / "can-cuoc.png"
    photo.write_bytes(png_bytes((400, 250)))
    page.locator(f"#tep-{first.pk}").set_input_files(str(photo))
    thumb = page.get_by_role("img", name="Ảnh thu nhỏ của can-cuoc.png")
    thumb.wait_for()
    # The thumbnail really loads (visible first, decoded a moment later).
    page.wait_for_function(
        "(img) => img.complete && img.naturalWidth > 0", arg=thumb.element_handle()
    )
    assert page.evaluate("(img) => img.naturalWidth", thumb.element_handle()) > 0
    assert "can-cuoc.png" in page.locator(f"#thanh-phan-{first.pk}").inner_text()
    assert axe(page) == []
    page.get_by_role("button", name="Tiếp tục").click()

    page.wait_for_url("**?buoc=nhan-ket-qua")
    assert axe(page) == []
    page.get_by_label("Nhận qua dịch vụ bưu chính").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=xem-lai")
    assert axe(page) == []
    assert "Nguyễn Văn Anh" in page.content()
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-ho-so/da-nop/**")
    assert axe(page) == []
    dossier = Dossier.objects.get()
    assert dossier.code in page.locator(".big-code").inner_text()
    assert dossier.result_delivery == "post"
    assert dossier.documents.get().file.name == "can-cuoc.png"
    assert time.monotonic() - started < 120  # well under 10 minutes

    # The tracking link of the confirmation works without logging in.
    page.get_by_role("link", name="Liên kết tra cứu tiến độ").click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {dossier.code}")).to_be_visible()
    assert axe(page) == []
    # Every page of the journey ran under the CSP (no 'unsafe-inline') without a violation.
    assert "unsafe-inline" not in page.evaluate(
        "async () => (await fetch(location.href)).headers.get('content-security-policy')"
    )
    assert csp_errors == []


def test_autosaved_field_is_there_on_another_device(
    browser, live_server, page, axe, personas, portal_procedure
):
    page.goto(f"/nop-ho-so/{portal_procedure.public_id}/")
    _login(page)
    # Type only once htmx has wired the autosave (deferred scripts, then "load").
    page.wait_for_url(f"**/nop-ho-so/{portal_procedure.public_id}/")
    page.wait_for_load_state("load")
    page.get_by_label("Họ và tên người yêu cầu").fill("Lê Thị Cúc")
    page.keyboard.press("Tab")
    page.locator("#trang-thai-luu").get_by_text("Đã lưu lúc").wait_for()
    page.context.close()  # the phone's browser is closed

    other = new_browser_context(browser, live_server.url, width=360, height=740)
    try:
        tablet = other.new_page()
        tablet.goto("/ho-so-cua-toi/")
        _login(tablet)
        tablet.wait_for_url("**/ho-so-cua-toi/")
        assert axe(tablet) == []
        tablet.get_by_role("link", name="Cấp bản sao trích lục hộ tịch").click()
        assert tablet.get_by_label("Họ và tên người yêu cầu").input_value() == "Lê Thị Cúc"
    finally:
        other.close()
    assert DossierDraft.objects.get().form_data["ho_ten"] == "Lê Thị Cúc"


def test_supplementation_round_trip_and_result_download(
    page, axe, personas, portal_procedure, tmp_path: Path
):
    p = personas
    photo = components(portal_procedure)[1]
    d = accepted_and_asked(
        filed(p.citizen, portal_procedure), p.officer, component=photo, text="Ảnh bị mờ"
    )
    page.goto("/ho-so-cua-toi/")
    _login(page)
    page.wait_for_url("**/ho-so-cua-toi/")
    assert axe(page) == []
    page.get_by_role("link", name="Cần bổ sung").click()
    assert axe(page) == []
    assert "Ảnh bị mờ" in page.content()
    fixed = tmp_path / "anh-ro.png"
    fixed.write_bytes(png_bytes())
    page.get_by_label("Tải lên giấy tờ đã sửa").set_input_files(str(fixed))
    page.get_by_role("button", name="Gửi phần bổ sung").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{d.code}/")
    assert axe(page) == []
    d.refresh_from_db()
    assert d.state == State.PROCESSING
    timeline = page.locator(".timeline").inner_text()
    assert "Bổ sung hồ sơ" in timeline and "Yêu cầu bổ sung hồ sơ" in timeline
    for staff in (p.officer, p.specialist, p.leader):
        assert staff.full_name not in timeline

    # The holders finish; the citizen downloads the result.
    d = services.dossier_forward(dossier=d, actor=p.officer, expected_version=d.version)
    d = services.dossier_forward(dossier=d, actor=p.specialist, expected_version=d.version)
    services.dossier_decide(
        dossier=d, actor=p.leader, expected_version=d.version, result=[upload_result(p.leader)]
    )
    page.goto("/ho-so-cua-toi/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Đã có kết quả — tải về").click()
    download = info.value
    assert download.suggested_filename == "ket-qua.pdf"
    assert Path(download.path()).read_bytes().startswith(b"%PDF")


def test_tracking_by_code_and_last_digits(page, axe, personas, portal_procedure):
    p = personas
    d = decided_with_result(filed(p.citizen, portal_procedure), p.officer, p.specialist, p.leader)
    page.goto("/tra-cuu/")
    assert axe(page) == []
    page.get_by_label("Mã hồ sơ").fill(d.code)
    page.get_by_label("4 số cuối của số định danh cá nhân (hoặc mã số thuế)").fill("9999")
    page.get_by_role("button", name="Tra cứu").click()
    assert "Không tìm thấy hồ sơ" in page.get_by_role("alert").inner_text()
    assert axe(page) == []
    page.get_by_label("Mã hồ sơ").fill(d.code)
    page.get_by_label("4 số cuối của số định danh cá nhân (hoặc mã số thuế)").fill("0123")
    page.get_by_role("button", name="Tra cứu").click()
    expect(page.get_by_role("heading", name=f"Hồ sơ {d.code}")).to_be_visible()
    body = page.content()
    assert "Đã có kết quả" in body and "Chuyên viên thẩm định" in body
    assert "Nguyễn Văn An" not in body and "086190000123" not in body
    assert axe(page) == []
