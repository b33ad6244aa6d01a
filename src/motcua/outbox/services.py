"""Writing, claiming, delivering and administering outbox rows.

Rules (docs/developers/outbox.md):

* rows are written inside the dossier event's transaction, one INSERT for
  all destinations (:func:`messages_for_event`);
* a row is attempted only when no earlier row (lower ``id``) of the same
  destination and stream is pending, sending or dead: a dossier's statuses
  arrive in order, and a dead row holds back the later ones until an
  administrator resends or skips it;
* workers claim due rows with ``SELECT ... FOR UPDATE SKIP LOCKED`` (on
  SQLite the IMMEDIATE transaction makes the claim a single writer) and
  mark them *sending* with a lease; a row whose lease ran out (its worker was
  killed) is claimed again; the answer of a worker whose lease ran out is
  fenced off by the claim token;
* a temporary failure is retried with exponential backoff and jitter,
  capped; a permanent one counts towards the dead letter
  (``MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES``)."""

from __future__ import annotations

import datetime
import logging
import os
import random
import socket
import time
import uuid
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from motcua.dossiers.models import DossierEvent
from motcua.outbox.destinations import (
    Delivered,
    Failed,
    destination_named,
    registered_destinations,
)
from motcua.outbox.models import BLOCKING_STATES, OutboxAttempt, OutboxMessage, Outcome, State

logger = logging.getLogger(__name__)

#: Longest answer or reason kept on a row (characters).
TEXT_LIMIT = 2000


def _cut(text: str) -> str:
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


# ------------------------------------------------------------------ writing


