"""Browser journeys (phone viewport, Chromium): a rating, and a complaint
answered by the unit and listed publicly, masked. The worker runs the
notify tasks the pages enqueued; each journey then reads what the
applicant received in the SMTP, SMS and Zalo sandboxes (over their sockets)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier
from motcua.feedback.models import Feedback, FeedbackStatus, Rating
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.smtp.testing import link_in, smtp_sandbox
from motcua.integrations.testing import sms_sandbox, zalo_sandbox
from motcua.notifications.models import ContactPoint, Message, MessageStatus, Preference
from motcua.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["sms_sandbox", "smtp_sandbox", "zalo_sandbox"]

MAIL, PHONE = "an@example.vn", "0912345678"


@pytest.fixture
def every_channel(personas: Personas, settings: Any, live_server: Any) -> None:
    """The citizen chose e-mail, SMS and Zalo, with verified contacts; the
    links in the messages point at the live server."""
    settings.MOTCUA_PUBLIC_URL = live_server.url
    Preference.objects.update_or_create(
        user=personas.citizen, defaults={"email": True, "sms": True, "zalo": True}
    )
    for kind, value in (("email", MAIL), ("phone", PHONE)):
        ContactPoint.objects.create(
            user=personas.citizen, kind=kind, value=value, verified_at=timezone.now()
        )


def _worker() -> None:
    """The worker runs what the pages enqueued (after their commits)."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _mails(sandbox: SmtpSandbox, subject: str) -> list[Any]:
    return [
        m
        for m in sandbox.store.messages()
        if m.recipients == [MAIL] and m.subject.startswith(subject)
    ]


def _over_http(sandbox: HttpSandbox) -> list[dict[str, Any]]:
    """What the SMS / Zalo sandbox received, read over its socket."""
    with urllib.request.urlopen(f"{sandbox.url}/messages", timeout=10) as answer:  # noqa: S310
        items: list[dict[str, Any]] = json.loads(answer.read())["messages"]
    return items


def _login(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def test_a_rating(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Personas,
    result_ready: Dossier,
    live_server: Any,
    every_channel: None,
    smtp_sandbox: SmtpSandbox,
    sms_sandbox: HttpSandbox,
    zalo_sandbox: HttpSandbox,
) -> None:
    code = result_ready.code
    _login(page, "congdan")
    page.goto(f"/ho-so-cua-toi/{code}/")
    page.get_by_role("link", name="Đánh giá việc giải quyết hồ sơ").click()
    expect(page.get_by_label("Rất hài lòng")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("Rất hài lòng").check()
    page.get_by_label("Ý kiến của bạn (không bắt buộc)").fill("Cán bộ hướng dẫn tận tình")
    page.get_by_role("button", name="Gửi đánh giá").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{code}/")
    expect(page.get_by_text("Bạn đã đánh giá: Rất hài lòng")).to_be_visible()
    rating = Rating.objects.get(dossier=result_ready)
    assert rating.level == "very_satisfied" and rating.comment == "Cán bộ hướng dẫn tận tình"
    _worker()
    _worker()  # a second run (a retried job) sends nothing new
    # The thanks arrived once in each of the citizen's channels, with the link.
    [mail] = _mails(smtp_sandbox, f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {code}")
    assert link_in(mail.body) == f"{live_server.url}/ho-so-cua-toi/{code}/"
    sms = [m for m in _over_http(sms_sandbox) if "đánh giá" in m["text"] and code in m["text"]]
    assert len(sms) == 1 and f"/ho-so-cua-toi/{code}/" in sms[0]["text"]
    zns = [m for m in _over_http(zalo_sandbox) if m["template_id"] == "300008"]
    assert len(zns) == 1 and code in zns[0]["text"]
    sent = Message.objects.filter(occasion=f"rating:{rating.pk}:rated")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms", "zalo"]
    assert {m.status for m in sent} == {MessageStatus.SENT}
    # The citizen sees it among the messages sent about the dossier.
    page.reload()
    messages = page.get_by_role("region", name="Thông báo đã gửi cho bạn")
    expect(messages).to_contain_text(f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {code}")
    assert axe(page) == []
    assert csp_errors == []


def test_a_complaint_answered(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Personas,
    by_post: Dossier,
    every_channel: None,
    smtp_sandbox: SmtpSandbox,
    sms_sandbox: HttpSandbox,
    zalo_sandbox: HttpSandbox,
) -> None:
    _login(page, "congdan")
    page.goto("/phan-anh-kien-nghi/gui/")
    assert axe(page) == []
    page.get_by_label("Về").select_option(f"hs:{by_post.code}")
    page.get_by_label("Tiêu đề", exact=True).fill("Hồ sơ chậm")
    page.get_by_label("Nội dung", exact=True).fill("Tôi đã chờ lâu. Số điện thoại 0912345678.")
    page.get_by_label("Tôi đồng ý công khai", exact=False).check()
    page.get_by_role("button", name="Gửi", exact=True).click()
    expect(page.get_by_text("sẽ trả lời trước")).to_be_visible()
    _logout(page)
    _login(page, "motcua_a")
    page.goto("/can-bo/phan-anh-kien-nghi/")
    assert axe(page) == []
    page.get_by_role("link", name="Hồ sơ chậm").click()
    expect(page.get_by_label("Nội dung trả lời")).to_be_visible()
    assert axe(page) == []
    page.get_by_label("Nội dung trả lời").fill("Đơn vị đã xử lý, xin lỗi ông/bà.")
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_url("**/can-bo/phan-anh-kien-nghi/")
    item = Feedback.objects.get()
    assert item.status == FeedbackStatus.ANSWERED
    _logout(page)
    _worker()
    _worker()  # a second run (a retried job) sends nothing new
    # The answer arrived once in each of the citizen's channels.
    agency = item.agency.name
    [mail] = _mails(smtp_sandbox, f"{agency} đã trả lời phản ánh: Hồ sơ chậm")
    assert "Đơn vị đã xử lý, xin lỗi ông/bà." in mail.body
    link = link_in(mail.body)
    assert link.endswith(f"/phan-anh-kien-nghi/gui/#pakn-{item.public_id}")
    sms = [m for m in _over_http(sms_sandbox) if m["text"].startswith(f"{agency} đã trả lời")]
    assert len(sms) == 1 and f"#pakn-{item.public_id}" in sms[0]["text"]
    zns = [m for m in _over_http(zalo_sandbox) if m["template_id"] == "300011"]
    assert len(zns) == 1 and "Đơn vị đã xử lý" in zns[0]["text"]
    sent = Message.objects.filter(occasion=f"feedback:{item.pk}:answered")
    assert sorted(sent.values_list("channel", flat=True)) == ["email", "sms", "zalo"]
    assert {m.status for m in sent} == {MessageStatus.SENT}
    # The citizen follows the link in the mail to their complaint and its answer.
    _login(page, "congdan")
    page.goto(link)
    expect(page.locator(f"#pakn-{item.public_id}")).to_contain_text(
        "Trả lời: Đơn vị đã xử lý, xin lỗi ông/bà."
    )
    assert axe(page) == []
    page.goto("/phan-anh-kien-nghi/")
    expect(page.get_by_text("Đơn vị đã xử lý")).to_be_visible()
    assert "0912345678" not in page.content()
    assert axe(page) == []
    assert csp_errors == []
