"""The engine every action runs through: a :class:`Change` describes
what the action does; :func:`apply_change` checks the version, then in one
transaction moves the row with a compare-and-set (``UPDATE … WHERE version =
expected``), appends exactly one hash-chained :class:`DossierEvent` and keeps
the pause, appointment and step-run rows in step. Also the shared checks
(``versioned``, state errors, reasons).
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ParamSpec

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.catalog.workflows import Step
from motcua.core.errors import Conflict, DomainError
from motcua.dossiers import attachments as files
from motcua.dossiers.access import PENDING_LOG_ATTR, related_agency, step_agency, write_access_log
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.caches import dossier_graph, graph_step
from motcua.dossiers.clock import add_working_hours, province_of, working_seconds_between
from motcua.dossiers.hashing import event_hash
from motcua.dossiers.hooks import run_event_hooks
from motcua.dossiers.models import (
    AppointmentChange,
    DocumentKind,
    Dossier,
    DossierEvent,
    PauseInterval,
    StepRun,
)
from motcua.dossiers.states import (
    PAUSE_RECORDED_STATES,
    TERMINAL_STATES,
    State,
    moment_text,
    national_status,
)
from motcua.units.models import Agency

#: States after which no step is open: the dossier's work is done.
_CLOSED = TERMINAL_STATES | {State.RESULT_READY}
#: States in which the dossier sits at a step of its workflow.
STEP_STATES = frozenset({State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT})


def not_allowed(dossier: Dossier, action: str) -> DomainError:
    """``action_not_allowed``: the action cannot start from the dossier's state."""
    return DomainError(
        _("Không thể thực hiện thao tác “%(action)s” khi hồ sơ ở trạng thái “%(state)s”.")
        % {"action": action, "state": State(dossier.state).label},
        code="action_not_allowed",
    )


def _consultation_pending() -> DomainError:
    return DomainError(
        _("Đang chờ ý kiến của đơn vị được xin ý kiến; chưa thể chuyển bước."),
        code="consultation_pending",
    )


def _conflict() -> Conflict:
    return Conflict(
        _("Hồ sơ vừa được người khác cập nhật. Vui lòng tải lại và thực hiện lại thao tác."),
        code="dossier_version_conflict",
    )


def dossier_check_version(*, dossier: Dossier, expected_version: object) -> None:
    """Raise 409 ``dossier_version_conflict`` unless ``expected_version``
    is the dossier's current version."""
    if dossier.version != expected_version:
        raise _conflict()


_P = ParamSpec("_P")


def versioned(service: Callable[_P, Dossier]) -> Callable[_P, Dossier]:
    """Check ``expected_version`` before anything else: a stale version is
    409 ``dossier_version_conflict`` whatever else is wrong with the request
    (state, role, input), in every action and from every side (API, back
    office, portal). The compare-and-set in :func:`apply_change` still guards the
    race between this check and the write."""

    @functools.wraps(service)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> Dossier:
        dossier = kwargs.get("dossier")
        if isinstance(dossier, Dossier):
            dossier_check_version(dossier=dossier, expected_version=kwargs.get("expected_version"))
        return service(*args, **kwargs)

    return checked


def clean_reasons(values: Sequence[str] | None, *, code: str = "reasons_required") -> list[str]:
    """The non-blank reasons, stripped; refuses (``code``) when none is left."""
    cleaned = [v.strip() for v in values or [] if v and v.strip()]
    if not cleaned:
        raise DomainError(_("Vui lòng nêu rõ lý do."), code=code)
    return cleaned


@dataclass
class StepStart:
    """A workflow step starting: the step, the agency that holds it, its deadline."""

    step: Step
    agency: Agency
    due_at: datetime.datetime


@dataclass
class Change:
    """What one action does, handed to :func:`apply_change`."""

    action: str
    to_state: str
    actor_role: str = ""
    actor_agency: Agency | None = None
    payload: dict[str, Any] = field(default_factory=dict)
    fields: dict[str, Any] = field(default_factory=dict)
    to_step: str | None = None  # None: unchanged
    start: StepStart | None = None
    due_at: datetime.datetime | None = None
    set_due: bool = False
    step_due_at: datetime.datetime | None = None
    appointment: tuple[datetime.datetime, str, bool] | None = None
    step_user: User | None = None
    extra: Callable[[], None] | None = None
    working_seconds: int | None = None
    branch_start: StepStart | None = None
    branch_end: str = ""
    #: Refuse (``consultation_pending``) when a consultation is open; checked
    #: inside the transaction by the step-run update.
    no_open_branches: bool = False


