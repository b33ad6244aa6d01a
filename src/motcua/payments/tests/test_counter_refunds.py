"""Counter payments (cash / bank transfer recorded by the one-stop officer,
through the state machine, with the receipt and a VietQR code) and refunds
sent to both gateways' sandboxes over real HTTP: once per payment, a lost
answer or a gateway down retried with the same request id, a refusal
recorded, a forged answer refused."""

from __future__ import annotations

import datetime
import json
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError, PermissionDenied
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.integrations.vnpay import protocol as vnpay_protocol
from motcua.payments import counter, refunds, services
from motcua.payments.gateways import GatewayError, RefundRequest, gateway_get
from motcua.payments.models import Obligation, Payment, PaymentTransition, Refund
from motcua.payments.tests.helpers import (
    choose,
    counter_dossier,
    due_obligation,
    prepared_callback,
    submit_online,
)
from motcua.payments.vietqr import crc16_ccitt
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _paid_online(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    sandbox: RunningSandbox,
    gateway: str,
) -> Payment:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    p = services.payment_start(obligation=o, gateway=gateway, idempotency_key="k").payment
    choose(sandbox, p)
    params = prepared_callback(sandbox, p.reference)
    client = Client()
    if gateway == "vnpay":
        client.get("/thanh-toan/thong-bao/vnpay/", params)
    else:
        client.post(
            "/thanh-toan/thong-bao/national/", json.dumps(params), content_type="application/json"
        )
    p.refresh_from_db()
    assert p.state == "paid"
    return p


# ------------------------------------------------------------ counter


