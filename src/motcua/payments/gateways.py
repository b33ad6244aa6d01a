"""The ONE interface every payment gateway adapter implements, and the
registry that picks the configured adapter by name. Adapters live under
``motcua.integrations.<name>``; they speak HTTP to the real gateway (or its
sandbox) and know nothing of our models."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, Protocol

GatewayStatus = Literal["paid", "failed", "pending", "not_found"]


class BadCallback(Exception):
    """A callback that cannot be trusted or read (signature, format)."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


@dataclass(frozen=True)
class Charge:
    reference: str
    amount_vnd: int
    description: str
    dossier_code: str
    procedure_code: str
    agency_code: str
    return_url: str
    notify_url: str
    client_ip: str
    created_at: datetime.datetime


@dataclass(frozen=True)
class Started:
    pay_url: str


@dataclass(frozen=True)
class Notice:
    """A verified callback or query answer."""

    reference: str
    status: GatewayStatus
    amount_vnd: int
    transaction: str = ""


class GatewayError(Exception):
    """The gateway could not be reached or answered garbage."""


@dataclass(frozen=True)
class RefundRequest:
    """Send ``amount_vnd`` of the paid ``reference`` back; ``request_id`` is
    ours, the same on every try (the gateway answers a repeat as done)."""

    reference: str
    request_id: str
    amount_vnd: int
    transaction: str
    paid_at: datetime.datetime
    reason: str
    created_by: str


@dataclass(frozen=True)
class RefundAnswer:
    """A verified refund answer: ``refunded`` (now or by an earlier try of
    the same request) or ``refused`` (for good: ``code`` says why)."""

    status: Literal["refunded", "refused"]
    code: str = ""
    transaction: str = ""


class Gateway(Protocol):
    name: str

    def start(self, charge: Charge) -> Started: ...

    def query(self, *, reference: str, created_at: datetime.datetime) -> Notice: ...

    def verify_callback(self, params: Mapping[str, str]) -> Notice: ...

    def callback_answer(self, outcome: str) -> tuple[int, dict[str, str]]:
        """The HTTP status and JSON body the gateway expects for ``outcome``."""
        ...

    def refund(self, request: RefundRequest) -> RefundAnswer:
        """Send the money back (signed call). A network failure, a bad
        checksum or an answer about another transaction raises
        :class:`GatewayError` (try again later, same ``request_id``)."""
        ...


def gateway_get(name: str) -> Gateway:
    from django.conf import settings

    if name == "national":
        from motcua.integrations.national_pay.client import NationalPayClient

        return NationalPayClient(
            base_url=settings.MOTCUA_PAY_NATIONAL_URL,
            partner=settings.MOTCUA_PAY_NATIONAL_PARTNER,
            secret=settings.MOTCUA_PAY_NATIONAL_SECRET,
        )
    if name == "vnpay":
        from motcua.integrations.vnpay.client import VnpayClient

        return VnpayClient(
            base_url=settings.MOTCUA_PAY_VNPAY_URL,
            tmn_code=settings.MOTCUA_PAY_VNPAY_TMN_CODE,
            secret=settings.MOTCUA_PAY_VNPAY_SECRET,
        )
    raise KeyError(name)
