"""The outbox: rows written with the event, delivered in order per dossier,
retried with backoff, dead after repeated refusals, resent or skipped by an
administrator, and taken back from a worker whose lease ran out."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossiers
from motcua.dossiers.hooks import register_event_hook, registered_hooks, unregister_event_hook
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import local
from motcua.outbox import services
from motcua.outbox.destinations import (
    Delivered,
    Failed,
    register_destination,
    unregister_destination,
)
from motcua.outbox.models import OutboxAttempt, OutboxMessage, State
from motcua.outbox.testing import RecordingDestination
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def sink() -> Iterator[RecordingDestination]:
    destination = RecordingDestination()
    register_destination(destination)
    yield destination
    unregister_destination(destination.name)


@pytest.fixture(autouse=True)
def _quick(settings: Any) -> None:
    settings.MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES = 2
    settings.MOTCUA_OUTBOX_BACKOFF_BASE_SECONDS = 10
    settings.MOTCUA_OUTBOX_BACKOFF_CAP_SECONDS = 100


def _submit(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return dossiers.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )


def _accept(d: Dossier, personas: Personas) -> Dossier:
    return dossiers.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=d.version, now=local(2026, 3, 2, 9)
    )


def _later(seconds: int = 10**6) -> datetime.datetime:
    return timezone.now() + datetime.timedelta(seconds=seconds)


def _drain_at(now: datetime.datetime) -> int:
    token = services.worker_token()
    done = 0
    while rows := services.claim_batch(token=token, limit=10, now=now):
        for row in rows:
            services.message_deliver(message=row, token=token, now=now)
            done += 1
    return done


def test_the_hook_is_registered() -> None:
    assert "outbox" in registered_hooks()


def test_each_event_writes_one_row_per_destination_in_its_transaction(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    other = RecordingDestination(name="other", actions=("accept",))
    register_destination(other)
    try:
        d = _accept(_submit(personas, procedure, applicant), personas)
    finally:
        unregister_destination("other")
    rows = list(OutboxMessage.objects.order_by("id").values_list("destination", "payload"))
    assert [(dest, p["action"]) for dest, p in rows] == [
        ("test_sink", "submit"),
        ("test_sink", "accept"),
        ("other", "accept"),
    ]
    first = OutboxMessage.objects.filter(destination="test_sink").order_by("id").first()
    assert first is not None
    assert first.stream == f"d{d.pk}" and first.state == State.PENDING
    assert first.event_id == DossierEvent.objects.get(dossier=d, seq=1).pk


def test_a_rolled_back_action_leaves_no_row(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    d = _submit(personas, procedure, applicant)

    def broken(event: DossierEvent) -> None:
        raise RuntimeError("down")

    register_event_hook("zz.broken", broken)
    try:
        with pytest.raises(RuntimeError):
            _accept(d, personas)
    finally:
        unregister_event_hook("zz.broken")
    assert list(OutboxMessage.objects.values_list("payload__action", flat=True)) == ["submit"]


def test_delivery_in_order_per_dossier_and_concurrent_across_dossiers(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    d1 = _accept(_submit(personas, procedure, applicant), personas)
    d2 = _accept(_submit(personas, procedure, applicant), personas)
    token = services.worker_token()
    first = services.claim_batch(token=token, limit=10)
    # One row per dossier at a time: the earliest of each.
    assert sorted((r.dossier_id, r.payload["action"]) for r in first) == sorted(
        [(d1.pk, "submit"), (d2.pk, "submit")]
    )
    # While they are being sent, nobody may take the later rows.
    assert services.claim_batch(token="other", limit=10) == []
    for row in first:
        assert services.message_deliver(message=row, token=token) == "delivered"
    assert services.drain() == 2
    per_dossier: dict[str, list[str]] = {}
    for stream, _key, payload in sink.delivered:
        per_dossier.setdefault(stream, []).append(payload["action"])
    assert per_dossier == {f"d{d1.pk}": ["submit", "accept"], f"d{d2.pk}": ["submit", "accept"]}
    assert OutboxMessage.objects.filter(state=State.DELIVERED).count() == 4


def test_temporary_failures_back_off_and_are_retried(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    _accept(_submit(personas, procedure, applicant), personas)
    sink.answers = [Failed(reason="503", permanent=False), RuntimeError("timeout")]
    assert services.drain() == 1  # the submit failed; the accept waits behind it
    row = OutboxMessage.objects.order_by("id").first()
    assert row is not None and row.state == State.PENDING and row.attempts == 1
    assert row.next_attempt_at > timezone.now() + datetime.timedelta(seconds=4)
    assert row.last_error == "503"
    assert services.drain() == 0  # not due yet
    assert _drain_at(_later()) == 1  # the exception: backs off again
    assert _drain_at(_later(2 * 10**6)) == 2  # then both delivered
    row.refresh_from_db()
    assert row.state == State.DELIVERED and row.attempts == 3
    outcomes = list(row.history.values_list("outcome", flat=True))
    assert outcomes == ["temporary", "temporary", "delivered"]
    assert "RuntimeError" in row.history.all()[1].reason
    assert [p["action"] for _s, _k, p in sink.delivered] == ["submit", "accept"]


def test_backoff_doubles_with_jitter_up_to_the_cap() -> None:
    rng = random.Random(1)
    waits = [services.backoff(n, rng=rng).total_seconds() for n in range(1, 8)]
    for n, wait in enumerate(waits, start=1):
        full = min(100, 10 * 2 ** (n - 1))
        assert full / 2 <= wait <= full


def test_dead_after_repeated_refusals_blocks_later_rows_until_skipped_or_resent(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    settings: Any,
) -> None:
    _accept(_submit(personas, procedure, applicant), personas)
    refused = Failed(reason="Mã thủ tục không hợp lệ", permanent=True, answer='{"error":"x"}')
    sink.answers = [refused, refused]
    _drain_at(_later())
    _drain_at(_later(2 * 10**6))
    dead = OutboxMessage.objects.order_by("id").first()
    assert dead is not None
    assert dead.state == State.DEAD and dead.last_error == "Mã thủ tục không hợp lệ"
    assert dead.last_answer == '{"error":"x"}'
    # The later status waits behind the dead one: it must not overtake it.
    assert _drain_at(_later(3 * 10**6)) == 0
    services.message_resend(message_id=dead.pk, by="quantri_a")
    assert _drain_at(_later(3 * 10**6)) == 2
    assert [p["action"] for _s, _k, p in sink.delivered] == ["submit", "accept"]
    # Resending a delivered row sends the same key again (a repeat, not a new message).
    services.message_resend(message_id=dead.pk, by="quantri_a")
    _drain_at(_later(3 * 10**6))
    assert sink.delivered[-1][1] == sink.delivered[0][1]
    history = list(dead.history.values_list("outcome", "by"))
    assert ("resent", "quantri_a") in history


def test_skipping_a_dead_row_lets_the_later_ones_go(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    settings: Any,
) -> None:
    settings.MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES = 1
    _accept(_submit(personas, procedure, applicant), personas)
    sink.answers = [Failed(reason="refused", permanent=True)]
    assert services.drain() == 1
    dead = OutboxMessage.objects.get(state=State.DEAD)
    with pytest.raises(services.NotAllowed):
        services.message_skip(message_id=OutboxMessage.objects.get(state="pending").pk, by="x")
    services.message_skip(message_id=dead.pk, by="quantri_a")
    assert services.drain() == 1
    assert [p["action"] for _s, _k, p in sink.delivered] == ["accept"]
    assert OutboxAttempt.objects.filter(outcome="skipped", by="quantri_a").count() == 1


def test_a_killed_workers_rows_are_taken_back_after_the_lease_and_its_late_answer_is_fenced(
    sink: RecordingDestination,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    settings: Any,
) -> None:
    settings.MOTCUA_OUTBOX_LEASE_SECONDS = 60
    _submit(personas, procedure, applicant)
    (taken,) = services.claim_batch(token="dead-worker", limit=10)
    assert services.claim_batch(token="other", limit=10) == []
    later = timezone.now() + datetime.timedelta(seconds=61)
    (again,) = services.claim_batch(token="other", limit=10, now=later)
    assert again.pk == taken.pk and again.attempts == 2
    # The first worker was only slow: its answer does not overwrite the new claim.
    late = services.record_result(message=taken, token="dead-worker", result=Delivered())
    assert late == "lost"
    again.refresh_from_db()
    assert again.state == State.SENDING and again.claim == "other"
    assert services.message_deliver(message=again, token="other") == "delivered"


def test_enqueue_outside_a_dossier_event_is_idempotent_on_the_key(
    sink: RecordingDestination,
) -> None:
    a = services.message_enqueue(destination="test_sink", key="k1", payload={"x": 1})
    b = services.message_enqueue(destination="test_sink", key="k1", payload={"x": 2})
    assert a.pk == b.pk
    assert services.drain() == 1
    assert sink.delivered == [("", "k1", {"x": 1})]


def test_an_unknown_destination_is_retried_not_dropped() -> None:
    row = services.message_enqueue(destination="gone", key="k", payload={})
    assert services.drain() == 1
    row.refresh_from_db()
    assert row.state == State.PENDING and "chưa được đăng ký" in row.last_error
