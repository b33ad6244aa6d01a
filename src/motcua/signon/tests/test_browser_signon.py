"""Browser journey (Playwright, Chromium, phone size): a citizen signs in
through the local OIDC provider (real sockets) in the middle of filing,
files the dossier, and its page shows it identity-verified; signing out
ends the provider's session too."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from motcua.documents.tests.factories import png_bytes
from motcua.dossiers.models import Dossier
from motcua.integrations.oidc_provider.provider import Identity, OidcProvider
from motcua.integrations.oidc_provider.testing import provider_for_site
from motcua.portal.tests.conftest import _portal_settings, portal_procedure
from motcua.portal.tests.helpers import components

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
__all__ = ["_portal_settings", "portal_procedure"]

#: The personas' citizen (``make_citizen``), as the provider knows them.
CITIZEN = Identity("086190000123", "Nguyễn Văn An", "1990-01-15")


@pytest.fixture
def provider(settings: Any, live_server: Any) -> Iterator[OidcProvider]:
    with provider_for_site(settings, live_server.url, [CITIZEN]) as started:
        yield started


def test_citizen_signs_in_with_vneid_and_files_a_verified_dossier(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Any,
    portal_procedure: Any,
    provider: OidcProvider,
    tmp_path: Any,
) -> None:
    draft = f"/nop-ho-so/{portal_procedure.public_id}/"
    page.goto(draft)
    page.wait_for_url("**/dang-nhap/**")
    assert axe(page) == []
    page.get_by_role("link", name="Đăng nhập bằng tài khoản định danh điện tử (VNeID)").click()
    page.wait_for_url(f"{provider.issuer}/authorize?**")
    page.get_by_role("button", name="Nguyễn Văn An — 086190000123").click()
    page.wait_for_url(f"**{draft}")
    expect(page.get_by_role("heading", name="Bước 1/4: Tờ khai")).to_be_visible()

    page.get_by_label("Họ và tên người yêu cầu").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("1990-01-15")
    page.get_by_label("Số bản sao").fill("1")
    page.keyboard.press("Tab")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=giay-to")
    first, _second = components(portal_procedure)
    photo = tmp_path / "can-cuoc.png"
    photo.write_bytes(png_bytes((400, 250)))
    page.locator(f"#tep-{first.pk}").set_input_files(str(photo))
    page.get_by_role("img", name="Ảnh thu nhỏ của can-cuoc.png").wait_for()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=nhan-ket-qua")
    page.get_by_label("Nhận qua dịch vụ bưu chính").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=xem-lai")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-ho-so/da-nop/**")

    dossier = Dossier.objects.get()
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    assert "Đã xác thực định danh điện tử" in page.locator("dd.identity-check").inner_text()
    assert axe(page) == []

    # Sign-out ends both sessions: the provider asks who it is again.
    home = page.url.split("/ho-so")[0] + "/"
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(re.compile("^" + re.escape(home) + r"(\?state=[^&]+)?$"))
    page.goto("/dang-nhap/vneid/")
    page.wait_for_url(f"{provider.issuer}/authorize?**")
    expect(page.get_by_role("button", name="Nguyễn Văn An — 086190000123")).to_be_visible()
    assert csp_errors == []