def build_event(
    dossier: Dossier,
    *,
    seq: int,
    change: Change,
    actor: User | None,
    from_state: str,
    from_step: str,
    to_step: str,
    at: datetime.datetime,
    working_seconds: int,
) -> DossierEvent:
    """The next hash-chained event of ``dossier`` for ``change`` (not saved)."""
    event = DossierEvent(
        dossier=dossier,
        seq=seq,
        action=change.action,
        actor=actor,
        actor_role=change.actor_role,
        actor_agency=change.actor_agency,
        from_state=from_state,
        to_state=change.to_state,
        from_step=from_step,
        to_step=to_step,
        at=at,
        working_seconds=working_seconds,
        payload=change.payload,
        prev_hash=dossier.last_hash,
    )
    event.hash = event_hash(event, dossier_public_id=str(dossier.public_id))
    return event


def prepare_change(change: Change, dossier: Dossier, now: datetime.datetime) -> None:
    """Fill the payload and fields that every action derives the same way."""
    if change.start is not None:
        change.to_step = change.start.step.key
        change.step_due_at = change.start.due_at
        change.due_at = change.start.due_at
        change.set_due = True
        change.fields.update(
            holder_agency=change.start.agency, holder_role=change.start.step.role, holder_user=None
        )
    if change.appointment is not None:
        new, reason, lateness = change.appointment
        change.payload["appointment_at"] = moment_text(new)
        change.fields["appointment_at"] = new
        if dossier.first_appointment_at is None:
            change.fields.update(first_appointment_at=new, accepted_at=now)
        else:
            change.payload["appointment_reason"] = reason
            change.payload["lateness"] = lateness
    if change.step_due_at is not None:
        change.payload["step_due_at"] = moment_text(change.step_due_at)
    if change.to_state in _CLOSED:
        change.to_step = ""
        change.due_at, change.set_due = None, True
        if dossier.finished_at is None:
            change.fields["finished_at"] = now
        if change.to_state == State.RESULT_READY:
            change.fields.update(
                holder_agency=related_agency(dossier, "receiving_agency"),
                holder_role=str(Role.ONE_STOP_OFFICER),
                holder_user=None,
            )
        else:
            change.fields.update(holder_agency=None, holder_role="", holder_user=None)
    if change.set_due:
        change.payload["due_at"] = moment_text(change.due_at)
        change.fields["due_at"] = change.due_at


