"""Reads of delivery: what the dossier page and the public tracking page show."""

from __future__ import annotations

from dataclasses import dataclass

from motcua.delivery.models import DeliveryEvent, DeliveryOrder, PostalRequest
from motcua.dossiers.models import Dossier


@dataclass(frozen=True)
class DeliveryView:
    order: DeliveryOrder
    events: tuple[DeliveryEvent, ...]


def deliveries_of_dossier(*, dossier: Dossier) -> tuple[DeliveryView, ...]:
    """The dossier's orders with their tracking events (the caller has
    already checked that the reader may see the dossier)."""
    orders = list(DeliveryOrder.objects.filter(dossier=dossier).order_by("created_at", "pk"))
    events: dict[int, list[DeliveryEvent]] = {o.pk: [] for o in orders}
    for event in DeliveryEvent.objects.filter(order__in=orders).order_by("seq"):
        events[event.order_id].append(event)
    return tuple(DeliveryView(order=o, events=tuple(events[o.pk])) for o in orders)


def postal_request_of_dossier(*, dossier: Dossier) -> PostalRequest | None:
    return PostalRequest.objects.filter(dossier=dossier).first()
