"""Webhooks through the outbox, against the receiving sandbox over a real
socket: signed deliveries, a receiver that answers garbage, 500 or too
slowly, replays refused, and automatic disabling after repeated failures
with an e-mail to the unit's administrators."""

from __future__ import annotations

import datetime
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.smtp.testing import smtp_sandbox
from motcua.integrations.testing import free_port_in_range
from motcua.outbox import services as outbox
from motcua.outbox.models import OutboxMessage, State
from motcua.testing import Personas
from motcua.webhooks import signing
from motcua.webhooks.destination import encode
from motcua.webhooks.models import WebhookSubscription
from motcua.webhooks.sandbox import WebhookSandbox
from motcua.webhooks.selectors import active_units

__all__ = ["smtp_sandbox"]

pytestmark = pytest.mark.django_db

SECRET = "whsec_thu-nghiem"


@pytest.fixture
def receiver() -> Iterator[WebhookSandbox]:
    with WebhookSandbox(port=free_port_in_range(), secret=SECRET, slow_seconds=5) as s:
        yield s


@pytest.fixture(autouse=True)
def _quick(settings: Any) -> None:
    settings.MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES = 2
    settings.MOTCUA_WEBHOOK_DISABLE_AFTER = 3


def _subscribe(personas: Personas, url: str, **kw: Any) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        agency=personas.place.agency_a, name="Hệ thống thống kê", url=url, secret=SECRET, **kw
    )


def _submit(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    return dossiers.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )


def _accept(d: Dossier, personas: Personas) -> Dossier:
    return dossiers.dossier_accept(
        dossier=d, actor=personas.officer, expected_version=d.version, now=local(2026, 3, 2, 9)
    )


def _drain_later(times: int = 1) -> None:
    for n in range(times):
        now = timezone.now() + datetime.timedelta(days=1 + n)
        token = outbox.worker_token()
        while rows := outbox.claim_batch(token=token, limit=10, now=now):
            for row in rows:
                outbox.message_deliver(message=row, token=token, now=now)


def test_signature_round_trip_and_refusals() -> None:
    body = b'{"a":1}'
    header = signing.sign(SECRET, 1_700_000_000, body)
    assert header.startswith("t=1700000000,v1=")
    assert signing.verify(SECRET, header, body, now=1_700_000_100) == 1_700_000_000
    with pytest.raises(signing.BadSignature):
        signing.verify(SECRET, header, b'{"a":2}', now=1_700_000_100)
    with pytest.raises(signing.BadSignature):
        signing.verify(SECRET, header, body, now=1_700_000_000 + 301)
    with pytest.raises(signing.BadSignature):
        signing.verify("", header, body, now=1_700_000_000)  # fail closed
    with pytest.raises(ValueError):
        signing.sign("", 1, body)


