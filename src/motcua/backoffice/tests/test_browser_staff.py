"""Journeys in a real Chromium: a staff member signs in, sees their unit
and its staff, and gets "not found" for another unit."""

import pytest
from playwright.sync_api import expect

from motcua.testing import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_in_and_sees_only_own_unit(page, axe):
    personas = make_personas()
    page.goto("/")
    assert axe(page) == []
    page.get_by_role("link", name="Đăng nhập").click()
    assert axe(page) == []
    page.get_by_label("Tên đăng nhập").fill("quantri_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/")
    expect(page.get_by_role("heading", name="Một cửa điện tử")).to_be_visible()
    page.get_by_role("link", name="UBND Xã Đông Hòa").click()
    page.wait_for_url("**/can-bo/don-vi/*/")
    # expect(): waits for the page the click opened (count() alone raced it)
    expect(page.locator("tbody tr")).to_have_count(4)
    assert axe(page) == []

    # The unit admin grants a role through the form.
    page.get_by_label("Tên đăng nhập của cán bộ").fill("congdan")
    page.get_by_label("Vai trò").select_option("specialist")
    page.get_by_role("button", name="Cấp vai trò").click()
    assert page.get_by_role("status").inner_text().strip() == "Đã cấp vai trò."
    expect(page.locator("tbody tr")).to_have_count(5)
    # Province-wide roles are not offered to a unit administrator.
    offered = page.get_by_label("Vai trò").locator("option").all_inner_texts()
    assert "Quản trị tỉnh" not in offered and "Thanh tra, giám sát" not in offered
    # …and it revokes the role it granted.
    who = personas.citizen.display_name
    page.get_by_role("button", name=f"Thu hồi vai trò Chuyên viên của {who}").click()
    assert "Đã thu hồi vai trò Chuyên viên" in page.get_by_role("status").inner_text()
    expect(page.locator("tbody tr")).to_have_count(4)
    assert axe(page) == []

    response = page.goto(f"/can-bo/don-vi/{personas.place.agency_b.public_id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", name="Không tìm thấy")).to_be_visible()


def test_wrong_password_message_in_vietnamese(page):
    make_personas()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("quantri_a")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    assert "mật khẩu không đúng" in page.get_by_role("alert").inner_text()
