"""Journeys that guide and survive, on a 360×740 phone (Playwright,
Chromium), each page checked with axe (violations and the "needs review"
items that are real defects): registration in the middle of filing returns
to the draft; prefilled fields say so; the error summary's links focus
their field; an instant check stays beside its field; the commune picker;
password recovery through the SMTP sandbox."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.accounts.models import User
from motcua.dossiers.models import DossierDraft
from motcua.integrations.smtp.testing import link_in
from motcua.portal.tests.test_guiding_form import REQUESTER, _use_schema
from motcua.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, login: str = "086190000123", password: str = PASSWORD) -> None:
    page.get_by_label("Số định danh cá nhân hoặc tên đăng nhập").fill(login)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()


def _open_draft(page: Any, procedure: Any, schema: dict[str, Any] | None = None) -> None:
    """Sign in from the draft's login prompt and land on its first step."""
    if schema is not None:
        _use_schema(procedure, schema)
    page.goto(f"/nop-ho-so/{procedure.public_id}/")
    _login(page)
    page.wait_for_url(f"**/nop-ho-so/{procedure.public_id}/")


def test_the_axe_gate_fails_on_a_broken_aria_reference(page, axe):
    page.goto("/")
    assert axe(page) == []
    page.set_content(
        '<html lang="vi"><head><title>t</title></head><body><main>'
        '<label for="x">Số</label><input id="x" aria-describedby="khong-co">'
        "</main></body></html>"
    )
    found = {item["id"] for item in axe(page)}
    assert "broken-idref" in found


def test_registration_mid_filing_returns_to_the_draft(page, axe, personas, portal_procedure):
    draft = f"/nop-ho-so/{portal_procedure.public_id}/"
    page.goto(draft)
    page.wait_for_url("**/dang-nhap/**")
    assert axe(page) == []
    page.get_by_role("link", name="Đăng ký tài khoản").last.click()
    page.wait_for_url("**/dang-ky/?next=**")
    assert axe(page) == []
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh cá nhân (12 số) hoặc mã số thuế").fill("086195001122")
    page.get_by_label("Thư điện tử (không bắt buộc)").fill("hoa@example.vn")
    page.locator("#id_password").fill("Song-Tien-2026")
    page.locator("#id_password2").fill("Song-Tien-2026")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url(f"**{draft}")
    expect(page.get_by_role("heading", name="Bước 1/4: Tờ khai")).to_be_visible()
    # The new account's name is already in the form, and the page says where from.
    assert page.locator("#f-ho_ten").input_value() == "Nguyễn Thị Hoa"
    assert page.locator("#f-ho_ten-prefill").inner_text().startswith("Lấy từ tài khoản của bạn")
    assert axe(page) == []
    assert User.objects.filter(username="086195001122").exists()


def test_error_summary_links_focus_the_field(page, axe, csp_errors, personas, portal_procedure):
    _open_draft(page, portal_procedure)
    expect(page.locator("#f-ho_ten-prefill")).to_be_visible()
    page.get_by_role("button", name="Tiếp tục").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    # errors.js (deferred) moves the focus to the summary.
    page.locator("[data-error-summary]:focus").wait_for()
    assert axe(page) == []
    summary.get_by_role("link", name="Vui lòng nhập ngày sinh.").click()
    assert page.evaluate("document.activeElement.id") == "f-ngay_sinh"
    assert page.locator("#f-ngay_sinh-error").inner_text().endswith("Vui lòng nhập ngày sinh.")
    assert page.locator("#f-ngay_sinh").get_attribute("aria-invalid") == "true"
    assert csp_errors == []


def test_instant_id_check_stays_beside_the_field_until_fixed(
    page, axe, csp_errors, personas, portal_procedure
):
    _open_draft(page, portal_procedure, REQUESTER)
    field = page.locator("#f-me-so_dinh_danh")
    field.fill("12345")
    field.press("Tab")
    slot = page.locator("#f-me-so_dinh_danh-error")
    slot.get_by_text("phải gồm đúng 12 chữ số").wait_for()
    page.locator("#f-me-so_dinh_danh[aria-invalid='true']").wait_for()
    assert page.locator(".has-error #f-me-so_dinh_danh").count() == 1
    # The next field saves: the message stays where it is.
    page.locator("#f-me-ho_ten").fill("Trần Thị Bình")
    page.locator("#f-me-ho_ten").press("Tab")
    page.get_by_text("Đã lưu lúc").wait_for()
    page.locator("#trang-thai-luu").get_by_text("chưa đúng").wait_for(state="detached")
    assert "phải gồm đúng 12 chữ số" in slot.inner_text()
    assert axe(page) == []
    field.fill("086190000456")
    field.press("Tab")
    # (Locators, not wait_for_function: the CSP forbids evaluating strings.)
    page.locator("#f-me-so_dinh_danh-error:empty").wait_for(state="attached")
    page.locator("#f-me-so_dinh_danh:not([aria-invalid])").wait_for(state="attached")
    assert not page.locator(".has-error").count()
    assert csp_errors == []


def test_commune_picker(page, axe, csp_errors, personas, portal_procedure):
    _open_draft(page, portal_procedure, REQUESTER)
    commune = page.get_by_label("Xã, phường, đặc khu")
    commune.press_sequentially("tay son")
    choice = page.get_by_role("button", name="Phường Tây Sơn, Tỉnh Thử Nghiệm")
    choice.wait_for()
    assert axe(page) == []
    choice.click()
    assert commune.input_value() == "99002"
    chosen = page.locator("#f-nguoi_yeu_cau-noi_cu_tru-commune_code-chosen")
    assert chosen.inner_text() == "Đã chọn: Phường Tây Sơn, Tỉnh Thử Nghiệm"
    page.get_by_text("Đã lưu lúc").wait_for()
    saved = DossierDraft.objects.get().form_data["nguoi_yeu_cau"]["noi_cu_tru"]
    assert saved["commune_code"] == "99002"
    assert axe(page) == []
    assert csp_errors == []


def test_password_recovery_by_email(page, axe, personas, smtp_sandbox):
    User.objects.filter(pk=personas.citizen.pk).update(email="an@example.vn")
    page.goto("/dang-nhap/")
    page.get_by_role("link", name="Quên mật khẩu?").click()
    assert axe(page) == []
    page.get_by_label("Thư điện tử đã khai khi đăng ký").fill("an@example.vn")
    page.get_by_role("button", name="Gửi đường dẫn đặt lại mật khẩu").click()
    page.get_by_role("heading", name="Hãy kiểm tra thư điện tử").wait_for()
    assert axe(page) == []
    [message] = smtp_sandbox.store.messages()
    page.goto(link_in(message.body))
    page.get_by_role("heading", name="Đặt mật khẩu mới").wait_for()
    assert axe(page) == []
    page.locator("#id_new_password1").fill("Cau-Rach-Mieu-2026")
    page.locator("#id_new_password2").fill("Cau-Rach-Mieu-2026")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.get_by_role("heading", name="Đã đặt mật khẩu mới").wait_for()
    assert axe(page) == []
    page.get_by_role("link", name="Đăng nhập").last.click()
    _login(page, password="Cau-Rach-Mieu-2026")
    page.wait_for_url("**/tai-khoan/")
    expect(page.get_by_role("heading", name="Thông tin liên hệ")).to_be_visible()
    assert axe(page) == []