def test_events_are_delivered_signed_in_order_to_matching_subscriptions(
    receiver: WebhookSandbox,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    sub = _subscribe(personas, receiver.url)
    only_accept = _subscribe(personas, receiver.url, event_types=["accept"])
    WebhookSubscription.objects.create(
        agency=personas.place.agency_b, name="Khác", url=receiver.url, secret=SECRET
    )
    d = _accept(_submit(personas, procedure, applicant), personas)
    rows = OutboxMessage.objects.filter(destination="webhooks").order_by("id")
    assert [r.key for r in rows] == [
        f"wh{sub.pk}.e{d.events.get(seq=1).pk}",
        f"wh{sub.pk}.e{d.events.get(seq=2).pk}",
        f"wh{only_accept.pk}.e{d.events.get(seq=2).pk}",
    ]
    assert outbox.drain() == 3
    taken = sorted((t.event_id, t.event_type) for t in receiver.taken)
    assert taken == sorted(
        [
            (rows[0].key, "dossier.submit"),
            (rows[1].key, "dossier.accept"),
            (rows[2].key, "dossier.accept"),
        ]
    )
    # Per subscription and dossier, in order.
    mine = [t.body["event"]["seq"] for t in receiver.taken if t.event_id.startswith(f"wh{sub.pk}.")]
    assert mine == [1, 2]
    body = receiver.taken[0].body
    assert body["dossier"]["code"] == d.code and "applicant" not in body["dossier"]
    assert receiver.refused == []
    sub.refresh_from_db()
    assert sub.consecutive_failures == 0 and sub.last_delivered_at is not None


def test_a_receiver_answering_500_garbage_or_too_late_is_retried_and_delivered_once(
    receiver: WebhookSandbox,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    settings: Any,
) -> None:
    settings.MOTCUA_WEBHOOK_DISABLE_AFTER = 10
    _subscribe(personas, receiver.url)
    _submit(personas, procedure, applicant)
    receiver.fail("error", times=1)
    assert outbox.drain() == 1
    row = OutboxMessage.objects.get(destination="webhooks")
    assert row.state == State.PENDING and "HTTP 500" in row.last_error
    receiver.fail("slow", times=1)  # 5 s against a 2 s timeout
    settings.MOTCUA_WEBHOOK_TIMEOUT = 2
    _drain_later()
    settings.MOTCUA_WEBHOOK_TIMEOUT = 10
    row.refresh_from_db()
    assert row.state == State.PENDING and "quá thời gian" in row.last_error
    receiver.fail("garbage", times=1)  # taken, with an answer that is not JSON
    _drain_later(2)
    row.refresh_from_db()
    assert row.state == State.DELIVERED
    # The slow answer had been taken late; the retries were signed afresh, so
    # the receiver saw the same event again and kept it once.
    assert [t.event_id for t in receiver.taken] == [row.key]
    assert list(row.history.values_list("outcome", flat=True)) == [
        "temporary",
        "temporary",
        "delivered",
    ]


def test_a_replayed_request_is_refused_by_the_receiver(receiver: WebhookSandbox) -> None:
    raw = encode({"id": "wh1.e1", "type": "dossier.submit"})
    now = int(time.time())
    headers = {
        "x-motcua-signature": signing.sign(SECRET, now, raw),
        "x-motcua-event-id": "wh1.e1",
    }
    assert receiver.receive(headers, raw, now=now)[0] == 200
    assert receiver.receive(headers, raw, now=now + 1)[0] == 409  # the same request again
    old = {**headers, "x-motcua-signature": signing.sign(SECRET, now - 600, raw)}
    assert receiver.receive(old, raw, now=now)[0] == 400  # outside the window
    forged = {**headers, "x-motcua-signature": signing.sign("other", now, raw)}
    assert receiver.receive(forged, raw, now=now)[0] == 401
    fresh = {**headers, "x-motcua-signature": signing.sign(SECRET, now + 5, raw)}
    assert receiver.receive(fresh, raw, now=now + 5) == (200, b'{"ok":true,"duplicate":true}')
    assert len(receiver.taken) == 1
    assert [r["reason"] for r in receiver.refused] == [
        "replayed request",
        "timestamp outside the window",
        "signature does not match",
    ]


def test_repeated_failures_disable_the_subscription_and_tell_the_unit_admin(
    receiver: WebhookSandbox,
    smtp_sandbox: SmtpSandbox,
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
) -> None:
    personas.unit_admin.email = "quantri_a@motcua.local"
    personas.unit_admin.save(update_fields=["email"])
    sub = _subscribe(personas, receiver.url)
    for _ in range(3):
        _submit(personas, procedure, applicant)
    receiver.fail("reject")  # 400: a refusal
    assert outbox.drain() == 3  # one per dossier: three failures in a row
    sub.refresh_from_db()
    assert not sub.active and sub.disabled_at is not None
    assert "HTTP 400" in sub.disabled_reason
    assert personas.place.agency_a.pk not in active_units()  # the cached set forgot it
    mails = smtp_sandbox.store.messages()
    assert [m.recipients for m in mails] == [["quantri_a@motcua.local"]]
    assert "đã tự động tắt" in mails[0].body
    # While off, its rows go dead with the reason, none silently dropped.
    _drain_later()
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {State.DEAD}
    assert "đã tắt" in OutboxMessage.objects.first().last_error  # type: ignore[union-attr]
    # The receiver is back, the admin switches it on and resends: all arrive.
    receiver.fail("ok")
    from motcua.webhooks.services import subscription_enable

    subscription_enable(subscription=sub)
    assert personas.place.agency_a.pk in active_units()
    for row in OutboxMessage.objects.all():
        outbox.message_resend(message_id=row.pk, by="quantri_a")
    assert outbox.drain() == 3
    assert len(receiver.taken) == 3
