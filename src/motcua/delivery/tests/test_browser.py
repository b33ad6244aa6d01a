"""Browser journeys (phone viewport, Chromium): a result by post to
delivered, and a failed delivery back to the counter. The carrier is the
sandbox over HTTP, posting signed webhooks to the live server."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from motcua.accounts.models import Applicant
from motcua.delivery.models import DeliveryOrder
from motcua.delivery.services import delivery_order_send
from motcua.delivery.tests.conftest import fresh
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import advance
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.smtp.testing import smtp_sandbox
from motcua.integrations.vnpost.client import VnpostClient
from motcua.integrations.vnpost.sandbox import VnpostSandbox
from motcua.notifications import services as notifications
from motcua.testing import PASSWORD, Personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["smtp_sandbox"]

CITIZEN_MAIL = "an@example.vn"


def _mails(sandbox: SmtpSandbox, subject: str) -> list[str]:
    """The bodies of the citizen's mails with ``subject`` that arrived in
    the SMTP sandbox (over its socket)."""
    return [
        m.body
        for m in sandbox.store.messages()
        if m.recipients == [CITIZEN_MAIL] and m.subject.startswith(subject)
    ]


def _with_mail(dossier: Dossier) -> None:
    Applicant.objects.filter(pk=dossier.applicant_id).update(email=CITIZEN_MAIL)


def _login(page: Any, username: str) -> None:
    page.goto("/dang-nhap/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()


def _logout(page: Any) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()


def _to_the_carrier(
    page: Any, axe: Any, p: Personas, dossier: Dossier, sandbox: VnpostSandbox, live: Any
) -> DeliveryOrder:
    """The citizen asks for the result by post, the officer sends it."""
    sandbox.callback_url = f"{live.url}/buu-chinh/thong-bao/"
    _login(page, "congdan")
    page.goto(f"/ho-so-cua-toi/{dossier.code}/")
    page.get_by_role(
        "link", name="Dịch vụ bưu chính công ích (gửi hồ sơ, nhận kết quả tại nhà)"
    ).click()
    assert axe(page) == []
    page.get_by_label("Số điện thoại").fill("0912345678")
    page.get_by_label("Địa chỉ nhận").fill("Số 1, thôn Đông, xã A")
    page.get_by_role("button", name="Lưu yêu cầu").click()
    page.wait_for_url(f"**/ho-so-cua-toi/{dossier.code}/")
    assert "Nhận kết quả qua bưu chính" in page.content()
    _logout(page)
    advance(fresh(dossier), p, 4)
    _login(page, "motcua_a")
    page.goto(f"/can-bo/ho-so/{dossier.code}/")
    page.get_by_role("button", name="Gửi kết quả qua bưu chính").click()
    page.wait_for_url(f"**/can-bo/ho-so/{dossier.code}/")
    assert axe(page) == []
    order = DeliveryOrder.objects.get(dossier=dossier)
    # the worker's task, run here: the carrier gets the order over HTTP
    order = delivery_order_send(
        order_id=order.pk, carrier=VnpostClient(base_url=sandbox.url, token=sandbox.token)
    )
    assert order.order_code is not None
    page.reload()
    assert order.order_code in page.content() and "25000 đồng" in page.content()
    _logout(page)
    return order


def test_result_by_post_to_delivered(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Personas,
    by_post: Dossier,
    vnpost_sandbox: VnpostSandbox,
    live_server: Any,
    smtp_sandbox: SmtpSandbox,
) -> None:
    _with_mail(by_post)
    order = _to_the_carrier(page, axe, personas, by_post, vnpost_sandbox, live_server)
    assert order.order_code is not None
    for status in ("picked_up", "in_transit", "delivered"):
        vnpost_sandbox.advance(order.order_code, status)
    assert vnpost_sandbox.webhook_answers == [200, 200, 200]
    assert fresh(by_post).state == State.RETURNED
    # The worker's notify task of the hand-over, run here: one message, by post.
    event = by_post.events.get(action="hand_over")
    notifications.notify_for_event(event_id=event.pk)
    [body] = _mails(smtp_sandbox, f"Bưu điện đã giao kết quả hồ sơ {by_post.code}")
    assert order.order_code in body and f"/ho-so-cua-toi/{by_post.code}/" in body
    assert _mails(smtp_sandbox, f"Đã trả kết quả hồ sơ {by_post.code}") == []
    page.goto(f"/tra-cuu/?ma={by_post.code}&t={by_post.tracking_token}")
    text = page.content()
    assert "Đã giao thành công" in text and "Đang vận chuyển" in text
    assert axe(page) == []
    assert csp_errors == []


def test_failed_delivery_back_to_the_counter(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Personas,
    by_post: Dossier,
    vnpost_sandbox: VnpostSandbox,
    live_server: Any,
    smtp_sandbox: SmtpSandbox,
) -> None:
    _with_mail(by_post)
    order = _to_the_carrier(page, axe, personas, by_post, vnpost_sandbox, live_server)
    assert order.order_code is not None
    vnpost_sandbox.advance(order.order_code, "picked_up")
    vnpost_sandbox.advance(order.order_code, "failed", "Không liên lạc được người nhận")
    assert fresh(by_post).state == State.RESULT_READY
    # The failure enqueued the applicant's message; the worker's task, run here.
    [job] = DBTaskResult.objects.filter(task_path__endswith="notify_delivery_failed_task")
    assert job.args_kwargs["args"] == [order.pk]
    notifications.notify_delivery_failed(order_id=order.pk)
    notifications.notify_delivery_failed(order_id=order.pk)  # a rerun: nothing new
    [body] = _mails(smtp_sandbox, f"Bưu điện chưa giao được kết quả hồ sơ {by_post.code}")
    assert "Không liên lạc được người nhận" in body and "bộ phận một cửa" in body
    _login(page, "congdan")
    page.goto(f"/ho-so-cua-toi/{by_post.code}/")
    alert = page.get_by_role("alert")
    assert "kết quả đã về bộ phận một cửa" in alert.inner_text()
    assert axe(page) == []
    _logout(page)
    # the counter hands the result over in person
    _login(page, "motcua_a")
    page.goto(f"/can-bo/ho-so/{by_post.code}/")
    assert "Giao không thành công" in page.content()
    assert csp_errors == []