def apply_change(
    dossier: Dossier,
    *,
    actor: User | None,
    expected_version: int,
    change: Change,
    now: datetime.datetime,
    files: Sequence[Attachment] = (),
    files_kind: str = DocumentKind.SUPPLEMENT,
) -> Dossier:
    """Run ``change``: compare-and-set, one event, step runs, pauses,
    appointment history and the ``files`` the action adds (of ``files_kind``),
    all in one transaction."""
    if files:
        assert actor is not None
        _attach(
            change,
            dossier=dossier,
            actor=actor,
            kind=files_kind,
            attachments=files,
            expected_version=expected_version,
            now=now,
        )
    if dossier.version != expected_version:
        raise _conflict()
    if dossier.last_event_at is not None and now < dossier.last_event_at:
        raise DomainError(
            _("Thời điểm thao tác không được sớm hơn thao tác trước đó của hồ sơ."),
            code="moment_before_previous_event",
        )
    prepare_change(change, dossier, now)
    from_state, from_step = dossier.state, dossier.current_step
    to_step = from_step if change.to_step is None else change.to_step
    if change.working_seconds is not None:
        ws = change.working_seconds
    elif dossier.last_event_at is not None:
        ws = working_seconds_between(dossier, dossier.last_event_at, now)
    else:
        ws = 0
    seq = expected_version + 1
    event = build_event(
        dossier,
        seq=seq,
        change=change,
        actor=actor,
        from_state=from_state,
        from_step=from_step,
        to_step=to_step,
        at=now,
        working_seconds=ws,
    )
    fields: dict[str, Any] = {
        "state": change.to_state,
        "national_status": national_status(change.to_state, last_action=change.action),
        "version": seq,
        "last_event_at": now,
        "last_hash": event.hash,
        "current_step": to_step,
        **change.fields,
    }
    step_open = from_state in STEP_STATES and bool(from_step)
    closing = step_open and (to_step != from_step or change.to_state in _CLOSED)
    pending_log = getattr(dossier, PENDING_LOG_ATTR, None)
    with transaction.atomic():
        updated = Dossier.objects.filter(pk=dossier.pk, version=expected_version).update(**fields)
        if updated != 1:
            raise _conflict()
        event.save(force_insert=True)
        if step_open:
            open_runs = StepRun.objects.filter(dossier=dossier, ended_at__isnull=True)
            charged = ws if from_state == State.PROCESSING else 0
            run_update: dict[str, Any] = {}
            if closing:
                run_update["ended_at"] = now
            elif change.step_due_at is not None:
                run_update["due_at"] = change.step_due_at
            if change.step_user is not None:
                run_update["user"] = change.step_user
            if change.no_open_branches:
                # One statement for the main step: under the row lock taken
                # by the compare-and-set, more than one open run means an
                # open consultation, and the whole action rolls back.
                if charged:
                    run_update["consumed_seconds"] = F("consumed_seconds") + charged
                if open_runs.update(**(run_update or {"ended_at": None})) > 1:
                    raise _consultation_pending()
            else:
                if charged:
                    # The main step and any open consultation share the clock.
                    open_runs.update(consumed_seconds=F("consumed_seconds") + charged)
                if run_update:
                    open_runs.filter(parent_step="").update(**run_update)
                if change.to_state in _CLOSED:
                    open_runs.exclude(parent_step="").update(ended_at=now)
        if change.branch_end:
            StepRun.objects.filter(
                dossier=dossier, ended_at__isnull=True, step_key=change.branch_end
            ).exclude(parent_step="").update(ended_at=now)
        if change.branch_start is not None:
            StepRun.objects.create(
                dossier=dossier,
                step_key=change.branch_start.step.key,
                parent_step=from_step,
                agency=change.branch_start.agency,
                role=change.branch_start.step.role,
                started_at=now,
                due_at=change.branch_start.due_at,
            )
        if change.start is not None and change.to_state == State.PROCESSING:
            StepRun.objects.create(
                dossier=dossier,
                step_key=change.start.step.key,
                agency=change.start.agency,
                role=change.start.step.role,
                started_at=now,
                due_at=change.start.due_at,
            )
        if change.to_state in PAUSE_RECORDED_STATES and from_state not in PAUSE_RECORDED_STATES:
            PauseInterval.objects.create(dossier=dossier, kind=change.to_state, started_at=now)
        if from_state in PAUSE_RECORDED_STATES and change.to_state not in PAUSE_RECORDED_STATES:
            PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True).update(
                ended_at=now
            )
        if change.appointment is not None and dossier.first_appointment_at is not None:
            new, reason, lateness = change.appointment
            AppointmentChange.objects.create(
                dossier=dossier,
                previous=dossier.appointment_at,
                new=new,
                reason=reason,
                lateness=lateness,
                at=now,
            )
        if change.extra is not None:
            change.extra()
        if pending_log is not None:
            # The read that led to this action, logged in its transaction.
            write_access_log(dossier.pk, pending_log[0], pending_log[1], at=now)
        _run_hooks(dossier, fields, event)
    if pending_log is not None:  # committed with the action
        delattr(dossier, PENDING_LOG_ATTR)
    return dossier


def _run_hooks(dossier: Dossier, fields: dict[str, Any], event: DossierEvent) -> None:
    """The dossier as the event left it, then the other domains' hooks; if
    one of them fails, the in-memory dossier is put back as it was."""
    before = {name: getattr(dossier, name) for name in fields}
    for name, value in fields.items():
        setattr(dossier, name, value)
    try:
        run_event_hooks(event)
    except BaseException:
        for name, value in before.items():
            setattr(dossier, name, value)
        raise


def first_step(dossier: Dossier, now: datetime.datetime) -> StepStart:
    """The start step of the pinned workflow, its agency and deadline from ``now``."""
    graph = dossier_graph(dossier)
    step = graph_step(graph, graph.start)
    return StepStart(
        step=step,
        agency=step_agency(dossier, step),
        due_at=add_working_hours(province_of(dossier), now, step.budget_hours),
    )


def _attach(
    change: Change,
    *,
    dossier: Dossier,
    actor: User,
    kind: str,
    attachments: Sequence[Attachment],
    expected_version: int,
    now: datetime.datetime,
) -> None:
    """Check ``attachments`` now; create their rows inside the action's
    transaction, tagged with the action's event number."""
    checked = files.check_attachments(
        dossier=dossier, actor=actor, attachments=attachments, require_all=False
    )
    if not checked:
        return
    change.payload["documents"] = files.payload_of(checked)

    def create() -> None:
        files.create_documents(
            dossier=dossier,
            actor=actor,
            kind=kind,
            checked=checked,
            event_seq=expected_version + 1,
            now=now,
        )

    change.extra = create
