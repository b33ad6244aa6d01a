"""Results by post: the choice, the order at the carrier (sandbox over HTTP),
tracking updates by signed webhook and by polling, and the refusals."""

from __future__ import annotations

import json
from typing import Any

import pytest

from motcua.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from motcua.delivery import selectors, services
from motcua.delivery.events import delivery_failed
from motcua.delivery.models import DeliveryEvent, DeliveryOrder, OrderStatus
from motcua.delivery.tests.conftest import ask, fresh
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import advance
from motcua.integrations.vnpost.client import VnpostClient
from motcua.integrations.vnpost.sandbox import VnpostSandbox
from motcua.integrations.vnpost.signing import sign
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _sent(p: Personas, dossier: Dossier, sandbox: VnpostSandbox) -> DeliveryOrder:
    order = services.delivery_order_create(dossier=dossier, actor=p.officer)
    client = VnpostClient(base_url=sandbox.url, token=sandbox.token)
    return services.delivery_order_send(order_id=order.pk, carrier=client)


def _hook(sandbox: VnpostSandbox, order: DeliveryOrder, status: str, seq: int) -> str:
    body = json.dumps(
        {
            "order_code": order.order_code,
            "status": status,
            "seq": seq,
            "at": "2026-03-05T09:00:00+07:00",
            "note": "",
        }
    ).encode()
    return services.delivery_webhook_receive(
        body=body, signature=sign(body, secret=sandbox.secret), secret=sandbox.secret
    )


def test_result_by_post_to_delivered(
    personas: Personas, by_post: Dossier, vnpost_sandbox: VnpostSandbox
) -> None:
    p = personas
    ask(p, by_post)
    dossier = advance(by_post, p, 4)
    order = _sent(p, dossier, vnpost_sandbox)
    assert order.order_code in vnpost_sandbox.orders
    assert order.fee == 25_000 and order.status == OrderStatus.CREATED
    # a retried job changes nothing: the carrier answers the same order
    again = services.delivery_order_send(
        order_id=order.pk,
        carrier=VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token),
    )
    assert again.order_code == order.order_code and len(vnpost_sandbox.orders) == 1
    assert _hook(vnpost_sandbox, order, "picked_up", 2) == "applied"
    assert _hook(vnpost_sandbox, order, "in_transit", 3) == "applied"
    assert fresh(dossier).state == State.RESULT_READY
    assert _hook(vnpost_sandbox, order, "delivered", 4) == "applied"
    assert fresh(dossier).state == State.RETURNED
    views = selectors.deliveries_of_dossier(dossier=dossier)
    assert [e.status for e in views[0].events] == ["picked_up", "in_transit", "delivered"]


def test_failed_delivery_returns_to_counter_and_tells_subscribers(
    personas: Personas,
    result_ready: Dossier,
    vnpost_sandbox: VnpostSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = personas
    order = _sent(p, result_ready, vnpost_sandbox)
    heard: list[DeliveryOrder] = []

    def receiver(sender: Any, *, order: DeliveryOrder, **kwargs: Any) -> None:
        heard.append(order)

    delivery_failed.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert _hook(vnpost_sandbox, order, "failed", 2) == "applied"
    finally:
        delivery_failed.disconnect(receiver)
    assert [o.pk for o in heard] == [order.pk]
    order.refresh_from_db()
    assert order.returned_to_counter
    assert fresh(result_ready).state == State.RESULT_READY  # the counter hands it over
    # a late "delivered" after the failure is ignored
    assert _hook(vnpost_sandbox, order, "delivered", 3) == "ignored"
    assert fresh(result_ready).state == State.RESULT_READY


def test_out_of_order_repeated_unknown_and_unsigned_updates(
    personas: Personas, result_ready: Dossier, vnpost_sandbox: VnpostSandbox
) -> None:
    p = personas
    order = _sent(p, result_ready, vnpost_sandbox)
    assert _hook(vnpost_sandbox, order, "in_transit", 3) == "applied"
    assert _hook(vnpost_sandbox, order, "picked_up", 2) == "ignored"  # older
    assert _hook(vnpost_sandbox, order, "in_transit", 3) == "ignored"  # replay
    assert DeliveryEvent.objects.filter(order=order).count() == 1
    ghost = DeliveryOrder(order_code="EV999999999VN")
    with pytest.raises(NotFound) as unknown:
        _hook(vnpost_sandbox, ghost, "delivered", 9)
    assert unknown.value.code == "unknown_order"
    body = json.dumps({"order_code": order.order_code, "status": "delivered", "seq": 4}).encode()
    with pytest.raises(PermissionDenied) as unsigned:
        services.delivery_webhook_receive(
            body=body, signature=sign(body, secret="wrong"), secret=vnpost_sandbox.secret
        )
    assert unsigned.value.code == "invalid_signature"
    with pytest.raises(DomainError) as garbage:
        services.delivery_webhook_receive(
            body=b"[]",
            signature=sign(b"[]", secret=vnpost_sandbox.secret),
            secret=vnpost_sandbox.secret,
        )
    assert garbage.value.code == "invalid_carrier_update"
    order.refresh_from_db()
    assert order.status == OrderStatus.IN_TRANSIT


def test_polling_settles_a_lost_webhook_once(
    personas: Personas, result_ready: Dossier, vnpost_sandbox: VnpostSandbox
) -> None:
    p = personas
    order = _sent(p, result_ready, vnpost_sandbox)
    assert order.order_code is not None
    for status in ("picked_up", "in_transit", "delivered"):
        vnpost_sandbox.advance(order.order_code, status)  # no callback URL: webhook lost
    client = VnpostClient(base_url=vnpost_sandbox.url, token=vnpost_sandbox.token)
    assert services.delivery_poll(order=order, carrier=client) == 3
    order.refresh_from_db()
    assert services.delivery_poll(order=order, carrier=client) == 0
    assert order.status == OrderStatus.DELIVERED
    assert fresh(result_ready).state == State.RETURNED


def test_choice_rules(personas: Personas, by_post: Dossier) -> None:
    p = personas
    with pytest.raises(NotFound):
        services.postal_request_set(
            dossier=by_post,
            actor=p.officer_b,
            send_dossier=False,
            receive_result=True,
            receiver_name="X",
            receiver_phone="0900000000",
            receiver_address="Y",
        )
    procedure = by_post.configured_procedure_version.configured.procedure
    procedure.postal_eligible = False
    procedure.save()
    with pytest.raises(DomainError) as ineligible:
        ask(p, fresh(by_post))
    assert ineligible.value.code == "postal_not_eligible"
    procedure.postal_eligible = True
    procedure.save()
    ask(p, fresh(by_post), send_dossier=True)
    ready = advance(fresh(by_post), p, 4)
    with pytest.raises(DomainError) as late:
        ask(p, ready)
    assert late.value.code == "postal_not_changeable"


def test_order_rules(
    personas: Personas,
    by_post: Dossier,
    vnpost_sandbox: VnpostSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    p = personas
    ask(p, by_post)
    with pytest.raises(DomainError) as early:
        services.delivery_order_create(dossier=by_post, actor=p.officer)
    assert early.value.code == "result_not_ready"
    ready = advance(by_post, p, 4)
    with pytest.raises(PermissionDenied):
        services.delivery_order_create(dossier=ready, actor=p.officer_b)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.delivery_order_create(dossier=ready, actor=p.officer)
    assert len(callbacks) == 1  # the carrier is called after the commit, by a task
    assert not vnpost_sandbox.orders
    with pytest.raises(Conflict):
        services.delivery_order_create(dossier=ready, actor=p.officer)
