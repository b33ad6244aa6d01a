"""Payments at the one-stop counter: an officer records a cash or
bank-transfer payment of a dossier's due obligation. It is a ``Payment``
like an online one (gateway ``counter``), moved through the ONE state
machine (``created → pending → paid``, source ``counter``) in one
transaction, with the same electronic receipt. The bank transfer is made to
the unit's account with a VietQR (NAPAS EMVCo) code for the exact amount
and the dossier's code as purpose, shown on the fee notice."""

from __future__ import annotations

import datetime
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.core.errors import DomainError, PermissionDenied
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import holds_role, roles_of
from motcua.payments import fees
from motcua.payments.models import Obligation, Payment
from motcua.payments.services import _move, _new_reference, mark_paid, obligation_create
from motcua.payments.states import (
    CounterMethod,
    DueAt,
    GatewayName,
    ObligationState,
    PaymentState,
)
from motcua.payments.vietqr import vietqr_payload

log = logging.getLogger("motcua.payments")

COUNTER_SOURCE = "counter"


def require_counter_officer(*, dossier: Dossier, actor: User) -> None:
    """Only a one-stop officer of the dossier's receiving agency collects at
    the counter."""
    agency = dossier.receiving_agency
    if not holds_role(
        roles_of(actor, dossier=dossier),
        agency_id=agency.pk,
        province_id=agency.province_id,
        roles=[Role.ONE_STOP_OFFICER],
    ):
        raise PermissionDenied(
            _("Chỉ cán bộ một cửa của đơn vị tiếp nhận mới ghi nhận được khoản nộp tại quầy."),
            code="not_one_stop_officer",
        )


def obligation_for_counter(
    *, dossier: Dossier, actor: User, now: datetime.datetime | None = None
) -> Obligation | None:
    """A dossier filed at the counter owes the fees of its pinned procedure
    for the counter channel (exemptions and reductions by rule; no online
    discount): the officer draws up the fee notice once. ``None`` when there
    is nothing chargeable or the dossier already has an obligation."""
    require_counter_officer(dossier=dossier, actor=actor)
    cpv = dossier.configured_procedure_version
    rules, _discount, _due_at = fees.rules_for(configured_id=cpv.configured_id)
    quote = fees.fee_quote_compute(
        fees=cpv.fees,
        channel=dossier.channel,
        form_data=dossier.form_data or {},
        rules=rules,
        online_discount_percent=0,
    )
    if not quote.lines:
        return None
    with transaction.atomic():
        Dossier.objects.select_for_update().filter(pk=dossier.pk).first()
        if Obligation.objects.filter(dossier=dossier).exists():
            return None
        return obligation_create(
            dossier=dossier,
            stage=DueAt.SUBMISSION,
            amount_vnd=quote.total_vnd,
            lines=quote.lines_json(),
            now=now,
        )


def payment_record_counter(
    *,
    obligation: Obligation,
    actor: User,
    method: str,
    idempotency_key: str,
    note: str = "",
    now: datetime.datetime | None = None,
) -> Payment:
    """The officer took the money (cash) or saw the transfer arrive: the
    obligation is paid. The form's key makes a double click one payment; an
    obligation no longer due is refused (never two successful charges: the
    partial unique index holds it too)."""
    now = now or timezone.now()
    if method not in CounterMethod.values:
        raise DomainError(
            _("Chọn hình thức nộp: tiền mặt hoặc chuyển khoản."), code="method_invalid"
        )
    key = idempotency_key.strip()[:100] or f"counter-{uuid.uuid4().hex}"
    require_counter_officer(dossier=obligation.dossier, actor=actor)
    with transaction.atomic():
        locked = Obligation.objects.select_for_update().get(pk=obligation.pk)
        existing = Payment.objects.filter(obligation=locked, idempotency_key=key).first()
        if existing is not None:
            return existing
        if locked.state != ObligationState.DUE:
            raise DomainError(_("Khoản phí này không còn phải nộp."), code="obligation_not_due")
        payment = Payment.objects.create(
            obligation=locked,
            gateway=GatewayName.COUNTER,
            reference=_new_reference(locked, now),
            idempotency_key=key,
            amount_vnd=locked.amount_vnd,
            state=PaymentState.CREATED,
            created_at=now,
            updated_at=now,
            expires_at=now,
            note=(f"{CounterMethod(method).label}. {note.strip()}".strip(". ") or "")[:300],
        )
        _move(payment, PaymentState.PENDING, source=COUNTER_SOURCE, now=now, by=actor.pk)
        mark_paid(payment, locked, source=COUNTER_SOURCE, now=now, method=method, by=actor.pk)
    log.info(
        "counter payment recorded",
        extra={"reference": payment.reference, "method": method, "officer": actor.pk},
    )
    return payment


def vietqr_for(*, obligation: Obligation) -> str:
    """The VietQR payload to transfer the obligation's amount to the unit's
    account (``MOTCUA_PAY_BANK_BIN`` / ``MOTCUA_PAY_BANK_ACCOUNT``), the
    dossier's code as purpose; empty when no account is configured."""
    bank_bin = str(settings.MOTCUA_PAY_BANK_BIN)
    account = str(settings.MOTCUA_PAY_BANK_ACCOUNT)
    if not bank_bin or not account or obligation.amount_vnd <= 0:
        return ""
    purpose = f"NOP PHI HO SO {obligation.dossier.code}"
    return vietqr_payload(
        bank_bin=bank_bin, account=account, amount_vnd=obligation.amount_vnd, purpose=purpose
    )


def vietqr_svg(payload: str) -> str:
    """The QR code as an inline SVG (``segno``), with a title for screen
    readers."""
    import io

    import segno

    out = io.BytesIO()
    segno.make(payload, error="m").save(
        out,
        kind="svg",
        scale=4,
        border=2,
        xmldecl=False,
        svgns=True,
        title="Mã VietQR chuyển khoản",
        svgclass="vietqr",
    )
    return out.getvalue().decode()
