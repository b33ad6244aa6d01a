"""Drive a dossier and hand its national messages to the destinations the
way the outbox does: built by a hook inside each event's transaction (the
dossier as the event left it), delivered later in order, one key each."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossier_services
from motcua.dossiers.hooks import register_event_hook, unregister_event_hook
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import local
from motcua.national import delivery
from motcua.testing import Personas


class Collected:
    """What the hook collected: (dossier id, key, payload) per destination."""

    def __init__(self) -> None:
        self.portal: list[tuple[int, int, str, dict[str, Any]]] = []
        self.measurement: list[tuple[int, int, str, dict[str, Any]]] = []

    def hook(self, event: DossierEvent) -> None:
        for message in delivery.portal_messages(event):
            self.portal.append((event.dossier_id, event.pk, message.pop("_key"), message))
        for message in delivery.measurement_messages(event):
            self.measurement.append((event.dossier_id, event.pk, message.pop("_key"), message))

    def deliver(self) -> list[delivery.Outcome]:
        """Deliver what is waiting, in order, and forget it."""
        waiting, self.portal = self.portal, []
        return [
            delivery.deliver_portal(payload, key=key, dossier_id=dossier_id, event_id=event_id)
            for dossier_id, event_id, key, payload in waiting
        ]


@pytest.fixture
def collected() -> Iterator[Collected]:
    collector = Collected()
    register_event_hook("national-test", collector.hook)
    yield collector
    unregister_event_hook("national-test")


def submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return dossier_services.dossier_submit(
        actor=p.citizen,
        procedure=procedure,
        applicant=applicant,
        channel="online",
        now=local(2026, 3, 2, 8),
    )