def test_counter_notice_cash_payment_receipt_and_qr(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = counter_dossier(personas, procedure, applicant)
    assert not Obligation.objects.filter(dossier=d).exists()
    client = Client()
    client.force_login(personas.officer)
    url = f"/thanh-toan/can-bo/ho-so/{d.code}/"
    assert "Lập thông báo nộp phí" in client.get(url).content.decode()
    client.post(url, {"action": "notice"})
    o = due_obligation(d)
    # The counter's fee (channel "counter") and the copy fee; no online discount.
    assert o.amount_vnd == 25000
    page = client.get(url).content.decode()
    assert "<svg" in page and "Mã VietQR chuyển khoản" in page and "25.000 đồng" in page
    # A second notice changes nothing.
    assert counter.obligation_for_counter(dossier=d, actor=personas.officer) is None
    response = client.post(url, {"method": "cash", "key": "quay-1"})
    assert response.status_code == 302
    o.refresh_from_db()
    assert o.state == "paid" and o.receipt_number
    p = Payment.objects.get(obligation=o)
    assert (p.gateway, p.state) == ("counter", "paid") and "Tiền mặt" in p.note
    moves = list(PaymentTransition.objects.filter(payment=p).values_list("to_state", "source"))
    assert moves == [("pending", "counter"), ("paid", "counter")]
    # The same form again (double click): one payment; a new key: refused.
    client.post(url, {"method": "cash", "key": "quay-1"})
    again = client.post(url, {"method": "cash", "key": "quay-2"})
    assert again.status_code == 400 and Payment.objects.filter(obligation=o).count() == 1
    pdf = client.get(f"{url}bien-lai/{o.public_id}/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"


def test_counter_payment_only_by_the_one_stop_officer(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    with pytest.raises(PermissionDenied):
        counter.payment_record_counter(
            obligation=o, actor=personas.specialist, method="cash", idempotency_key="x"
        )
    with pytest.raises(DomainError) as err:
        counter.payment_record_counter(
            obligation=o, actor=personas.officer, method="sec", idempotency_key="x"
        )
    assert err.value.code == "method_invalid"
    client = Client()
    client.force_login(personas.citizen)
    assert client.get(f"/thanh-toan/can-bo/ho-so/{d.code}/").status_code == 404
    p = counter.payment_record_counter(
        obligation=o, actor=personas.officer, method="bank_transfer", idempotency_key="ck"
    )
    assert p.state == "paid" and p.gateway == "counter"
    # Counter money is not sent back through a gateway.
    with pytest.raises(DomainError) as refused:
        refunds.refund_request(payment=p, actor=personas.officer, reason="Nộp nhầm")
    assert refused.value.code == "refund_not_online"


def test_vietqr_payload_of_an_obligation(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, settings: Any
) -> None:
    d = submit_online(personas, procedure, applicant)
    payload = counter.vietqr_for(obligation=due_obligation(d))
    assert "A000000727" in payload and "5405" + "20000" in payload
    assert payload[-4:] == f"{crc16_ccitt(payload[:-4].encode()):04X}"
    settings.MOTCUA_PAY_BANK_ACCOUNT = ""
    assert counter.vietqr_for(obligation=due_obligation(d)) == ""


# ------------------------------------------------------------ refunds


@pytest.mark.parametrize("gateway", ["vnpay", "national"])
def test_refund_through_the_gateway_once(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    national: RunningSandbox,
    gateway: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    sandbox = vnpay if gateway == "vnpay" else national
    p = _paid_online(personas, procedure, applicant, sandbox, gateway)
    client = Client()
    client.force_login(personas.officer)
    url = f"/thanh-toan/can-bo/ho-so/{p.obligation.dossier.code}/"
    assert "Hoàn tiền qua cổng thanh toán" in client.get(url).content.decode()
    without = client.post(url, {"action": "refund", "reference": p.reference, "reason": " "})
    assert without.status_code == 400 and not Refund.objects.exists()
    with django_capture_on_commit_callbacks() as callbacks:
        client.post(url, {"action": "refund", "reference": p.reference, "reason": "Bị từ chối"})
    refund = Refund.objects.get(payment=p)
    assert len(callbacks) == 1 and refund.state == "requested"  # sent after commit, by a task
    assert refunds.refund_send(refund_id=refund.pk) == "refunded"
    p.refresh_from_db()
    refund.refresh_from_db()
    assert p.state == "refunded" and refund.gateway_transaction
    assert Obligation.objects.get(pk=p.obligation_id).state == "cancelled"
    row = sandbox.store.get(p.reference)
    assert row is not None and row.status == "refunded"
    # Never twice: the same task again sends nothing; a second request is refused.
    assert refunds.refund_send(refund_id=refund.pk) == "refunded"
    with pytest.raises(DomainError) as err:
        refunds.refund_request(payment=p, actor=personas.officer, reason="lần nữa")
    assert err.value.code == "refund_exists"
    # The gateway too answers a repeat as already refunded (a lost answer retried).
    request = RefundRequest(
        reference=p.reference,
        request_id=refund.request_id,
        amount_vnd=p.amount_vnd,
        transaction=p.gateway_transaction,
        paid_at=p.paid_at or timezone.now(),
        reason="x",
        created_by="t",
    )
    again = gateway_get(gateway).refund(request)
    assert again.status == "refunded" and again.transaction == refund.gateway_transaction


def test_refund_gateway_down_is_retried_then_sent(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    settings: Any,
) -> None:
    p = _paid_online(personas, procedure, applicant, vnpay, "vnpay")
    refund = refunds.refund_request(payment=p, actor=personas.officer, reason="Thu nhầm")
    url = settings.MOTCUA_PAY_VNPAY_URL
    settings.MOTCUA_PAY_VNPAY_URL = "http://127.0.0.1:9"  # the gateway down
    now = timezone.now()
    assert refunds.refund_send(refund_id=refund.pk, now=now) == "requested"
    refund.refresh_from_db()
    assert refund.attempts == 1 and refund.last_error
    assert refund.next_attempt_at is not None and refund.next_attempt_at > now
    # Not due yet: the sweep leaves it; once due it is sent with the same request id.
    assert refunds.refunds_resend_due(now=now) == 0
    settings.MOTCUA_PAY_VNPAY_URL = url
    later = now + datetime.timedelta(hours=1)
    assert refunds.refunds_resend_due(now=later) == 1
    refund.refresh_from_db()
    assert refund.state == "refunded" and refund.attempts == 2
    assert refunds.refunds_resend_due(now=later) == 0


def test_refund_refused_is_recorded_and_a_forged_answer_is_not_trusted(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    settings: Any,
) -> None:
    p = _paid_online(personas, procedure, applicant, vnpay, "vnpay")
    refund = refunds.refund_request(payment=p, actor=personas.officer, reason="Thu nhầm")
    row = vnpay.store.get(p.reference)
    assert row is not None
    row.status = "failed"  # the gateway no longer holds it as paid
    assert refunds.refund_send(refund_id=refund.pk) == "failed"
    refund.refresh_from_db()
    p.refresh_from_db()
    assert "95" in refund.last_error and p.state == "paid"
    # A forged refund answer (checksum with another secret) raises: retried, never applied.
    client = gateway_get("vnpay")
    client.secret = "sai-khoa"  # type: ignore[attr-defined]
    with pytest.raises(GatewayError):
        client.refund(RefundRequest(p.reference, "R1", p.amount_vnd, "", timezone.now(), "x", "t"))


def test_vnpay_sandbox_refuses_an_unsigned_refund(vnpay: RunningSandbox) -> None:
    body = {"vnp_Command": "refund", "vnp_TxnRef": "KHONGCO", "vnp_SecureHash": "0"}
    request = urllib.request.Request(  # noqa: S310 - the local sandbox
        vnpay.url + vnpay_protocol.QUERY_PATH,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        assert json.loads(answer.read())["vnp_ResponseCode"] == "97"


def test_a_second_success_is_sent_back_to_the_gateway(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    first = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="a").payment
    second = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="b").payment
    choose(vnpay, first)
    choose(vnpay, second)
    client = Client()
    for p in (first, second):
        client.get("/thanh-toan/thong-bao/vnpay/", prepared_callback(vnpay, p.reference))
    second.refresh_from_db()
    assert second.state == "refunded"
    refund = Refund.objects.get(payment=second)
    assert refund.requested_by is None
    assert refunds.refund_send(refund_id=refund.pk) == "refunded"
    row = vnpay.store.get(second.reference)
    assert row is not None and row.status == "refunded"
