"""What the two national destinations do, independent of the outbox's row
type: build the messages of a dossier event (in its transaction, no I/O) and
deliver one message (in a worker, with I/O). ``destinations.py`` wraps these
in the outbox's :class:`~motcua.outbox.destinations.Destination` interface.

Classification (decision 0038): a refusal of the content by the other side
(required field, code format, transition, unknown dossier) is *permanent*
(the mapping must be fixed; the row goes to the dead letters with the
reason); network trouble, HTTP 5xx, timeouts, garbage and a session that is
still expired after one re-login are *temporary* (retried with backoff)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.national_portal.client import PortalError
from motcua.national import gateway, payloads
from motcua.national.models import NationalSync

PORTAL = "national_portal"
MEASUREMENT = "measurement"

#: Services a national-portal message may name.
SYNC, PROGRESS = "DongBoHoSoMC", "CapNhatTienDoHoSoMC"


@dataclass(frozen=True)
class Outcome:
    ok: bool
    reason: str = ""
    permanent: bool = False
    answer: str = ""


def portal_messages(event: DossierEvent) -> list[dict[str, Any]]:
    """The national portal's messages for ``event``: the dossier record on
    submission (create) and after every later event (update: its data may
    have changed), and a progress entry whenever the national status moved."""
    dossier = event.dossier
    if dossier.national_status is None:
        return []
    first = event.action == "submit"
    code, seq = dossier.code, event.seq
    messages: list[dict[str, Any]] = [
        {
            "_key": f"{code}.{seq}.sync",
            "service": SYNC,
            "updating": not first,
            "record": payloads.dossier_record(dossier),
            "event_at": event.at.isoformat(),
        }
    ]
    if first or _status_moved(event):
        messages.append(
            {
                "_key": f"{code}.{seq}.progress",
                "service": PROGRESS,
                "record": payloads.progress_record(event),
                "event_at": event.at.isoformat(),
            }
        )
    return messages


def _status_moved(event: DossierEvent) -> bool:
    """Whether ``event`` changed the dossier's national status (the status
    before is that of the previous event's outcome)."""
    from motcua.dossiers.states import national_status

    previous = (
        DossierEvent.objects.filter(dossier_id=event.dossier_id, seq__lt=event.seq)
        .order_by("-seq")
        .values_list("action", flat=True)
        .first()
    )
    before = national_status(event.from_state, last_action=previous or "")
    return before != event.dossier.national_status


def measurement_messages(event: DossierEvent) -> list[dict[str, Any]]:
    status = payloads.measurement_status(event)
    if status is None:
        return []
    return [
        {
            "_key": f"{event.dossier.code}.{event.seq}.emc",
            "event": payloads.measurement_event(event, status),
        }
    ]


def _failure(error: PortalError) -> Outcome:
    return Outcome(False, str(error), permanent=not error.temporary, answer=error.answer)


def deliver_portal(payload: dict[str, Any], *, key: str, dossier_id: int | None) -> Outcome:
    """Send one national-portal message (idempotent on ``key``)."""
    service = payload.get("service")
    record = payload.get("record")
    if service not in (SYNC, PROGRESS) or not isinstance(record, dict):
        return Outcome(False, "nội dung tin nhắn không hợp lệ", permanent=True)
    client = gateway.portal()
    try:
        if service == SYNC:
            answer = client.sync_dossier(
                payloads.with_links(record), key=key, updating=bool(payload.get("updating"))
            )
        else:
            answer = client.progress([record], key=key)
    except PortalError as error:
        return _failure(error)
    except Exception as error:
        return Outcome(False, f"lỗi khi gửi: {error!r}", permanent=False)
    if dossier_id is not None:
        record_delivery(
            dossier_id=dossier_id,
            status=int(record.get("TrangThaiHoSo") or record.get("TrangThai") or 0),
            event_at=_moment(payload.get("event_at")),
        )
    return Outcome(True, answer=str(answer)[:500])


def deliver_measurement(payload: dict[str, Any], *, key: str) -> Outcome:
    event = payload.get("event")
    if not isinstance(event, dict):
        return Outcome(False, "nội dung tin nhắn không hợp lệ", permanent=True)
    try:
        answer = gateway.measurement().send(event, key=key)
    except PortalError as error:
        return _failure(error)
    return Outcome(True, answer=str(answer)[:500])


def _moment(value: Any) -> datetime.datetime | None:
    try:
        return datetime.datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def record_delivery(*, dossier_id: int, status: int, event_at: datetime.datetime | None) -> None:
    """Remember that the portal now holds ``status`` for the dossier, and
    whether it arrived later than ``MOTCUA_NATIONAL_LATE_MINUTES`` after the
    event."""
    now = timezone.now()
    late = event_at is not None and now - event_at > datetime.timedelta(
        minutes=settings.MOTCUA_NATIONAL_LATE_MINUTES
    )
    with transaction.atomic():
        sync, _created = NationalSync.objects.select_for_update().get_or_create(
            dossier_id=dossier_id
        )
        sync.first_synced_at = sync.first_synced_at or now
        sync.last_synced_at = now
        sync.late = sync.late or late
        if status:
            sync.sent_status = status
        local = Dossier.objects.filter(pk=dossier_id).values_list("national_status", flat=True)
        if status and local.first() == status:
            sync.remote_status = status
            if sync.state != "synced":
                sync.state, sync.state_since, sync.reason = "synced", now, ""
        sync.save()
