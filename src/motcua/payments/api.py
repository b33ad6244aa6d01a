"""The payments API (mounted at ``/api/v1/payments``): a dossier's
obligations with their payments, starting a charge (one per
``Idempotency-Key``), reading a payment with its transitions. Only who may
see the dossier sees its payments; only its applicant (or who filed it)
starts a charge. Errors are problem+json with stable codes."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal, cast

from django.http import HttpRequest
from ninja import Router, Schema, Status
from ninja.params import functions as param
from pydantic import Field

from motcua.accounts.models import User
from motcua.api.auth import STAFF_AUTH
from motcua.core.errors import NotFound, PermissionDenied
from motcua.core.throttling import client_address, throttle_request
from motcua.dossiers import selectors as dossier_selectors
from motcua.payments import selectors, services
from motcua.payments.models import Obligation, Payment

router = Router(tags=["Thanh toán"])

CODE_PATTERN = "^[A-Za-z0-9.\\-]{1,64}$"
REFERENCE_PATTERN = "^[A-Za-z0-9\\-]{1,40}$"


class TransitionOut(Schema):
    from_state: str
    to_state: str
    source: str
    at: datetime.datetime


class PaymentOut(Schema):
    public_id: uuid.UUID
    reference: str
    gateway: str
    amount_vnd: int
    state: str
    state_label: str
    pay_url: str
    created_at: datetime.datetime
    expires_at: datetime.datetime
    paid_at: datetime.datetime | None
    transitions: list[TransitionOut]


class LineOut(Schema):
    name: str
    base_vnd: int
    amount_vnd: int
    notes: list[str]


class ObligationOut(Schema):
    public_id: uuid.UUID
    stage: str
    amount_vnd: int
    state: str
    state_label: str
    lines: list[LineOut]
    receipt_number: str | None
    created_at: datetime.datetime
    paid_at: datetime.datetime | None
    payments: list[PaymentOut]


class StartIn(Schema):
    gateway: Literal["national", "vnpay"] = Field(description="Cổng thanh toán")


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _payment_out(p: Payment) -> PaymentOut:
    return PaymentOut(
        public_id=p.public_id,
        reference=p.reference,
        gateway=p.gateway,
        amount_vnd=p.amount_vnd,
        state=p.state,
        state_label=p.get_state_display(),
        pay_url=p.pay_url,
        created_at=p.created_at,
        expires_at=p.expires_at,
        paid_at=p.paid_at,
        transitions=[
            TransitionOut(from_state=t.from_state, to_state=t.to_state, source=t.source, at=t.at)
            for t in p.transitions.all()
        ],
    )


def _obligation_out(o: Obligation) -> ObligationOut:
    return ObligationOut(
        public_id=o.public_id,
        stage=o.stage,
        amount_vnd=o.amount_vnd,
        state=o.state,
        state_label=o.get_state_display(),
        lines=[LineOut(**line) for line in o.lines],
        receipt_number=o.receipt_number,
        created_at=o.created_at,
        paid_at=o.paid_at,
        payments=[_payment_out(p) for p in o.payments.all()],
    )


@router.get(
    "/dossiers/{code}/obligations",
    response=list[ObligationOut],
    auth=STAFF_AUTH,
    summary="Nghĩa vụ tài chính của hồ sơ và các lần thanh toán",
)
def obligations(
    request: HttpRequest, code: Annotated[str, param.Path(pattern=CODE_PATTERN)]
) -> list[ObligationOut]:
    dossier = dossier_selectors.dossier_get_for_user(user=_user(request), code=code)
    return [_obligation_out(o) for o in selectors.obligations_of_dossier(dossier_id=dossier.pk)]


@router.post(
    "/obligations/{obligation}/payments",
    response={200: PaymentOut, 201: PaymentOut},
    auth=STAFF_AUTH,
    summary="Bắt đầu thanh toán một nghĩa vụ tài chính",
)
def start(
    request: HttpRequest,
    obligation: uuid.UUID,
    payload: StartIn,
    idempotency_key: Annotated[
        str, param.Header(alias="Idempotency-Key", min_length=1, max_length=100)
    ],
) -> Status[PaymentOut]:
    user = _user(request)
    row = Obligation.objects.select_related("dossier").filter(public_id=obligation).first()
    if row is None:
        raise NotFound("Không tìm thấy nghĩa vụ tài chính.", code="obligation_not_found")
    dossier = dossier_selectors.dossier_get_for_user(user=user, code=row.dossier.code)
    if dossier.applicant.user_id != user.pk and dossier.submitted_by_id != user.pk:
        raise PermissionDenied("Chỉ người nộp hồ sơ được thanh toán.", code="payment_not_applicant")
    throttle_request(request=request, scope="pay", setting="MOTCUA_THROTTLE_PAY")
    result = services.payment_start(
        obligation=row,
        gateway=payload.gateway,
        idempotency_key=idempotency_key,
        client_ip=client_address(request),
    )
    return Status(201 if result.created else 200, _payment_out(result.payment))


@router.get(
    "/{reference}",
    response=PaymentOut,
    auth=STAFF_AUTH,
    summary="Một lần thanh toán và các lần chuyển trạng thái",
)
def payment(
    request: HttpRequest, reference: Annotated[str, param.Path(pattern=REFERENCE_PATTERN)]
) -> PaymentOut:
    try:
        row = services.payment_get_by_reference(reference=reference)
        dossier_selectors.dossier_get_for_user(
            user=_user(request), code=row.obligation.dossier.code
        )
    except NotFound:
        raise NotFound("Không tìm thấy lần thanh toán.", code="payment_not_found") from None
    return _payment_out(row)
