"""The headline journey through both UIs in one real browser: a citizen
files online on a phone → the one-stop officer accepts → the specialist
forwards → the leader decides with a signed PDF → the officer hands over →
the citizen downloads the result. Every page passes axe (WCAG 2.1 AA)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.documents.tests.factories import handmade_pdf, png_bytes
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.portal.tests.helpers import components
from motcua.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, username: str, next_url: str) -> None:
    page.context.clear_cookies()
    page.goto(f"/dang-nhap/?next={next_url}")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_url}")


def _act(page: Any, action: str, axe: Any) -> Any:
    page.locator("summary", has_text=action).click()
    assert axe(page) == []
    return page.locator("details[open] form")


def _done(page: Any) -> str:
    return str(page.get_by_role("status").first.inner_text())


def test_online_dossier_from_filing_to_download(
    page: Any, axe: Any, personas: Any, portal_procedure: Any, tmp_path: Path
) -> None:
    # 1. The citizen files on a phone.
    _sign_in(page, "congdan", f"/nop-ho-so/{portal_procedure.public_id}/")
    page.get_by_label("Họ và tên người yêu cầu").fill("Nguyễn Văn An")
    page.get_by_label("Ngày sinh").fill("1990-05-17")
    page.get_by_label("Số bản sao").fill("1")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=giay-to")
    first, _second = components(portal_procedure)
    photo = tmp_path / "to-khai.png"
    photo.write_bytes(png_bytes((300, 200)))
    page.locator(f"#tep-{first.pk}").set_input_files(str(photo))
    page.get_by_role("img", name="Ảnh thu nhỏ của to-khai.png").wait_for()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=nhan-ket-qua")
    page.get_by_label("Nhận kết quả trực tuyến").check()
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_url("**?buoc=xem-lai")
    page.get_by_role("button", name="Nộp hồ sơ").click()
    page.wait_for_url("**/nop-ho-so/da-nop/**")
    dossier = Dossier.objects.get()
    assert dossier.state == State.SUBMITTED and dossier.national_status == 1
    url = f"/can-bo/ho-so/{dossier.code}/"

    # 2. The one-stop officer finds it in the queue and accepts it.
    _sign_in(page, "motcua_a", "/can-bo/ho-so/")
    assert axe(page) == []
    page.get_by_role("link", name=dossier.code).click()
    assert axe(page) == []
    _act(page, "Tiếp nhận hồ sơ", axe).get_by_role("button", name="Tiếp nhận hồ sơ").click()
    assert "Đã thực hiện: Tiếp nhận hồ sơ." in _done(page)
    _act(page, "Chuyển bước tiếp theo", axe).get_by_role(
        "button", name="Chuyển bước tiếp theo"
    ).click()
    dossier.refresh_from_db()
    assert dossier.state == State.PROCESSING and dossier.national_status == 4
    assert dossier.appointment_at is not None

    # 3. The specialist forwards to the leader.
    _sign_in(page, "chuyenvien_a", "/can-bo/ho-so/")
    page.get_by_role("link", name=dossier.code).click()
    form = _act(page, "Chuyển bước tiếp theo", axe)
    form.get_by_label("Ghi chú").fill("Đủ điều kiện cấp")
    form.get_by_role("button", name="Chuyển bước tiếp theo").click()
    assert "Đã thực hiện" in _done(page)

    # 4. The leader decides, attaching the signed result.
    _sign_in(page, "lanhdao_a", url)
    form = _act(page, "Ghi nhận kết quả giải quyết", axe)
    form.get_by_label("Tệp kết quả đã ký số (PDF)").set_input_files(
        {"name": "ket-qua.pdf", "mimeType": "application/pdf", "buffer": handmade_pdf()}
    )
    form.get_by_label("Tên kết quả").fill("Bản sao trích lục hộ tịch")
    form.get_by_role("button", name="Ghi nhận kết quả giải quyết").click()
    assert "Đã thực hiện" in _done(page)
    assert Dossier.objects.get(pk=dossier.pk).national_status == 9

    # 5. The officer hands it over (online delivery).
    _sign_in(page, "motcua_a", url)
    form = _act(page, "Trả kết quả", axe)
    form.get_by_role("button", name="Trả kết quả").click()
    assert "Đã thực hiện: Trả kết quả." in _done(page)
    dossier.refresh_from_db()
    assert dossier.state == State.RETURNED and dossier.national_status == 10

    # 6. The citizen downloads the result.
    _sign_in(page, "congdan", "/ho-so-cua-toi/")
    assert axe(page) == []
    with page.expect_download() as info:
        page.get_by_role("link", name="Đã có kết quả — tải về").click()
    assert Path(info.value.path()).read_bytes().startswith(b"%PDF")
    # Every read of the dossier on the way was logged.
    from motcua.dossiers.models import DossierAccessLog

    readers = set(
        DossierAccessLog.objects.filter(dossier=dossier).values_list("user__username", flat=True)
    )
    assert {"motcua_a", "chuyenvien_a", "lanhdao_a", "congdan"} <= readers
