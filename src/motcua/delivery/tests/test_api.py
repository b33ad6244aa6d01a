"""The delivery API: the carrier's webhook over a real socket (sandbox →
live server), and the problem answers of the other operations."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from motcua.delivery import services
from motcua.delivery.models import DeliveryOrder, OrderStatus
from motcua.delivery.tests.conftest import fresh
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.integrations.vnpost.client import VnpostClient
from motcua.integrations.vnpost.sandbox import VnpostSandbox
from motcua.testing import Personas, assert_problem


@pytest.mark.django_db(transaction=True)
def test_signed_webhooks_over_http_deliver_the_result(
    personas: Personas, result_ready: Dossier, vnpost_sandbox: VnpostSandbox, live_server: Any
) -> None:
    vnpost_sandbox.callback_url = f"{live_server.url}/buu-chinh/thong-bao/"
    order = services.delivery_order_create(dossier=result_ready, actor=personas.officer)
    client = VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token)
    order = services.delivery_order_send(order_id=order.pk, carrier=client)
    assert order.order_code is not None
    vnpost_sandbox.advance(order.order_code, "picked_up")
    vnpost_sandbox.advance(order.order_code, "in_transit")
    replayed = vnpost_sandbox.orders[order.order_code].events[-1]
    assert vnpost_sandbox.post_webhook(replayed) == 200  # a replay: ignored, not an error
    assert vnpost_sandbox.post_webhook(replayed, secret="forged") == 403
    assert vnpost_sandbox.post_webhook({**replayed, "order_code": "EV404VN"}) == 404
    vnpost_sandbox.advance(order.order_code, "delivered")
    assert vnpost_sandbox.webhook_answers == [200, 200, 200, 403, 404, 200]
    order = DeliveryOrder.objects.get(pk=order.pk)
    assert order.status == OrderStatus.DELIVERED and order.last_seq == 4
    assert fresh(result_ready).state == State.RETURNED


@pytest.mark.django_db
def test_api_choice_order_and_read(personas: Personas, by_post: Dossier) -> None:
    citizen, officer = Client(), Client()
    citizen.force_login(personas.citizen)
    officer.force_login(personas.officer)
    base = f"/api/v1/delivery/dossiers/{by_post.code}"
    body = {
        "send_dossier": False,
        "receive_result": True,
        "receiver_name": "Nguyễn Văn An",
        "receiver_phone": "0912345678",
        "receiver_address": "Số 1, xã A",
    }
    answer = citizen.put(f"{base}/request", body, content_type="application/json")
    assert answer.status_code == 200, answer.content
    assert answer.json()["request"]["receive_result"] is True
    none: Any = citizen.put(
        f"{base}/request", {**body, "receive_result": False}, content_type="application/json"
    )
    assert_problem(none, status=400, code="postal_choice_required")
    early: Any = officer.post(f"{base}/orders", {}, content_type="application/json")
    assert_problem(early, status=400, code="result_not_ready")
    extra: Any = officer.post(f"{base}/orders", {"x": 1}, content_type="application/json")
    assert extra.status_code == 422
    assert officer.get(base).json() == {"request": answer.json()["request"], "orders": []}
