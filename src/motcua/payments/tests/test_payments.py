"""Payments end to end against the gateway sandboxes over real HTTP: the
INIT / signed redirect, the sandbox's pay page, the signed callback (the
sandbox prepares it; the test delivers it through the site's own callback
page), the query used by the sweep. Every bad callback is refused and
recorded; no obligation is ever paid twice."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import DomainError
from motcua.dossiers.states import State
from motcua.integrations.national_pay import protocol as national_protocol
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.integrations.vnpay import protocol as vnpay_protocol
from motcua.payments import services
from motcua.payments.models import CallbackRecord, Obligation, Payment, PaymentTransition
from motcua.payments.tasks import resume_dossier_task
from motcua.payments.tests.helpers import (
    ask_to_pay,
    choose,
    counter_dossier,
    due_obligation,
    prepared_callback,
    submit_online,
)
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _vnpay_ipn(client: Client, params: dict[str, str]) -> dict[str, Any]:
    response = client.get("/thanh-toan/thong-bao/vnpay/", params)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _national_notify(client: Client, body: dict[str, str]) -> dict[str, Any]:
    response = client.post(
        "/thanh-toan/thong-bao/national/", json.dumps(body), content_type="application/json"
    )
    assert response.status_code == 200
    answer: dict[str, Any] = response.json()
    return answer


def test_submission_creates_the_obligation_from_the_pinned_fees(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    assert o.amount_vnd == 20000 and o.stage == "submission"
    assert [line["name"] for line in o.lines] == ["Lệ phí cấp bản sao"]


def test_vnpay_pay_callback_and_every_bad_callback(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    settings: Any,
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    started = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="k1")
    p = started.payment
    assert started.created and p.state == "pending" and p.pay_url.startswith(vnpay.url)
    # Same key again (double click, retried request): the same charge.
    again = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="k1")
    assert not again.created and again.payment.pk == p.pk
    back = choose(vnpay, p)
    assert back.startswith(f"{settings.MOTCUA_PUBLIC_URL}/thanh-toan/ket-qua/{p.reference}/")
    params = prepared_callback(vnpay, p.reference)
    client = Client()

    forged = dict(params, vnp_SecureHash="0" * 128)
    assert _vnpay_ipn(client, forged)["RspCode"] == "97"
    wrong = dict(params, vnp_Amount=str(p.amount_vnd * 100 - 100))
    wrong["vnp_SecureHash"] = vnpay_protocol.sign(settings.MOTCUA_PAY_VNPAY_SECRET, wrong)
    assert _vnpay_ipn(client, wrong)["RspCode"] == "04"
    unknown = dict(params, vnp_TxnRef="KHONGCO123")
    unknown["vnp_SecureHash"] = vnpay_protocol.sign(settings.MOTCUA_PAY_VNPAY_SECRET, unknown)
    assert _vnpay_ipn(client, unknown)["RspCode"] == "01"
    p.refresh_from_db()
    assert p.state == "pending"  # nothing refused moved it

    assert _vnpay_ipn(client, params)["RspCode"] == "00"
    assert _vnpay_ipn(client, params)["RspCode"] == "02"  # replay: already confirmed
    p.refresh_from_db()
    o.refresh_from_db()
    assert p.state == "paid" and o.state == "paid" and o.receipt_number
    assert p.gateway_transaction == vnpay.store.get(p.reference).transaction  # type: ignore[union-attr]
    outcomes = list(CallbackRecord.objects.order_by("pk").values_list("outcome", flat=True))
    assert outcomes == [
        "bad_signature",
        "wrong_amount",
        "unknown_reference",
        "applied",
        "duplicate",
    ]
    assert list(PaymentTransition.objects.filter(payment=p).values_list("to_state", flat=True)) == [
        "pending",
        "paid",
    ]
    # A failure notice replayed for a paid charge changes nothing.
    cancel = dict(params, vnp_ResponseCode="24", vnp_TransactionStatus="02")
    cancel["vnp_SecureHash"] = vnpay_protocol.sign(settings.MOTCUA_PAY_VNPAY_SECRET, cancel)
    assert _vnpay_ipn(client, cancel)["RspCode"] == "02"
    p.refresh_from_db()
    assert p.state == "paid"
    with pytest.raises(DomainError) as err:
        services.payment_start(obligation=o, gateway="vnpay", idempotency_key="k2")
    assert err.value.code == "obligation_not_due"


def test_national_platform_init_notify_and_check(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    national: RunningSandbox,
    settings: Any,
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    p = services.payment_start(obligation=o, gateway="national", idempotency_key="n1").payment
    assert p.state == "pending" and "/thanhtoan?ref=" in p.pay_url
    choose(national, p)
    body = prepared_callback(national, p.reference)
    assert body["LoaiBanTin"] == "NOTIFY" and body["TrangThai"] == "00"
    client = Client()
    tampered = dict(body, SoTien="1")
    assert _national_notify(client, tampered)["MaLoi"] == "03"  # check value no longer matches
    resigned = dict(tampered)
    resigned["MaXacThuc"] = national_protocol.check_value(
        settings.MOTCUA_PAY_NATIONAL_SECRET, resigned, national_protocol.NOTIFY_FIELDS
    )
    assert _national_notify(client, resigned)["MaLoi"] == "05"  # wrong amount
    assert _national_notify(client, body)["MaLoi"] == "00"
    p.refresh_from_db()
    assert p.state == "paid"
    # The CHECK call agrees.
    from motcua.payments.gateways import gateway_get

    notice = gateway_get("national").query(reference=p.reference, created_at=p.created_at)
    assert notice.status == "paid" and notice.amount_vnd == p.amount_vnd


def test_a_lost_callback_is_settled_by_the_sweep_once(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    p = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="s1").payment
    choose(vnpay, p)  # paid at the gateway; the callback dropped
    later = timezone.now() + datetime.timedelta(minutes=10)
    first = services.payments_reconcile(now=later)
    assert (first.checked, first.settled) == (1, 1)
    p.refresh_from_db()
    assert p.state == "paid"
    assert PaymentTransition.objects.filter(payment=p, to_state="paid").get().source == "sweep"
    rows = PaymentTransition.objects.count()
    second = services.payments_reconcile(now=later)
    assert (second.checked, second.settled, second.expired) == (0, 0, 0)
    assert PaymentTransition.objects.count() == rows


def test_expiry_asks_the_gateway_and_a_late_success_is_accepted(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    settings: Any,
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    p = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="e1").payment
    past_expiry = p.expires_at + datetime.timedelta(minutes=1)
    assert services.payments_reconcile(now=past_expiry).expired == 1
    p.refresh_from_db()
    assert p.state == "expired"
    # The citizen had the page open and paid after all (lesson 3).
    choose(vnpay, p)
    assert _vnpay_ipn(Client(), prepared_callback(vnpay, p.reference))["RspCode"] == "00"
    p.refresh_from_db()
    o.refresh_from_db()
    assert p.state == "paid" and o.state == "paid"


def test_a_second_success_is_refunded_never_two_charges(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    a = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="a").payment
    b = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="b").payment
    assert a.reference != b.reference
    choose(vnpay, a)
    choose(vnpay, b)
    client = Client()
    assert _vnpay_ipn(client, prepared_callback(vnpay, a.reference))["RspCode"] == "00"
    assert _vnpay_ipn(client, prepared_callback(vnpay, b.reference))["RspCode"] == "00"
    states = dict(Payment.objects.filter(obligation=o).values_list("reference", "state"))
    assert states == {a.reference: "paid", b.reference: "refunded"}


def test_the_database_refuses_two_paid_charges(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, vnpay: RunningSandbox
) -> None:
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    a = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="a").payment
    b = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="b").payment
    Payment.objects.filter(pk=a.pk).update(state="paid")
    with pytest.raises(IntegrityError), transaction.atomic():
        Payment.objects.filter(pk=b.pk).update(state="paid")


def test_fee_requested_mid_way_paid_and_the_clock_resumes(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    vnpay: RunningSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = personas
    d = counter_dossier(p, procedure, applicant)
    assert not Obligation.objects.filter(dossier=d).exists()  # paid at the counter
    d = ask_to_pay(p, d)
    assert d.state == State.AWAITING_PAYMENT
    o = due_obligation(d)
    assert o.amount_vnd == 8000 and o.stage == "request"
    pay = services.payment_start(obligation=o, gateway="vnpay", idempotency_key="m1").payment
    choose(vnpay, pay)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert _vnpay_ipn(Client(), prepared_callback(vnpay, pay.reference))["RspCode"] == "00"
    assert len(callbacks) == 1  # the resume is enqueued after commit, not run inside
    assert resume_dossier_task.call(obligation_id=o.pk) == "resumed"
    d.refresh_from_db()
    assert d.state == State.PROCESSING
    assert d.events.order_by("-seq").first().payload["reference"] == pay.reference  # type: ignore[union-attr]
    # Run again (a retried job): nothing more happens.
    assert resume_dossier_task.call(obligation_id=o.pk) == "nothing"
    assert d.events.filter(action="pay").count() == 1


def test_gateway_down_fails_the_attempt_cleanly(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, settings: Any
) -> None:
    settings.MOTCUA_PAY_VNPAY_URL = "http://127.0.0.1:9"
    settings.MOTCUA_PAY_NATIONAL_URL = "http://127.0.0.1:9"
    d = submit_online(personas, procedure, applicant)
    o = due_obligation(d)
    with pytest.raises(DomainError) as err:
        services.payment_start(obligation=o, gateway="national", idempotency_key="x")
    assert err.value.code == "gateway_unavailable"
    assert Payment.objects.get(obligation=o).state == "failed"
    o.refresh_from_db()
    assert o.state == "due"
