"""Background work of delivery (run by ``motcua db_worker``)."""

from __future__ import annotations

from django_tasks import task

from motcua.delivery.models import FINAL, DeliveryOrder


@task()
def send_delivery_order(order_id: int) -> str:
    """Give a requested order to the carrier (retried safely: see
    :func:`motcua.delivery.services.delivery_order_send`)."""
    from motcua.delivery.services import delivery_order_send
    from motcua.integrations.vnpost.client import carrier

    order = delivery_order_send(order_id=order_id, carrier=carrier())
    return order.order_code or ""


@task()
def poll_delivery_orders() -> int:
    """Periodic: ask the carrier about open orders whose webhook may be lost."""
    from motcua.delivery.services import delivery_poll
    from motcua.integrations.vnpost.client import carrier

    client = carrier()
    total = 0
    for order in DeliveryOrder.objects.exclude(status__in=FINAL).exclude(order_code=None):
        total += delivery_poll(order=order, carrier=client)
    return total
