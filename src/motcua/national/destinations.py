"""The two national destinations of the outbox (decision 0038/0039):
``national_portal`` (dossier record and progress to DVCQG) and
``measurement`` (EMC dossier events). Thin: the work is in
:mod:`motcua.national.delivery`."""

from __future__ import annotations

from typing import Any

from motcua.dossiers.models import DossierEvent
from motcua.national import delivery
from motcua.outbox.destinations import Delivered, Failed
from motcua.outbox.models import OutboxMessage


def _result(outcome: delivery.Outcome) -> Delivered | Failed:
    if outcome.ok:
        return Delivered(answer=outcome.answer)
    return Failed(reason=outcome.reason, permanent=outcome.permanent, answer=outcome.answer)


class NationalPortalDestination:
    name = delivery.PORTAL

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]:
        return delivery.portal_messages(event)

    def deliver(self, message: OutboxMessage) -> Delivered | Failed:
        return _result(
            delivery.deliver_portal(
                dict(message.payload),
                key=message.key,
                dossier_id=message.dossier_id,
                event_id=message.event_id,
            )
        )


class MeasurementDestination:
    name = delivery.MEASUREMENT

    def messages_for(self, event: DossierEvent) -> list[dict[str, Any]]:
        return delivery.measurement_messages(event)

    def deliver(self, message: OutboxMessage) -> Delivered | Failed:
        return _result(
            delivery.deliver_measurement(
                dict(message.payload),
                key=message.key,
                dossier_id=message.dossier_id,
                event_id=message.event_id,
            )
        )
