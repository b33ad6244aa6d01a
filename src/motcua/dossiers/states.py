"""The dossier state machine: internal states, the one map to the national
status codes (DVCQG ``TrangThaiHoSo`` 1-10) and :func:`replay`, which rebuilds
a dossier's state, appointment history and step clocks from its events
(lifecycle.md, invariant 2).

Pure Python: no database access, so replay can run over any list of events.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from django.db import models
from django.utils.translation import gettext_lazy as _

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


class State(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Mới đăng ký")
    COMPLETING = "completing", _("Chờ hoàn thiện hồ sơ")
    REFUSED = "refused", _("Từ chối tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    SUPPLEMENTING = "supplementing", _("Chờ bổ sung hồ sơ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    STOPPED = "stopped", _("Dừng xử lý")
    WITHDRAWN = "withdrawn", _("Công dân rút hồ sơ")
    RESULT_READY = "result_ready", _("Đã có kết quả")
    RETURNED = "returned", _("Đã trả kết quả")


TERMINAL_STATES = frozenset({State.REFUSED, State.STOPPED, State.WITHDRAWN, State.RETURNED})
#: Open dossiers (the partial indexes cover these).
OPEN_STATES = frozenset(s for s in State if s not in TERMINAL_STATES and s != State.DRAFT)
#: States where staff must act (the officers' queue).
QUEUE_STATES = frozenset({State.SUBMITTED, State.PROCESSING, State.RESULT_READY})
#: States that pause the processing clock.
PAUSE_STATES = frozenset({State.SUPPLEMENTING, State.AWAITING_PAYMENT})
#: States stored as :class:`PauseInterval` rows: the processing pauses, and
#: ``completing`` (the reception clock waits for the applicant).
PAUSE_RECORDED_STATES = PAUSE_STATES | {State.COMPLETING}
_CLOSED = frozenset({State.RESULT_READY}) | TERMINAL_STATES

#: Actions after which a processing dossier is still "accepted" (code 2)
#: rather than "processing" (code 4).
_ACCEPTING_ACTIONS = frozenset({"submit", "accept"})

_NATIONAL: Mapping[str, int | None] = {
    State.DRAFT: None,
    State.SUBMITTED: 1,
    State.COMPLETING: 5,
    State.REFUSED: 3,
    State.PROCESSING: 4,
    State.SUPPLEMENTING: 5,
    State.AWAITING_PAYMENT: 6,
    State.STOPPED: 8,
    State.WITHDRAWN: 7,
    State.RESULT_READY: 9,
    State.RETURNED: 10,
}


def national_status(state: str, *, last_action: str) -> int | None:
    """The national status code (domain.md §5.1) of a dossier in ``state``
    whose latest event is ``last_action``. The only place this map lives."""
    if state == State.PROCESSING and last_action in _ACCEPTING_ACTIONS:
        return 2
    return _NATIONAL[state]


def timeliness(*, finished_at: datetime.datetime, appointment_at: datetime.datetime | None) -> str:
    """``early``, ``on_time`` or ``late`` (domain.md §2): the local *dates*
    of the finish and of the appointment are compared; no appointment counts
    as on time. Reports judge against the first appointment and show the
    re-scheduled one beside it."""
    if appointment_at is None:
        return "on_time"
    finished = finished_at.astimezone(LOCAL_TZ).date()
    due = appointment_at.astimezone(LOCAL_TZ).date()
    if finished < due:
        return "early"
    return "on_time" if finished == due else "late"


# --------------------------------------------------------------------- replay


class EventLike(Protocol):
    """What replay reads from an event (a ``DossierEvent`` row fits)."""

    seq: int
    action: str
    from_state: str
    to_state: str
    from_step: str
    to_step: str
    at: datetime.datetime
    working_seconds: int
    payload: Any


@dataclass
class StepClock:
    step_key: str
    started_at: datetime.datetime
    due_at: datetime.datetime | None
    ended_at: datetime.datetime | None = None
    consumed_seconds: int = 0
    parent_step: str = ""  # set on a consultation branch


@dataclass
class AppointmentEntry:
    previous: datetime.datetime | None
    new: datetime.datetime
    reason: str
    lateness: bool
    at: datetime.datetime


@dataclass
class Pause:
    kind: str
    started_at: datetime.datetime
    ended_at: datetime.datetime | None = None


@dataclass
class DossierSnapshot:
    state: str = State.DRAFT
    national_status: int | None = None
    version: int = 0
    current_step: str = ""
    accepted_at: datetime.datetime | None = None
    first_appointment_at: datetime.datetime | None = None
    appointment_at: datetime.datetime | None = None
    due_at: datetime.datetime | None = None
    finished_at: datetime.datetime | None = None
    appointments: list[AppointmentEntry] = field(default_factory=list)
    steps: list[StepClock] = field(default_factory=list)
    pauses: list[Pause] = field(default_factory=list)


def parse_moment(value: Any) -> datetime.datetime | None:
    """A moment stored in an event payload (ISO 8601, UTC)."""
    if value in (None, ""):
        return None
    return datetime.datetime.fromisoformat(str(value))


def moment_text(value: datetime.datetime | None) -> str | None:
    """How a moment is written into an event payload (ISO 8601, UTC)."""
    if value is None:
        return None
    return value.astimezone(datetime.UTC).isoformat()


def replay(events: Iterable[EventLike]) -> DossierSnapshot:
    """Rebuild the dossier's state, appointment history, pauses and step
    clocks from its events, in order. Every moment and deadline the services
    computed is carried in the event payloads, and the working time between
    two events in ``working_seconds``, so replay needs no calendar."""
    snap = DossierSnapshot()
    open_step: StepClock | None = None
    branches: dict[str, StepClock] = {}
    for event in events:
        payload: Mapping[str, Any] = event.payload or {}
        if snap.version and event.seq != snap.version + 1:
            raise ValueError(f"event sequence gap before seq {event.seq}")
        if event.from_state != snap.state:
            raise ValueError(f"event {event.seq} starts from {event.from_state}, not {snap.state}")
        # The clock of the open step runs only while the dossier is processing.
        if event.from_state == State.PROCESSING:
            for clock in [open_step, *branches.values()]:
                if clock is not None:
                    clock.consumed_seconds += event.working_seconds

        if "appointment_at" in payload:
            new = parse_moment(payload["appointment_at"])
            assert new is not None
            if snap.first_appointment_at is None:
                snap.first_appointment_at = new
                snap.accepted_at = event.at
            else:
                snap.appointments.append(
                    AppointmentEntry(
                        previous=snap.appointment_at,
                        new=new,
                        reason=str(payload.get("appointment_reason", "")),
                        lateness=bool(payload.get("lateness", False)),
                        at=event.at,
                    )
                )
            snap.appointment_at = new

        # Pauses.
        if (
            event.to_state in PAUSE_RECORDED_STATES
            and event.from_state not in PAUSE_RECORDED_STATES
        ):
            snap.pauses.append(Pause(kind=event.to_state, started_at=event.at))
        if (
            event.from_state in PAUSE_RECORDED_STATES
            and event.to_state not in PAUSE_RECORDED_STATES
        ):
            snap.pauses[-1].ended_at = event.at

        # Consultation branches.
        if event.action == "consult" and "branch" in payload:
            clock = StepClock(
                step_key=str(payload["branch"]),
                started_at=event.at,
                due_at=parse_moment(payload.get("branch_due_at")),
                parent_step=event.from_step,
            )
            branches[clock.step_key] = clock
            snap.steps.append(clock)
        if event.action == "answer" and "branch" in payload:
            branches.pop(str(payload["branch"])).ended_at = event.at
        if event.to_state in _CLOSED:
            for clock in branches.values():
                clock.ended_at = event.at
            branches.clear()

        # Steps.
        if open_step is not None and (
            event.to_step != event.from_step or event.to_state in _CLOSED
        ):
            open_step.ended_at = event.at
            open_step = None
        if open_step is not None and "step_due_at" in payload:
            open_step.due_at = parse_moment(payload["step_due_at"])
        if open_step is None and event.to_step and event.to_state == State.PROCESSING:
            open_step = StepClock(
                step_key=event.to_step,
                started_at=event.at,
                due_at=parse_moment(payload.get("step_due_at")),
            )
            snap.steps.append(open_step)

        snap.state = event.to_state
        snap.current_step = event.to_step
        snap.version = event.seq
        snap.national_status = national_status(event.to_state, last_action=event.action)
        if "due_at" in payload:
            snap.due_at = parse_moment(payload["due_at"])
        if event.to_state in _CLOSED:
            snap.due_at = None
            if snap.finished_at is None:
                snap.finished_at = event.at
    return snap