def messages_for_event(*, event: DossierEvent) -> list[OutboxMessage]:
    """Ask every destination what it wants to send for ``event`` and write it
    (called inside the event's transaction by the outbox's hook)."""
    rows: list[OutboxMessage] = []
    now = timezone.now()
    for destination in registered_destinations():
        for n, payload in enumerate(destination.messages_for(event)):
            body = dict(payload)
            key = str(body.pop("_key", f"{event.pk}.{n}"))
            stream = str(body.pop("_stream", f"d{event.dossier_id}"))
            rows.append(
                OutboxMessage(
                    destination=destination.name,
                    dossier_id=event.dossier_id,
                    event_id=event.pk,
                    stream=stream,
                    key=key,
                    payload=body,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    if rows:
        OutboxMessage.objects.bulk_create(rows)
    return rows


def message_enqueue(
    *,
    destination: str,
    key: str,
    payload: dict[str, Any],
    stream: str = "",
    dossier_id: int | None = None,
    event_id: int | None = None,
    at: datetime.datetime | None = None,
) -> OutboxMessage:
    """Enqueue one message that is not written by a dossier event (a
    reconciliation repair, a measurement record); a second call with the same
    ``destination`` and ``key`` returns the first row."""
    now = timezone.now()
    row, _created = OutboxMessage.objects.get_or_create(
        destination=destination,
        key=key,
        defaults={
            "payload": payload,
            "stream": stream,
            "dossier_id": dossier_id,
            "event_id": event_id,
            "next_attempt_at": at or now,
            "created_at": now,
        },
    )
    return row


# ------------------------------------------------------------------ backoff


def backoff(attempt: int, *, rng: random.Random | None = None) -> datetime.timedelta:
    """The wait after the ``attempt``-th failed try: base·2^(attempt-1),
    capped, with "equal jitter" (between half and all of it) so that many
    rows failing together do not come back together."""
    base = float(settings.MOTCUA_OUTBOX_BACKOFF_BASE_SECONDS)
    cap = float(settings.MOTCUA_OUTBOX_BACKOFF_CAP_SECONDS)
    full = min(cap, base * (2 ** max(0, min(attempt - 1, 30))))
    r = (rng or random).random()
    return datetime.timedelta(seconds=full / 2 + r * full / 2)


# ------------------------------------------------------------------ claiming


def worker_token() -> str:
    return f"{socket.gethostname()[:16]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _due(now: datetime.datetime) -> Q:
    return Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENDING, lease_until__lt=now
    )


def _blocked() -> Exists:
    return Exists(
        OutboxMessage.objects.filter(
            destination=OuterRef("destination"),
            stream=OuterRef("stream"),
            id__lt=OuterRef("id"),
            state__in=BLOCKING_STATES,
        )
    )


def claim_batch(
    *, token: str, limit: int, now: datetime.datetime | None = None
) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows for the worker ``token``: at most one
    per stream (the earliest undelivered one), never a row another worker
    holds. Each try is counted when it is claimed, so a worker killed in the
    middle still counts."""
    now = now or timezone.now()
    lease = datetime.timedelta(seconds=int(settings.MOTCUA_OUTBOX_LEASE_SECONDS))
    with transaction.atomic():
        candidates = (
            OutboxMessage.objects.filter(_due(now))
            .filter(Q(stream="") | ~_blocked())
            .order_by("next_attempt_at", "id")
        )
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("id", flat=True)[:limit])
        if not ids:
            return []
        OutboxMessage.objects.filter(id__in=ids).update(
            state=State.SENDING,
            claim=token,
            lease_until=now + lease,
            attempts=F("attempts") + 1,
        )
    return list(OutboxMessage.objects.filter(id__in=ids, claim=token).order_by("id"))


# ------------------------------------------------------------------ delivering


def _call(message: OutboxMessage) -> Delivered | Failed:
    destination = destination_named(message.destination)
    if destination is None:
        return Failed(
            reason=f"Nơi nhận «{message.destination}» chưa được đăng ký.", permanent=False
        )
    try:
        return destination.deliver(message)
    except Exception as exc:  # an adapter bug or an unexpected answer: retried, recorded
        logger.exception("outbox delivery of %s raised", message.pk)
        return Failed(reason=_cut(f"Lỗi khi gửi: {type(exc).__name__}: {exc}"), permanent=False)


def message_deliver(
    *, message: OutboxMessage, token: str, now: datetime.datetime | None = None
) -> str:
    """Deliver a claimed row and record the outcome; returns the outcome
    (``delivered``, ``temporary``, ``permanent``, ``dead``, or ``lost`` when
    the lease ran out and another worker took the row meanwhile)."""
    started = time.monotonic()
    result = _call(message)
    duration_ms = int((time.monotonic() - started) * 1000)
    return record_result(
        message=message, token=token, result=result, duration_ms=duration_ms, now=now
    )


def record_result(
    *,
    message: OutboxMessage,
    token: str,
    result: Delivered | Failed,
    duration_ms: int = 0,
    now: datetime.datetime | None = None,
) -> str:
    now = now or timezone.now()
    mine = OutboxMessage.objects.filter(pk=message.pk, claim=token, state=State.SENDING)
    fields: dict[str, Any] = {"claim": "", "lease_until": None}
    if isinstance(result, Delivered):
        outcome = Outcome.DELIVERED
        label = "delivered"
        fields.update(
            state=State.DELIVERED,
            delivered_at=now,
            last_answer=_cut(result.answer),
            remote_id=result.remote_id[:120],
            last_error="",
        )
        reason, answer = "", result.answer
    else:
        reason, answer = result.reason, result.answer
        fields.update(last_error=_cut(result.reason), last_answer=_cut(result.answer))
        if result.permanent:
            outcome = Outcome.PERMANENT
            failures = message.permanent_failures + 1
            fields["permanent_failures"] = failures
            if failures >= int(settings.MOTCUA_OUTBOX_MAX_PERMANENT_FAILURES):
                fields["state"] = State.DEAD
                label = "dead"
            else:
                fields.update(state=State.PENDING, next_attempt_at=now + backoff(message.attempts))
                label = "permanent"
        else:
            outcome = Outcome.TEMPORARY
            label = "temporary"
            fields.update(state=State.PENDING, next_attempt_at=now + backoff(message.attempts))
    with transaction.atomic():
        updated = mine.update(**fields)
        OutboxAttempt.objects.create(
            message_id=message.pk,
            at=now,
            outcome=outcome,
            reason=_cut(reason if updated else f"{reason} (trả lời muộn, lượt gửi đã hết hạn)"),
            answer=_cut(answer),
            duration_ms=duration_ms,
            by=token[:150],
        )
    if not updated:
        return "lost"
    if label == "dead":
        logger.warning("outbox row %s (%s) is dead: %s", message.pk, message.destination, reason)
    return label


def drain(
    *, token: str | None = None, batch: int | None = None, max_messages: int | None = None
) -> int:
    """Deliver due rows until none is left (or ``max_messages``); returns
    how many tries were made. Used by the worker loop and by tests."""
    token = token or worker_token()
    size = int(batch or settings.MOTCUA_OUTBOX_BATCH)
    done = 0
    while max_messages is None or done < max_messages:
        rows = claim_batch(token=token, limit=size)
        if not rows:
            break
        for row in rows:
            message_deliver(message=row, token=token)
            done += 1
    return done


# ------------------------------------------------------------------ administering


class NotAllowed(Exception):
    """The row is not in a state that allows the action."""


def message_resend(*, message_id: int, by: str, now: datetime.datetime | None = None) -> None:
    """ "Gửi lại": a dead, delivered or skipped row goes back to the queue at
    once, with its dead-letter count reset; the same key is sent again, so
    the other side takes it as a repeat, not a new message."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message_id, state__in=[State.DEAD, State.DELIVERED, State.SKIPPED]
        ).update(
            state=State.PENDING,
            next_attempt_at=now,
            permanent_failures=0,
            claim="",
            lease_until=None,
        )
        if not updated:
            raise NotAllowed
        OutboxAttempt.objects.create(
            message_id=message_id, at=now, outcome=Outcome.RESENT, by=by[:150]
        )


def message_skip(*, message_id: int, by: str, now: datetime.datetime | None = None) -> None:
    """ "Bỏ qua": a dead row stops holding back the later rows of its stream."""
    now = now or timezone.now()
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(pk=message_id, state=State.DEAD).update(
            state=State.SKIPPED
        )
        if not updated:
            raise NotAllowed
        OutboxAttempt.objects.create(
            message_id=message_id, at=now, outcome=Outcome.SKIPPED, by=by[:150]
        )
