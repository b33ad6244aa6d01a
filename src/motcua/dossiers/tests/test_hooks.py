"""The event-hook registry: every event runs the hooks inside its own
transaction, with the dossier as the event left it; a failing hook rolls the
whole action back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.dossiers.hooks import register_event_hook, registered_hooks, unregister_event_hook
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.tests.factories import local
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def seen() -> Iterator[list[tuple[str, int, str, int]]]:
    log: list[tuple[str, int, str, int]] = []

    def hook(event: DossierEvent) -> None:
        stored = Dossier.objects.get(pk=event.dossier_id)
        log.append((event.action, event.seq, str(event.dossier.state), stored.version))

    register_event_hook("test.seen", hook)
    yield log
    unregister_event_hook("test.seen")


def test_the_project_hooks_are_registered() -> None:
    assert {"payments.obligation", "notifications.notify"} <= set(registered_hooks())


def test_every_event_runs_the_hooks_inside_its_transaction(
    seen: list[tuple[str, int, str, int]],
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    services.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    # The hook sees the dossier row already written by the same transaction.
    assert seen == [
        ("submit", 1, str(State.SUBMITTED), 1),
        ("accept", 2, str(State.PROCESSING), 2),
    ]


def test_a_failing_hook_rolls_the_action_back(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )

    def broken(event: DossierEvent) -> None:
        raise RuntimeError("hook down")

    register_event_hook("test.broken", broken)
    try:
        with pytest.raises(RuntimeError):
            services.dossier_accept(
                dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
            )
    finally:
        unregister_event_hook("test.broken")
    stored = Dossier.objects.get(pk=d.pk)
    assert (stored.version, stored.state) == (1, State.SUBMITTED)
    assert DossierEvent.objects.filter(dossier=d).count() == 1
    # The in-memory dossier is as it was, so the officer can simply retry.
    assert (d.version, d.state) == (1, State.SUBMITTED)
    d = services.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    assert d.state == State.PROCESSING
