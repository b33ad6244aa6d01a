"""The delivery API (``/api/v1/delivery``): the applicant's postal choice,
the officer's order and the tracking read. The carrier's signed webhook is
a plain view (:func:`motcua.delivery.views.carrier_webhook`): it is
authenticated by its signature, not by an API token."""

from __future__ import annotations

import datetime
from typing import Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.accounts.models import User
from motcua.api.auth import STAFF_AUTH, SUBMIT_AUTH
from motcua.api.schemas import StrictIn
from motcua.core.throttling import throttle_request
from motcua.delivery import selectors, services
from motcua.delivery.models import Direction
from motcua.dossiers.selectors import dossier_get_for_user

router = Router(tags=["Bưu chính công ích"])


class PostalRequestIn(StrictIn):
    send_dossier: bool = False
    receive_result: bool = True
    receiver_name: str = Field(min_length=1, max_length=200)
    receiver_phone: str = Field(min_length=1, max_length=20)
    receiver_address: str = Field(min_length=1, max_length=500)


class PostalRequestOut(Schema):
    send_dossier: bool
    receive_result: bool
    receiver_name: str
    receiver_phone: str
    receiver_address: str


class OrderIn(StrictIn):
    direction: Literal["send_dossier", "receive_result"] = "receive_result"
    weight_grams: int = Field(default=500, ge=1, le=30_000)


class DeliveryEventOut(Schema):
    seq: int
    status: str
    at: datetime.datetime
    note: str


class OrderOut(Schema):
    direction: str
    order_code: str | None
    status: str
    status_label: str
    fee: int | None
    events: list[DeliveryEventOut]


class DeliveryOut(Schema):
    request: PostalRequestOut | None
    orders: list[OrderOut]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _delivery(code: str, user: User) -> DeliveryOut:
    dossier = dossier_get_for_user(user=user, code=code)
    request = selectors.postal_request_of_dossier(dossier=dossier)
    return DeliveryOut(
        request=None
        if request is None
        else PostalRequestOut(
            send_dossier=request.send_dossier,
            receive_result=request.receive_result,
            receiver_name=request.receiver_name,
            receiver_phone=request.receiver_phone,
            receiver_address=request.receiver_address,
        ),
        orders=[
            OrderOut(
                direction=view.order.direction,
                order_code=view.order.order_code,
                status=view.order.status,
                status_label=str(view.order.get_status_display()),
                fee=view.order.fee,
                events=[
                    DeliveryEventOut(seq=e.seq, status=e.status, at=e.at, note=e.note)
                    for e in view.events
                ],
            )
            for view in selectors.deliveries_of_dossier(dossier=dossier)
        ],
    )


@router.get(
    "/dossiers/{code}", response=DeliveryOut, auth=STAFF_AUTH, summary="Bưu chính của hồ sơ"
)
def delivery_get(request: HttpRequest, code: str) -> DeliveryOut:
    return _delivery(code, _user(request))


@router.put(
    "/dossiers/{code}/request",
    response=DeliveryOut,
    auth=SUBMIT_AUTH,
    summary="Chọn gửi hồ sơ, nhận kết quả qua bưu chính",
)
def postal_request_put(request: HttpRequest, code: str, payload: PostalRequestIn) -> DeliveryOut:
    user = _user(request)
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    dossier = dossier_get_for_user(user=user, code=code)
    services.postal_request_set(dossier=dossier, actor=user, **payload.dict())
    return _delivery(code, user)


@router.post(
    "/dossiers/{code}/orders",
    response={201: DeliveryOut},
    auth=STAFF_AUTH,
    summary="Tạo vận đơn bưu chính",
)
def order_create(request: HttpRequest, code: str, payload: OrderIn) -> Status[DeliveryOut]:
    user = _user(request)
    dossier = dossier_get_for_user(user=user, code=code)
    services.delivery_order_create(
        dossier=dossier,
        actor=user,
        direction=Direction(payload.direction),
        weight_grams=payload.weight_grams,
    )
    return Status(201, _delivery(code, user))
