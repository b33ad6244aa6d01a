"""Refunds sent to the gateway. A refund is a row first (``Refund``, one per
payment: never refunded twice), sent after commit by a task; the gateway
deduplicates on our request id, so a retried call after a lost answer is
one refund. A temporary failure (gateway down, garbage, bad checksum, an
answer about another transaction) is recorded and retried with backoff by
the scheduled sweep; a refusal is recorded and logged at error level.

Two kinds: an officer's refund of a paid online payment, with a reason (the
payment moves ``paid → refunded`` through the state machine when the
gateway confirms; the obligation is then cancelled: nothing is owed for
it), and the automatic refund of a second successful charge (the payment
is already ``refunded`` in the state machine; the money still has to go
back)."""

from __future__ import annotations

import datetime
import logging
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.payments.gateways import Gateway, GatewayError, RefundRequest, gateway_get
from motcua.payments.models import Obligation, Payment, Refund, RefundState
from motcua.payments.services import _move
from motcua.payments.states import ONLINE_GATEWAYS, ObligationState, PaymentState

log = logging.getLogger("motcua.payments")

REFUND_SOURCE = "refund"
#: Tries of a refund before it is left failed for an administrator.
MAX_REFUND_ATTEMPTS = 10
BASE_DELAY = datetime.timedelta(minutes=5)
MAX_DELAY = datetime.timedelta(hours=6)


def _request_id(payment: Payment) -> str:
    return f"HT{payment.reference[-20:]}{secrets.token_hex(3).upper()}"[:32]


def _enqueue(refund_id: int) -> None:
    from motcua.payments.tasks import send_refund_task

    try:
        send_refund_task.enqueue(refund_id)
    except Exception:  # the sweep sends it later
        log.exception("could not enqueue refund %s", refund_id)


def refund_request(
    *,
    payment: Payment,
    actor: User | None,
    reason: str,
    now: datetime.datetime | None = None,
) -> Refund:
    """Ask for the money of ``payment`` back (once: a second request for the
    same payment is refused). Only a paid online payment, or one already
    marked ``refunded`` by the state machine (a second success)."""
    now = now or timezone.now()
    reason = " ".join(reason.split())[:500]
    if not reason:
        raise DomainError(_("Cần ghi lý do hoàn tiền."), code="refund_reason_required")
    if payment.gateway not in ONLINE_GATEWAYS:
        raise DomainError(
            _("Khoản nộp tại quầy được hoàn trả tại quầy, không qua cổng thanh toán."),
            code="refund_not_online",
        )
    try:
        with transaction.atomic():
            locked = Payment.objects.select_for_update().get(pk=payment.pk)
            if Refund.objects.filter(payment=locked).exists():
                raise DomainError(
                    _("Lần thanh toán này đã được yêu cầu hoàn tiền."), code="refund_exists"
                )
            if locked.state not in (PaymentState.PAID, PaymentState.REFUNDED):
                raise DomainError(
                    _("Chỉ hoàn tiền được lần thanh toán đã thành công."), code="refund_not_paid"
                )
            refund = Refund.objects.create(
                payment=locked,
                request_id=_request_id(locked),
                amount_vnd=locked.amount_vnd,
                reason=reason,
                requested_by=actor,
                state=RefundState.REQUESTED,
                next_attempt_at=now,
                created_at=now,
                updated_at=now,
            )
            refund_id = refund.pk
            transaction.on_commit(lambda: _enqueue(refund_id))
    except IntegrityError as exc:  # a concurrent request for the same payment
        raise DomainError(
            _("Lần thanh toán này đã được yêu cầu hoàn tiền."), code="refund_exists"
        ) from exc
    log.info(
        "refund requested",
        extra={"reference": payment.reference, "by": actor.pk if actor else None},
    )
    return refund


def _delay(attempts: int) -> datetime.timedelta:
    delay: datetime.timedelta = BASE_DELAY * (2 ** max(attempts - 1, 0))
    return min(MAX_DELAY, delay)


