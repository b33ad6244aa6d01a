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

from motcua.dossiers.hooks import earlier_events
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
    have changed), and a progress entry whenever the national status moved.

    Cheap on purpose (it runs in every action's transaction): no query in
    the common case; the record and the progress entry are built when the
    message is delivered, from the dossier and from this event's row."""
    dossier = event.dossier
    status = dossier.national_status
    if status is None:
        return []
    first = event.action == "submit"
    code, seq = dossier.code, event.seq
    messages: list[dict[str, Any]] = [
        {"_key": f"{code}.{seq}.sync", "service": SYNC, "updating": not first, "status": status}
    ]
    if first or _status_moved(event, status):
        messages.append({"_key": f"{code}.{seq}.progress", "service": PROGRESS, "status": status})
    return messages


def _status_moved(event: DossierEvent, status: int) -> bool:
    """Whether ``event`` changed the national status. Only a step inside
    "processing" needs the previous event (accepted, 2, or processing, 4)."""
    from motcua.dossiers.states import State, national_status

    if event.from_state != event.to_state:
        return national_status(event.from_state, last_action="") != status or (
            event.from_state == State.PROCESSING
        )
    if event.to_state != State.PROCESSING:
        return False
    earlier = earlier_events(event)  # read once per event (the scorecards use it too)
    previous = earlier[-1].action if earlier else ""
    return national_status(event.from_state, last_action=previous) != status


def measurement_messages(event: DossierEvent) -> list[dict[str, Any]]:
    status = payloads.measurement_status(event)
    if status is None:
        return []
    return [{"_key": f"{event.dossier.code}.{event.seq}.emc", "status": status}]


def _failure(error: PortalError) -> Outcome:
    return Outcome(False, str(error), permanent=not error.temporary, answer=error.answer)


def _dossier(dossier_id: int | None) -> Dossier | None:
    if dossier_id is None:
        return None
    return (
        Dossier.objects.select_related(
            "applicant",
            "processing_agency",
            "configured_procedure_version__procedure_version__procedure",
        )
        .filter(pk=dossier_id)
        .first()
    )


def _event(event_id: int | None, dossier: Dossier) -> DossierEvent | None:
    if event_id is None:
        return None
    event = (
        DossierEvent.objects.select_related("actor", "actor_agency")
        .filter(pk=event_id, dossier_id=dossier.pk)
        .first()
    )
    if event is not None:
        event.dossier = dossier
    return event


def deliver_portal(
    payload: dict[str, Any], *, key: str, dossier_id: int | None, event_id: int | None
) -> Outcome:
    """Send one national-portal message (idempotent on ``key``): the dossier
    record as it stands now (with fresh signed links), or the progress entry
    of the message's event with the status the event gave."""
    service = payload.get("service")
    status = payload.get("status")
    dossier = _dossier(dossier_id)
    if service not in (SYNC, PROGRESS) or not isinstance(status, int) or dossier is None:
        return Outcome(False, "nội dung tin nhắn không hợp lệ", permanent=True)
    event = _event(event_id, dossier)
    if service == PROGRESS and event is None:
        return Outcome(False, "không tìm thấy sự kiện của tiến độ", permanent=True)
    client = gateway.portal()
    try:
        if service == SYNC:
            record = payloads.with_links(payloads.dossier_record(dossier))
            answer = client.sync_dossier(record, key=key, updating=bool(payload.get("updating")))
        else:
            assert event is not None
            entry = {**payloads.progress_record(event), "TrangThai": str(status)}
            answer = client.progress([entry], key=key)
    except PortalError as error:
        return _failure(error)
    except Exception as error:
        return Outcome(False, f"lỗi khi gửi: {error!r}", permanent=False)
    record_delivery(
        dossier_id=dossier.pk,
        status=int(dossier.national_status or 0) if service == SYNC else status,
        event_at=event.at if event is not None else None,
    )
    return Outcome(True, answer=str(answer)[:500])


def deliver_measurement(
    payload: dict[str, Any], *, key: str, dossier_id: int | None, event_id: int | None
) -> Outcome:
    status = payload.get("status")
    dossier = _dossier(dossier_id)
    event = _event(event_id, dossier) if dossier is not None else None
    if not isinstance(status, int) or event is None:
        return Outcome(False, "nội dung tin nhắn không hợp lệ", permanent=True)
    try:
        answer = gateway.measurement().send(payloads.measurement_event(event, status), key=key)
    except PortalError as error:
        return _failure(error)
    return Outcome(True, answer=str(answer)[:500])


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
