import pytest
from playwright.sync_api import expect

from motcua.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_registers_on_a_phone(page, axe):
    page.goto("/")
    assert axe(page) == []
    page.get_by_role("link", name="Đăng ký tài khoản").click()
    assert axe(page) == []
    page.get_by_label("Họ và tên (hoặc tên tổ chức)").fill("Nguyễn Thị Hoa")
    page.get_by_label("Số định danh cá nhân (12 số) hoặc mã số thuế").fill("08619500112")
    page.locator("#id_password").fill("Song-Tien-2026")
    page.locator("#id_password2").fill("Song-Tien-2026")
    page.get_by_role("button", name="Đăng ký").click()
    # A wrong ID is explained next to the field, and the page stays accessible.
    assert "phải gồm đúng 12 chữ số" in page.locator(".has-error").inner_text()
    assert axe(page) == []
    assert not User.objects.exists()

    page.get_by_label("Số định danh cá nhân (12 số) hoặc mã số thuế").fill("086195001122")
    page.locator("#id_password").fill("Song-Tien-2026")
    page.locator("#id_password2").fill("Song-Tien-2026")
    page.get_by_role("button", name="Đăng ký").click()
    page.wait_for_url("**/tai-khoan/")
    expect(page.get_by_role("heading", name="Tài khoản của tôi")).to_be_visible()
    assert "086195001122" in page.content()
