"""Writes of the payments domain: obligations, payment attempts, applying
a gateway's answer (callback or query) through the ONE state machine, the
reconciliation sweep. Side effects (resuming the dossier) go after commit
through the tasks API; a retried job never repeats its effect."""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError, NotFound
from motcua.payments import fees
from motcua.payments.gateways import BadCallback, Charge, Gateway, GatewayError, Notice, gateway_get
from motcua.payments.models import CallbackRecord, Obligation, Payment, PaymentTransition
from motcua.payments.states import (
    ONLINE_GATEWAYS,
    OPEN,
    CallbackOutcome,
    DueAt,
    ObligationState,
    PaymentState,
    can_move,
)

log = logging.getLogger("motcua.payments")

MAX_IDEMPOTENCY_KEY = 100


class GatewayUnavailable(DomainError):
    """The gateway did not answer (or answered garbage): try again later."""

    status = 503
    title = "Cổng thanh toán không trả lời"


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


# ------------------------------------------------------------ obligations


def obligation_create(
    *,
    dossier: Any,
    stage: str,
    amount_vnd: int,
    lines: list[dict[str, Any]],
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Obligation:
    """A new obligation for ``dossier`` (inside the caller's transaction).
    An earlier one still due is cancelled: the latest request is what is
    owed (one due obligation per dossier, a DB constraint)."""
    now = _now(now)
    Obligation.objects.filter(dossier=dossier, state=ObligationState.DUE).update(
        state=ObligationState.CANCELLED
    )
    return Obligation.objects.create(
        dossier=dossier,
        agency_id=dossier.processing_agency_id or dossier.receiving_agency_id,
        stage=stage,
        amount_vnd=amount_vnd,
        lines=lines,
        reason=reason[:500],
        state=ObligationState.DUE if amount_vnd > 0 else ObligationState.WAIVED,
        created_at=now,
    )


def obligation_for_submission(
    *, dossier: Any, now: datetime.datetime | None = None
) -> Obligation | None:
    """At submission: the fees due then (policy ``submission``), computed
    from the pinned configured procedure; online submissions only (at the
    counter the officer collects them)."""
    if dossier.channel != "online":
        return None
    cpv = dossier.configured_procedure_version
    if not fees.fee_quote_compute(fees=cpv.fees, channel=dossier.channel, form_data={}).lines:
        return None  # nothing chargeable: no further query on a submission
    rules, discount, due_at = fees.rules_for(configured_id=cpv.configured_id)
    if due_at != DueAt.SUBMISSION:
        return None
    quote = fees.fee_quote_compute(
        fees=cpv.fees,
        channel=dossier.channel,
        form_data=dossier.form_data or {},
        rules=rules,
        online_discount_percent=discount,
    )
    if not quote.lines:
        return None
    return obligation_create(
        dossier=dossier,
        stage=DueAt.SUBMISSION,
        amount_vnd=quote.total_vnd,
        lines=quote.lines_json(),
        now=now,
    )


def obligation_for_request(
    *, dossier: Any, amount_vnd: int, reason: str, now: datetime.datetime | None = None
) -> Obligation:
    """The holder asked to pay (``ask_to_pay``): the amount they set."""
    line = {"name": reason or _("Nghĩa vụ tài chính"), "base_vnd": amount_vnd}
    line.update({"amount_vnd": amount_vnd, "notes": []})
    return obligation_create(
        dossier=dossier,
        stage=DueAt.REQUEST,
        amount_vnd=amount_vnd,
        lines=[line],
        reason=reason,
        now=now,
    )


def _receipt_number(obligation: Obligation, now: datetime.datetime) -> str:
    return f"BL{timezone.localtime(now):%Y%m%d}-{obligation.pk:08d}"


# ------------------------------------------------------------ payments


def _move(payment: Payment, to: str, *, source: str, now: datetime.datetime, **detail: Any) -> None:
    if not can_move(payment.state, to):
        raise DomainError(
            _("Không thể chuyển lần thanh toán từ “%(a)s” sang “%(b)s”.")
            % {"a": payment.get_state_display(), "b": PaymentState(to).label},
            code="payment_transition_invalid",
        )
    PaymentTransition.objects.create(
        payment=payment, from_state=payment.state, to_state=to, source=source, at=now, detail=detail
    )
    payment.state = to
    payment.updated_at = now


def _new_reference(obligation: Obligation, now: datetime.datetime) -> str:
    """Unique per attempt: the dossier code, the time and a random tail."""
    code = "".join(ch for ch in obligation.dossier.code if ch.isalnum())[-16:]
    return f"{code}{timezone.localtime(now):%y%m%d%H%M%S}{secrets.token_hex(3).upper()}"


def _urls(reference: str, gateway: str) -> tuple[str, str]:
    base = settings.MOTCUA_PUBLIC_URL.rstrip("/")
    return (
        f"{base}/thanh-toan/ket-qua/{reference}/",
        f"{base}/thanh-toan/thong-bao/{gateway}/",
    )


@dataclass(frozen=True)
class StartResult:
    payment: Payment
    created: bool


def payment_start(
    *,
    obligation: Obligation,
    gateway: str,
    idempotency_key: str,
    client_ip: str = "",
    now: datetime.datetime | None = None,
    client: Gateway | None = None,
) -> StartResult:
    """Start (or, for the same key, return) one charge for ``obligation``.
    The row is written first (``created``), the gateway called after, so a
    retry with the same key never opens a second charge."""
    now = _now(now)
    key = idempotency_key.strip()
    if not key or len(key) > MAX_IDEMPOTENCY_KEY:
        raise DomainError(
            _("Thiếu hoặc sai khóa chống trùng (Idempotency-Key, tối đa 100 ký tự)."),
            code="idempotency_key_invalid",
        )
    if gateway not in ONLINE_GATEWAYS:
        raise DomainError(_("Không có cổng thanh toán này."), code="gateway_unknown")
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        existing = Payment.objects.filter(obligation=locked, idempotency_key=key).first()
        if existing is not None:
            if existing.gateway != gateway:
                raise DomainError(
                    _("Khóa chống trùng đã dùng cho một lần thanh toán khác."),
                    code="idempotency_key_reused",
                )
            return StartResult(payment=existing, created=False)
        if locked.state != ObligationState.DUE:
            raise DomainError(_("Khoản phí này không còn phải nộp."), code="obligation_not_due")
        payment = Payment.objects.create(
            obligation=locked,
            gateway=gateway,
            reference=_new_reference(locked, now),
            idempotency_key=key,
            amount_vnd=locked.amount_vnd,
            state=PaymentState.CREATED,
            created_at=now,
            updated_at=now,
            expires_at=now + datetime.timedelta(minutes=settings.MOTCUA_PAY_EXPIRY_MINUTES),
        )
    adapter = client or gateway_get(gateway)
    dossier = obligation.dossier
    cpv = dossier.configured_procedure_version
    return_url, notify_url = _urls(payment.reference, gateway)
    charge = Charge(
        reference=payment.reference,
        amount_vnd=payment.amount_vnd,
        description=_("Nộp phí hồ sơ %(code)s") % {"code": dossier.code},
        dossier_code=dossier.code,
        procedure_code=cpv.procedure_version.procedure.code,
        agency_code=str(obligation.agency.public_id),
        return_url=return_url,
        notify_url=notify_url,
        client_ip=client_ip,
        created_at=now,
    )
    try:
        started = adapter.start(charge)
    except GatewayError as exc:
        with transaction.atomic():
            row = Payment.objects.select_for_update().get(pk=payment.pk)
            _move(row, PaymentState.FAILED, source="start", now=_now(None), error=str(exc)[:300])
            row.save(update_fields=["state", "updated_at"])
        log.warning(
            "payment start failed", extra={"reference": payment.reference, "error": str(exc)}
        )
        raise GatewayUnavailable(
            _("Cổng thanh toán đang không trả lời. Vui lòng thử lại sau."),
            code="gateway_unavailable",
        ) from exc
    with transaction.atomic():
        row = Payment.objects.select_for_update().get(pk=payment.pk)
        if row.state == PaymentState.CREATED:
            _move(row, PaymentState.PENDING, source="start", now=_now(None))
            row.pay_url = started.pay_url
            row.save(update_fields=["state", "updated_at", "pay_url"])
    return StartResult(payment=row, created=True)


def mark_paid(
    payment: Payment,
    obligation: Obligation,
    *,
    source: str,
    now: datetime.datetime,
    txn: str = "",
    **detail: Any,
) -> None:
    """``payment`` (pending, its obligation locked and due) becomes the paid
    one: the obligation is met, its receipt numbered, and a request-stage
    dossier resumed after commit."""
    _move(payment, PaymentState.PAID, source=source, now=now, transaction=txn, **detail)
    payment.gateway_transaction = txn
    payment.paid_at = now
    payment.save()
    obligation.state = ObligationState.PAID
    obligation.paid_at = now
    obligation.receipt_number = _receipt_number(obligation, now)
    obligation.save(update_fields=["state", "paid_at", "receipt_number"])
    if obligation.stage == DueAt.REQUEST:
        from motcua.payments.tasks import resume_dossier_task

        ob_id = obligation.pk
        transaction.on_commit(lambda: resume_dossier_task.enqueue(obligation_id=ob_id))


@dataclass(frozen=True)
class Applied:
    outcome: str
    payment: Payment | None = None


def _settle(
    *, notice: Notice, source: str, now: datetime.datetime, expected_gateway: str
) -> Applied:
    """Apply a verified notice to its payment (locks obligation then payment)."""
    payment = (
        Payment.objects.filter(reference=notice.reference, gateway=expected_gateway)
        .select_related("obligation")
        .first()
    )
    if payment is None:
        return Applied(CallbackOutcome.UNKNOWN_REFERENCE)
    obligation = Obligation.objects.select_for_update().get(pk=payment.obligation_id)
    payment = Payment.objects.select_for_update().get(pk=payment.pk)
    if notice.status in ("paid", "failed") and notice.amount_vnd != payment.amount_vnd:
        return Applied(CallbackOutcome.WRONG_AMOUNT, payment)
    if notice.status == "paid":
        if payment.state == PaymentState.PAID:
            return Applied(CallbackOutcome.DUPLICATE, payment)
        if payment.state in (PaymentState.FAILED, PaymentState.REFUNDED):
            return Applied(CallbackOutcome.REPLAY, payment)
        if payment.state == PaymentState.CREATED:
            _move(payment, PaymentState.PENDING, source=source, now=now)
        if obligation.state == ObligationState.PAID:
            # Paid twice (two attempts both succeeded at the gateway): never
            # two successful charges — this one is to be refunded.
            _move(
                payment,
                PaymentState.REFUNDED,
                source=source,
                now=now,
                reason="obligation_already_paid",
                transaction=notice.transaction,
            )
            payment.gateway_transaction = notice.transaction
            payment.note = _("Đã nộp bằng lần thanh toán khác: hoàn tiền")
            payment.save()
            log.error("second successful charge refunded", extra={"reference": payment.reference})
            from motcua.payments.refunds import refund_request

            refund_request(payment=payment, actor=None, reason=payment.note, now=now)
            return Applied(CallbackOutcome.APPLIED, payment)
        mark_paid(payment, obligation, source=source, now=now, txn=notice.transaction)
        return Applied(CallbackOutcome.APPLIED, payment)
    if notice.status == "failed":
        if payment.state == PaymentState.FAILED:
            return Applied(CallbackOutcome.DUPLICATE, payment)
        if payment.state not in OPEN and payment.state != PaymentState.EXPIRED:
            return Applied(CallbackOutcome.REPLAY, payment)
        if payment.state == PaymentState.EXPIRED:
            return Applied(CallbackOutcome.DUPLICATE, payment)
        _move(payment, PaymentState.FAILED, source=source, now=now)
        payment.save()
        return Applied(CallbackOutcome.APPLIED, payment)
    return Applied(CallbackOutcome.DUPLICATE, payment)


def payment_callback(
    *,
    gateway: str,
    params: Mapping[str, str],
    remote_addr: str = "",
    now: datetime.datetime | None = None,
    client: Gateway | None = None,
) -> tuple[Applied, tuple[int, dict[str, str]]]:
    """A gateway's server-to-server callback: verified, applied once,
    recorded whatever happened; returns what to answer the gateway."""
    now = _now(now)
    adapter = client or gateway_get(gateway)
    reference = str(params.get("vnp_TxnRef") or params.get("MaThamChieu") or "")[:100]
    try:
        notice = adapter.verify_callback(params)
    except BadCallback as exc:
        applied = Applied(exc.outcome)
    else:
        try:
            with transaction.atomic():
                applied = _settle(
                    notice=notice, source="callback", now=now, expected_gateway=gateway
                )
        except IntegrityError:
            # The one-paid-per-obligation constraint fired under a race:
            # the other success won; answer so the gateway retries.
            applied = Applied(CallbackOutcome.MALFORMED)
    CallbackRecord.objects.create(
        gateway=gateway,
        reference=reference,
        outcome=applied.outcome,
        params={k: str(v)[:500] for k, v in list(params.items())[:60]},
        received_at=now,
        remote_addr=remote_addr[:64],
    )
    if applied.outcome not in (CallbackOutcome.APPLIED, CallbackOutcome.DUPLICATE):
        log.warning(
            "payment callback refused",
            extra={"gateway": gateway, "reference": reference, "outcome": applied.outcome},
        )
    return applied, adapter.callback_answer(applied.outcome)


def payment_refresh(
    *,
    payment: Payment,
    source: str = "sweep",
    now: datetime.datetime | None = None,
    client: Gateway | None = None,
) -> str:
    """Ask the gateway about one open payment and settle it; expire it when
    the gateway never saw it and it is past its time. Returns the outcome
    (``unchanged`` when nothing moved)."""
    now = _now(now)
    adapter = client or gateway_get(payment.gateway)
    try:
        notice = adapter.query(reference=payment.reference, created_at=payment.created_at)
    except GatewayError as exc:
        log.warning(
            "payment query failed", extra={"reference": payment.reference, "error": str(exc)}
        )
        return "error"
    with transaction.atomic():
        if notice.status in ("paid", "failed"):
            applied = _settle(
                notice=notice, source=source, now=now, expected_gateway=payment.gateway
            )
            return (
                str(applied.outcome) if applied.outcome == CallbackOutcome.APPLIED else "unchanged"
            )
        row = Payment.objects.select_for_update().get(pk=payment.pk)
        if row.state in OPEN and now >= row.expires_at:
            # Expired here only after the gateway confirms it holds no
            # money for it (not found or still unpaid) — lesson 4.
            if row.state == PaymentState.CREATED:
                _move(row, PaymentState.PENDING, source=source, now=now)
            _move(row, PaymentState.EXPIRED, source=source, now=now, gateway_status=notice.status)
            row.save()
            return "expired"
    return "unchanged"


@dataclass
class SweepReport:
    checked: int = 0
    settled: int = 0
    expired: int = 0
    errors: int = 0


def payments_reconcile(
    *,
    older_than: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
    limit: int = 10_000,
) -> SweepReport:
    """The sweep: every open payment older than ``older_than`` is asked
    about at its gateway and settled. A second run finds nothing to do."""
    now = _now(now)
    age = (
        older_than
        if older_than is not None
        else datetime.timedelta(minutes=settings.MOTCUA_PAY_SWEEP_AFTER_MINUTES)
    )
    report = SweepReport()
    open_rows = Payment.objects.filter(state__in=list(OPEN), created_at__lte=now - age).order_by(
        "created_at"
    )[:limit]
    clients: dict[str, Gateway] = {}
    for payment in open_rows:
        report.checked += 1
        client = clients.setdefault(payment.gateway, gateway_get(payment.gateway))
        outcome = payment_refresh(payment=payment, now=now, client=client)
        if outcome == CallbackOutcome.APPLIED:
            report.settled += 1
        elif outcome == "expired":
            report.expired += 1
        elif outcome == "error":
            report.errors += 1
    return report


def payment_get_by_reference(*, reference: str) -> Payment:
    payment = (
        Payment.objects.select_related("obligation__dossier").filter(reference=reference).first()
    )
    if payment is None:
        raise NotFound(_("Không tìm thấy lần thanh toán."), code="payment_not_found")
    return payment
