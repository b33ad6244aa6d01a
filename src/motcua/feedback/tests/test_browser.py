"""Browser journeys (phone viewport, Chromium): a rating, and a complaint
answered by the unit and listed publicly, masked."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback, FeedbackStatus, Rating
from motcua.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def test_a_rating(
    page: Any, axe: Any, csp_errors: list[str], personas: Personas, result_ready: Dossier
) -> None:
    _login(page, "congdan")
    page.goto(f"/ho-so-cua-toi/{result_ready.code}/")
    page.get_by_role("link", name="Đánh giá việc giải quyết hồ sơ").click()
    assert axe(page) == []
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Ý kiến của bạn (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{result_ready.code}/")
    assert "Bạn đã đánh giá" in page.content()
    rating = Rating.objects.get(dossier=result_ready)
    assert rating.level == "very_satisfied" and rating.comment == "Cán bộ hướng dẫn tận tình"
    assert csp_errors == []


def test_a_complaint_answered(
    page: Any, axe: Any, csp_errors: list[str], personas: Personas, by_post: Dossier
) -> None:
    _login(page, "congdan")
    page.goto("/phan-anh-kien-nghi/gui/")
    assert axe(page) == []
    page.get_by_label("Về").select_option(f"hs:{by_post.code}")
    page.get_by_label("Tiêu đề", exact=True).fill("Hồ sơ chậm")
    page.get_by_label("Nội dung", exact=True).fill("Tôi đã chờ lâu. Số điện thoại 0912345678.")
    page.get_by_label("Tôi đồng ý công khai", exact=False).check()
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_load_state()
    assert "sẽ trả lời trước" in page.content()
    page.get_by_role("button", name="Đăng xuất").click()
    _login(page, "motcua_a")
    page.goto("/can-bo/phan-anh-kien-nghi/")
    assert axe(page) == []
    page.get_by_role("link", name="Hồ sơ chậm").click()
    assert axe(page) == []
    page.get_by_label("Nội dung trả lời").fill("Đơn vị đã xử lý, xin lỗi ông/bà.")
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_url("**/can-bo/phan-anh-kien-nghi/")
    assert Feedback.objects.get().status == FeedbackStatus.ANSWERED
    page.goto("/phan-anh-kien-nghi/")
    text = page.content()
    assert "Đơn vị đã xử lý" in text and "0912345678" not in text
    assert axe(page) == []
    assert csp_errors == []
