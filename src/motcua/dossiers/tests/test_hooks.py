"""The event-hook registry: every event runs the hooks inside its own
transaction, with the dossier as the event left it; a failing hook rolls the
whole action back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.dossiers.hooks import (
    earlier_events,
    register_event_hook,
    registered_hooks,
    unregister_event_hook,
)
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


def test_the_earlier_events_are_read_once_per_event_for_every_hook(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    django_assert_num_queries: Any,
) -> None:
    """``earlier_events``: one query the first time a hook of an event asks,
    none for the next hooks of the same event (the scorecards and the
    national destination share it), none for a submission."""
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    d = services.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    first = DossierEvent.objects.get(dossier=d, seq=1)
    with django_assert_num_queries(0):
        assert earlier_events(first) == []
    event = DossierEvent.objects.select_related("dossier").get(dossier=d, seq=2)
    with django_assert_num_queries(1):
        seen = [earlier_events(event) for _hook in range(3)]
    assert [[e.action for e in got] for got in seen] == [["submit"]] * 3
    assert seen[0] is seen[1] is seen[2]
    # A fresh object of the same event reads again (nothing is kept elsewhere).
    again = DossierEvent.objects.get(pk=event.pk)
    with django_assert_num_queries(1):
        assert [e.seq for e in earlier_events(again)] == [1]


def test_a_forward_reads_the_earlier_events_once_for_all_hooks(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    """After a step inside processing both the scorecards and the national
    destination need the earlier events: the dossier's event table is read
    once for that event."""
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    d = services.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    with CaptureQueriesContext(connection) as captured:
        services.dossier_forward(
            dossier=d, actor=personas.officer, expected_version=2, now=local(2026, 3, 2, 10)
        )
    table = DossierEvent._meta.db_table
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if q["sql"].lstrip().upper().startswith("SELECT") and f'FROM "{table}"' in q["sql"]
    ]
    assert len(reads) == 1, reads
