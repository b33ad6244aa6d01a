"""Journey in a real Chromium: an officer issues an API token (the secret is
shown once), sees it listed and revokes it; every page passes axe."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.services import api_token_check
from motcua.testing import PASSWORD, make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_issues_and_revokes_an_api_token(page: Any, axe: Any) -> None:
    make_personas()
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill("motcua_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url("**/can-bo/")
    page.get_by_role("link", name="Mã truy cập API của bạn").click()
    page.wait_for_url("**/can-bo/tai-khoan/ma-truy-cap/")
    assert axe(page) == []
    page.get_by_label("Tên gợi nhớ").fill("Máy quét tại quầy")
    page.get_by_label("Thực hiện thao tác trên hồ sơ").check()
    page.get_by_label("Thời hạn").select_option("30")
    page.get_by_role("button", name="Cấp mã truy cập").click()
    secret = page.get_by_label("Mã truy cập").input_value()
    assert secret.startswith("mc_")
    token = api_token_check(raw=secret)
    assert token is not None and sorted(token.scopes) == ["act", "read"]
    assert axe(page) == []
    page.goto("/can-bo/tai-khoan/ma-truy-cap/")
    assert secret not in page.content()
    assert page.locator("tbody tr").count() == 1
    page.get_by_role("button", name="Thu hồi mã Máy quét tại quầy").click()
    assert "Đã thu hồi" in page.get_by_role("status").first.inner_text()
    assert api_token_check(raw=secret) is None
