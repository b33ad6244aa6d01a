"""The carrier adapter: one small typed interface (:class:`Carrier`) and its
VNPost-style HTTP implementation. The domain (``motcua.delivery``) only
sees :class:`Carrier`, :class:`CarrierOrder` and :class:`CarrierError`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings

#: The carrier's published tariff (đồng): a base price for the first 500 g
#: and a step per started 500 g above it. Shown to the applicant as an
#: estimate before filing; what is recorded is the fee the carrier answers.
BASE_FEE = 25_000
PER_500G = 5_000


def published_fee(weight_grams: int = 500) -> int:
    """The shipping fee of the published tariff for ``weight_grams``."""
    extra = max(0, (weight_grams - 1) // 500)
    return BASE_FEE + PER_500G * extra


class CarrierError(Exception):
    """The carrier refused the order or could not be reached; ``temporary``
    says whether trying again later may succeed."""

    def __init__(self, message: str, *, temporary: bool) -> None:
        super().__init__(message)
        self.temporary = temporary


@dataclass(frozen=True)
class Receiver:
    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class CarrierOrder:
    order_code: str
    reference: str
    status: str
    fee: int


class Carrier(Protocol):
    def create_order(
        self, *, reference: str, receiver: Receiver, weight_grams: int
    ) -> CarrierOrder: ...

    def order_status(self, *, order_code: str) -> tuple[str, list[dict[str, Any]]]: ...


class VnpostClient:
    """HTTP client of the VNPost-style API (see the sandbox's docstring)."""

    def __init__(self, *, base_url: str, token: str, timeout: float = 10.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method: str, path: str, payload: dict[str, Any] | None = None) -> Any:
        body = None if payload is None else json.dumps(payload).encode()
        request = urllib.request.Request(  # noqa: S310 (the configured http(s) URL)
            self.base_url + path,
            data=body,
            method=method,
            headers={"Content-Type": "application/json", "Token": self.token},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                raw = answer.read()
        except urllib.error.HTTPError as error:
            raise CarrierError(
                f"carrier answered {error.code}", temporary=error.code >= 500
            ) from error
        except OSError as error:
            raise CarrierError(f"carrier unreachable: {error}", temporary=True) from error
        try:
            return json.loads(raw)
        except ValueError as error:
            raise CarrierError("carrier answered garbage", temporary=True) from error

    def create_order(
        self, *, reference: str, receiver: Receiver, weight_grams: int
    ) -> CarrierOrder:
        data = self._call(
            "POST",
            "/api/v1/orders",
            {
                "reference": reference,
                "receiver": {
                    "name": receiver.name,
                    "phone": receiver.phone,
                    "address": receiver.address,
                },
                "weight_grams": weight_grams,
                "service": "hcc",  # hành chính công
            },
        )
        try:
            return CarrierOrder(
                order_code=str(data["order_code"]),
                reference=str(data["reference"]),
                status=str(data["status"]),
                fee=int(data["fee"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise CarrierError("carrier answered garbage", temporary=True) from error

    def order_status(self, *, order_code: str) -> tuple[str, list[dict[str, Any]]]:
        data = self._call("GET", f"/api/v1/orders/{order_code}")
        try:
            return str(data["status"]), list(data["events"])
        except (KeyError, TypeError) as error:
            raise CarrierError("carrier answered garbage", temporary=True) from error


def carrier() -> Carrier:
    """The configured carrier (settings ``VNPOST_*``)."""
    return VnpostClient(base_url=settings.VNPOST_BASE_URL, token=settings.VNPOST_TOKEN)
