"""The Vietnamese error pages pass axe-core's WCAG 2.1 A/AA rules on a phone."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("path", "status", "heading"),
    [
        ("/khong-co-trang-nay/", 404, "Không tìm thấy"),
        ("/thu-tuc/?q=a%00b", 400, "Yêu cầu không hợp lệ"),
    ],
)
def test_error_pages_are_accessible(
    page: Any, axe: Any, path: str, status: int, heading: str
) -> None:
    response = page.goto(path)
    assert response.status == status
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    assert axe(page) == []


def test_the_standalone_500_page_is_accessible(page: Any, axe: Any) -> None:
    from django.test import RequestFactory

    from motcua.core.http import page_response

    html = page_response(RequestFactory().get("/"), status=500, correlation_id="abc123").content
    page.goto("/")  # the live server's origin, for the stylesheet
    page.set_content(html.decode())
    expect(page.get_by_role("heading", name="Lỗi hệ thống")).to_be_visible()
    assert "abc123" in page.content()
    assert axe(page) == []