def refund_send(
    *, refund_id: int, now: datetime.datetime | None = None, client: Gateway | None = None
) -> str:
    """One try of one refund: its stored state first (a refund done or
    refused is never sent again), the gateway called outside any
    transaction, the answer recorded. Returns the refund's state."""
    now = now or timezone.now()
    with transaction.atomic():
        refund = Refund.objects.select_for_update().select_related("payment").get(pk=refund_id)
        if refund.state != RefundState.REQUESTED:
            return str(refund.state)
        refund.attempts += 1
        # A lease: a second worker leaves it alone while this one calls.
        refund.next_attempt_at = now + BASE_DELAY
        refund.updated_at = now
        refund.save(update_fields=["attempts", "next_attempt_at", "updated_at"])
    payment = refund.payment
    adapter = client or gateway_get(payment.gateway)
    request = RefundRequest(
        reference=payment.reference,
        request_id=refund.request_id,
        amount_vnd=refund.amount_vnd,
        transaction=payment.gateway_transaction,
        paid_at=payment.paid_at or payment.updated_at,
        reason=refund.reason,
        created_by=refund.requested_by.username if refund.requested_by else "he-thong",
    )
    try:
        answer = adapter.refund(request)
    except (GatewayError, ValueError, OSError) as exc:
        return _record_temporary(refund, str(exc), now)
    with transaction.atomic():
        row = Refund.objects.select_for_update().get(pk=refund.pk)
        if row.state != RefundState.REQUESTED:
            return str(row.state)
        row.updated_at, row.next_attempt_at = now, None
        if answer.status == "refunded":
            row.state = RefundState.REFUNDED
            row.gateway_transaction = answer.transaction[:64]
            row.last_error = ""
            _payment_refunded(row, now)
        else:
            row.state = RefundState.FAILED
            row.last_error = f"refused {answer.code}"[:300]
            log.error(
                "refund refused by the gateway",
                extra={"reference": payment.reference, "code": answer.code},
            )
        row.save()
    return str(row.state)


def _record_temporary(refund: Refund, error: str, now: datetime.datetime) -> str:
    with transaction.atomic():
        row = Refund.objects.select_for_update().get(pk=refund.pk)
        if row.state != RefundState.REQUESTED:
            return str(row.state)
        row.last_error = error[:300]
        row.updated_at = now
        if row.attempts >= MAX_REFUND_ATTEMPTS:
            row.state, row.next_attempt_at = RefundState.FAILED, None
            log.error("refund given up after %s tries: %s", row.attempts, error)
        else:
            row.next_attempt_at = now + _delay(row.attempts)
            log.warning("refund %s failed (will retry): %s", row.request_id, error)
        row.save()
    return str(row.state)


def _payment_refunded(refund: Refund, now: datetime.datetime) -> None:
    """The gateway confirmed: a paid payment moves to ``refunded`` and its
    obligation is cancelled (a second success is ``refunded`` already)."""
    payment = Payment.objects.select_for_update().get(pk=refund.payment_id)
    if payment.state == PaymentState.PAID:
        Obligation.objects.select_for_update().filter(pk=payment.obligation_id).update(
            state=ObligationState.CANCELLED
        )
        _move(
            payment,
            PaymentState.REFUNDED,
            source=REFUND_SOURCE,
            now=now,
            request_id=refund.request_id,
            reason=refund.reason,
        )
        payment.note = (_("Đã hoàn tiền: %(r)s") % {"r": refund.reason})[:300]
        payment.save(update_fields=["state", "updated_at", "note"])


def refunds_resend_due(*, now: datetime.datetime | None = None, limit: int = 200) -> int:
    """The sweep: refunds whose next try is due (a temporary failure, a
    lost enqueue, a worker killed mid-call). Returns how many were tried."""
    now = now or timezone.now()
    ids = list(
        Refund.objects.filter(state=RefundState.REQUESTED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    for refund_id in ids:
        refund_send(refund_id=refund_id, now=now)
    return len(ids)
