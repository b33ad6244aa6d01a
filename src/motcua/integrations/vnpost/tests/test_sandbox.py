"""The adapter against the sandbox over a real socket."""

from __future__ import annotations

import json
import urllib.request

import pytest

from motcua.integrations.vnpost.client import CarrierError, Receiver, VnpostClient
from motcua.integrations.vnpost.sandbox import VnpostSandbox, fee_for
from motcua.integrations.vnpost.signing import sign, verify

RECEIVER = Receiver(name="Nguyễn Văn An", phone="0912345678", address="Số 1, xã A")


def test_create_order_is_idempotent_by_reference(vnpost_sandbox: VnpostSandbox) -> None:
    client = VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token)
    first = client.create_order(reference="R-1", receiver=RECEIVER, weight_grams=1200)
    again = client.create_order(reference="R-1", receiver=RECEIVER, weight_grams=1200)
    assert first == again
    assert first.fee == fee_for(1200) == 35_000
    assert len(vnpost_sandbox.orders) == 1
    status, events = client.order_status(order_code=first.order_code)
    assert status == "created" and [e["seq"] for e in events] == [1]


def test_wrong_token_and_unknown_order_are_errors(vnpost_sandbox: VnpostSandbox) -> None:
    bad = VnpostClient(base_url=vnpost_sandbox.url, token="wrong")
    with pytest.raises(CarrierError) as refused:
        bad.create_order(reference="R-2", receiver=RECEIVER, weight_grams=100)
    assert refused.value.temporary is False
    good = VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token)
    with pytest.raises(CarrierError):
        good.order_status(order_code="EV000000000VN")


def test_carrier_down_is_a_temporary_error() -> None:
    client = VnpostClient(base_url="http://127.0.0.1:19349", token="t", timeout=2)
    with pytest.raises(CarrierError) as down:
        client.create_order(reference="R-3", receiver=RECEIVER, weight_grams=100)
    assert down.value.temporary is True


def test_advance_records_events_over_http(vnpost_sandbox: VnpostSandbox) -> None:
    client = VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token)
    order = client.create_order(reference="R-4", receiver=RECEIVER, weight_grams=100)
    request = urllib.request.Request(  # noqa: S310
        f"{vnpost_sandbox.url}/_sandbox/orders/{order.order_code}/advance",
        data=json.dumps({"status": "picked_up"}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
        event = json.loads(answer.read())
    assert event["seq"] == 2 and event["status"] == "picked_up"
    assert client.order_status(order_code=order.order_code)[0] == "picked_up"


def test_signature() -> None:
    body = b'{"a": 1}'
    assert verify(body, sign(body, secret="s"), secret="s")
    assert not verify(body, sign(body, secret="other"), secret="s")
    assert not verify(body, "", secret="s")
    assert not verify(body, sign(body, secret=""), secret="")
