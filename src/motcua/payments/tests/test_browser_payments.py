"""Browser journeys (Playwright, Chromium) through the gateway sandboxes over
real HTTP, their callbacks delivered to the live server: pay online right
after submission; a fee requested mid-way, paid, the clock resuming (the
worker runs the resume); a lost callback (and a lost return) settled by the
sweep that the worker runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.smtp.testing import smtp_sandbox
from motcua.integrations.testing import sms_sandbox, zalo_sandbox
from motcua.notifications import services as notifications
from motcua.notifications.models import ContactPoint, Preference
from motcua.payments.models import Payment
from motcua.payments.sandboxes import sandbox_build
from motcua.payments.tests.helpers import ask_to_pay, counter_dossier, submit_online
from motcua.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["sms_sandbox", "smtp_sandbox", "zalo_sandbox"]


def _every_channel(personas: Any) -> None:
    """The citizen chose e-mail, SMS and Zalo, with verified contacts."""
    from django.utils import timezone

    Preference.objects.update_or_create(
        user=personas.citizen, defaults={"email": True, "sms": True, "zalo": True}
    )
    for kind, value in (("email", "an@example.vn"), ("phone", "0912345678")):
        ContactPoint.objects.create(
            user=personas.citizen, kind=kind, value=value, verified_at=timezone.now()
        )


def _read_over_http(sandbox: HttpSandbox) -> list[dict[str, Any]]:
    """What the SMS / Zalo sandbox received, read over its socket."""
    import json
    import urllib.request

    with urllib.request.urlopen(f"{sandbox.url}/messages", timeout=10) as answer:  # noqa: S310
        items: list[dict[str, Any]] = json.loads(answer.read())["messages"]
    return items


@pytest.fixture
def gateways(settings: Any, live_server: Any) -> Iterator[dict[str, RunningSandbox]]:
    """Both sandboxes, calling back the live server."""
    settings.MOTCUA_PUBLIC_URL = live_server.url
    vnpay = sandbox_build(which="vnpay", host="127.0.0.1", port=0, site=live_server.url)
    national = sandbox_build(which="national", host="127.0.0.1", port=0, site=live_server.url)
    with vnpay, national:
        settings.MOTCUA_PAY_VNPAY_URL = vnpay.url
        settings.MOTCUA_PAY_NATIONAL_URL = national.url
        yield {"vnpay": vnpay, "national": national}


def _login(page: Any, next_url: str) -> None:
    page.goto(next_url)
    page.get_by_label("Số định danh cá nhân hoặc tên đăng nhập").fill("086190000123")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**{next_url}")


def _pay(page: Any, axe: Any, code: str, gateway_label: str) -> None:
    """From the dossier's page to the sandbox's page; press "Thanh toán"."""
    page.get_by_role("link", name="Thanh toán").first.click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{code}/")
    assert axe(page) == []
    page.get_by_label(gateway_label).check()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("heading", name="môi trường thử nghiệm").wait_for()
    page.get_by_role("button", name="Thanh toán", exact=True).click()


def test_pay_online_at_submission(
    page: Any,
    axe: Any,
    csp_errors: list[str],
    personas: Any,
    procedure: Any,
    applicant: Any,
    gateways: dict[str, RunningSandbox],
    smtp_sandbox: SmtpSandbox,
    sms_sandbox: HttpSandbox,
    zalo_sandbox: HttpSandbox,
) -> None:
    _every_channel(personas)
    d = submit_online(personas, procedure, applicant)
    # The worker's notify task of the submission, run here: the fee due with
    # the amount and the pay link arrives in each of the citizen's channels.
    notifications.notify_for_event(event_id=DossierEvent.objects.get(dossier=d).pk)
    pay_link = f"/thanh-toan/ho-so/{d.code}/"
    [mail] = [
        m
        for m in smtp_sandbox.store.messages()
        if m.recipients == ["an@example.vn"] and "cần nộp phí" in m.subject
    ]
    assert "20.000 đồng" in mail.subject and pay_link in mail.body
    sms = [m["text"] for m in _read_over_http(sms_sandbox)]
    assert any("20.000 đồng" in text and pay_link in text for text in sms), sms
    zns = [m for m in _read_over_http(zalo_sandbox) if m["template_id"] == "300004"]
    assert len(zns) == 1 and "20.000 đồng" in zns[0]["text"] and pay_link in zns[0]["text"]
    _login(page, f"/nop-ho-so/da-nop/{d.code}/")
    assert "20.000 đồng" in page.locator("#phai-nop").locator("..").inner_text()
    page.get_by_role("link", name="Thanh toán ngay").click()
    page.wait_for_url(f"**/thanh-toan/ho-so/{d.code}/")
    page.get_by_label("Cổng thanh toán VNPay").check()
    page.get_by_role("button", name="Thanh toán trực tuyến").click()
    page.get_by_role("button", name="Thanh toán", exact=True).click()
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Đã thanh toán 20000 đồng" in page.locator("#ket-qua").inner_text()
    assert axe(page) == []
    payment = Payment.objects.get(obligation__dossier=d)
    # Settled by the IPN the sandbox sent to the live server, not by the return page.
    assert payment.transitions.get(to_state="paid").source == "callback"
    receipt = page.request.get(
        f"/thanh-toan/ho-so/{d.code}/bien-lai/{payment.obligation.public_id}/"
    )
    assert receipt.ok and receipt.body().startswith(b"%PDF")
    assert csp_errors == []


def test_fee_requested_mid_way_paid_and_the_clock_resumes(
    page: Any,
    axe: Any,
    personas: Any,
    procedure: Any,
    applicant: Any,
    gateways: dict[str, RunningSandbox],
) -> None:
    p = personas
    d = ask_to_pay(p, counter_dossier(p, procedure, applicant))
    before = d.appointment_at
    _login(page, f"/ho-so-cua-toi/{d.code}/")
    assert "Cần nộp phí, lệ phí" in page.locator(".next").inner_text()
    _pay(page, axe, d.code, "Nền tảng thanh toán của Cổng Dịch vụ công quốc gia")
    page.wait_for_url("**/thanh-toan/ket-qua/**")
    assert "Đã thanh toán 8000 đồng" in page.locator("#ket-qua").inner_text()
    # The worker runs the resume enqueued after the callback's commit.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    d = Dossier.objects.get(pk=d.pk)
    assert d.state == State.PROCESSING
    assert d.appointment_at is not None and before is not None and d.appointment_at >= before
    page.goto(f"/ho-so-cua-toi/{d.code}/")
    assert "Chờ cơ quan giải quyết" in page.locator(".next").inner_text()


def test_a_lost_callback_is_settled_by_the_sweep(
    page: Any,
    axe: Any,
    settings: Any,
    personas: Any,
    procedure: Any,
    applicant: Any,
    gateways: dict[str, RunningSandbox],
) -> None:
    settings.MOTCUA_PAY_SWEEP_AFTER_MINUTES = 0
    gateways["vnpay"].store.drop_callbacks = True
    d = submit_online(personas, procedure, applicant)
    _login(page, f"/ho-so-cua-toi/{d.code}/")

    # The citizen's connection drops on the way back too: the gateway takes
    # the payment but the browser never reaches our return page.
    def lost_return(route: Any) -> None:
        route.fetch(max_redirects=0)
        route.fulfill(status=200, content_type="text/html", body="<p>Mất kết nối</p>")

    page.route(f"{gateways['vnpay'].url}/paymentv2/confirm", lost_return)
    _pay(page, axe, d.code, "Cổng thanh toán VNPay")
    payment = Payment.objects.get(obligation__dossier=d)
    for _ in range(50):  # bounded: the sandbox records the payment
        row = gateways["vnpay"].store.get(payment.reference)
        if row is not None and row.status == "paid":
            break
        page.wait_for_timeout(100)
    payment.refresh_from_db()
    assert payment.state == "pending"
    call_command("run_scheduler", "--once", verbosity=0)
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    payment.refresh_from_db()
    assert payment.state == "paid"
    assert payment.transitions.get(to_state="paid").source == "sweep"
    page.goto(f"/thanh-toan/ho-so/{d.code}/")
    expect(page.get_by_role("link", name="Tải biên lai điện tử")).to_be_visible()
