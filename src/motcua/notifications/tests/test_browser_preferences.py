"""Journey in a real Chromium: a citizen chooses SMS, adds a phone, reads
the code that arrived in the SMS sandbox (real socket), types it back and
sees the phone verified; every page passes axe."""

from __future__ import annotations

import re
from typing import Any

import pytest

from motcua.integrations.httpsandbox import HttpSandbox
from motcua.notifications.models import ContactPoint, Preference
from motcua.testing import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_verifies_a_phone_and_chooses_sms(
    page: Any, axe: Any, sms_sandbox: HttpSandbox
) -> None:
    personas = make_personas()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("congdan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.goto("/tai-khoan/")
    page.get_by_role("link", name="Nhận thông báo qua thư điện tử, SMS, Zalo").click()
    page.wait_for_url("**/tai-khoan/thong-bao/")
    assert axe(page) == []
    page.get_by_label("Tin nhắn SMS").check()
    page.get_by_role("button", name="Lưu kênh nhận thông báo").click()
    page.get_by_label("Số điện thoại hoặc địa chỉ thư điện tử").fill("0912345678")
    page.get_by_role("button", name="Gửi mã xác nhận").click()
    assert "Đã gửi mã xác nhận" in page.get_by_role("status").first.inner_text()
    [sms] = sms_sandbox.accepted()
    found = re.search(r"\b(\d{6})\b", sms.text)
    assert found is not None
    assert axe(page) == []
    page.get_by_label("Mã xác nhận gửi tới 0912345678").fill(found.group(1))
    page.get_by_role("button", name="Xác nhận 0912345678").click()
    assert "Đã xác nhận địa chỉ liên lạc." in page.get_by_role("status").first.inner_text()
    assert page.get_by_role("cell", name="Đã xác nhận").count() == 1
    contact = ContactPoint.objects.get(user=personas.citizen)
    assert contact.verified_at is not None
    assert Preference.objects.get(user=personas.citizen).channels() == ["email", "sms"]
