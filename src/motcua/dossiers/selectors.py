"""Reads of dossiers. Who may see a dossier: its applicant (or whoever filed
it for them), and staff holding a role in its receiving, processing or
holding agency. Anything else is "not found", alike for missing and
forbidden. Every read of one dossier writes a :class:`DossierAccessLog` row.
"""

from __future__ import annotations

import datetime
import functools
import hmac
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from motcua.accounts.models import RoleAssignment, User
from motcua.core.errors import NotFound
from motcua.dossiers import answers, services
from motcua.dossiers.models import (
    AccessChannel,
    Dossier,
    DossierEvent,
    StepRun,
)
from motcua.dossiers.states import QUEUE_STATES, State, replay

ACTION_LABELS = {
    "submit": _l("Nộp hồ sơ"),
    "accept": _l("Tiếp nhận hồ sơ"),
    "ask_to_complete": _l("Yêu cầu hoàn thiện hồ sơ"),
    "complete": _l("Hoàn thiện hồ sơ"),
    "refuse": _l("Từ chối tiếp nhận"),
    "forward": _l("Chuyển bước xử lý"),
    "send_back": _l("Trả lại bước trước"),
    "consult": _l("Xin ý kiến đơn vị liên quan"),
    "answer": _l("Trả lời xin ý kiến"),
    "decide": _l("Có kết quả giải quyết"),
    "ask_to_supplement": _l("Yêu cầu bổ sung hồ sơ"),
    "supplement": _l("Bổ sung hồ sơ"),
    "ask_to_pay": _l("Yêu cầu thực hiện nghĩa vụ tài chính"),
    "pay": _l("Hoàn thành nghĩa vụ tài chính"),
    "apologise": _l("Xin lỗi và hẹn lại ngày trả kết quả"),
    "reassign": _l("Giao lại người xử lý"),
    "stop": _l("Dừng xử lý"),
    "hand_over": _l("Trả kết quả"),
    "withdraw": _l("Rút hồ sơ"),
}


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")


#: Large catalogue columns a dossier read never needs.
_DEFERRED = tuple(
    f"configured_procedure_version__procedure_version__{name}"
    for name in (
        "search_text",
        "processing_note",
        "fees_note",
        "result",
        "legal_basis",
        "sources",
        "agency_text",
    )
)


def _dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "applicant",
        "receiving_agency",
        "processing_agency",
        "holder_agency",
        "holder_user",
        "configured_procedure_version__workflow",
        "configured_procedure_version__procedure_version",
    ).defer(*_DEFERRED)


def can_see(*, user: User, dossier: Dossier) -> bool:
    """The applicant (or who filed it), or staff with any role in the
    receiving, processing or holding agency or in a consulted agency. The
    user's role assignments are read once (kept on ``dossier`` for the
    action that may follow) and checked in Python."""
    if not user.is_authenticated:
        return False
    if dossier.submitted_by_id == user.pk:
        return True
    rows = services.roles_of(user, dossier=dossier)
    if rows:
        services.attach_related(dossier)
        for agency in (dossier.receiving_agency, dossier.processing_agency, dossier.holder_agency):
            if agency is not None and services.holds_role(
                rows, agency_id=agency.pk, province_id=agency.province_id
            ):
                return True
    if dossier.applicant.user_id == user.pk:
        return True
    if not rows:
        return False
    consulted = list(
        StepRun.objects.filter(dossier=dossier)
        .exclude(parent_step="")
        .values_list("agency_id", flat=True)
    )
    agencies = services.agencies_by_id(consulted)
    return any(
        services.holds_role(rows, agency_id=a.pk, province_id=a.province_id)
        for a in agencies.values()
    )


def _log(dossier: Dossier, user: User | None, channel: str) -> None:
    services.write_access_log(
        dossier.pk, user.pk if user is not None and user.is_authenticated else None, channel
    )


_BY_CODE = services.PreparedRead(lambda code: Dossier.objects.filter(code=code)[:1])


def _load(user: User, code: str) -> Dossier:
    """The dossier row (no joins: the pinned version and agencies come from
    the per-process caches) if ``user`` may see it."""
    found = _BY_CODE.models(Dossier, code)
    dossier = found[0] if found else None
    if dossier is None or not can_see(user=user, dossier=dossier):
        raise _not_found()
    return services.attach_related(dossier)


def dossier_get_for_user(*, user: User, code: str, channel: str = AccessChannel.API) -> Dossier:
    """The dossier ``code`` if ``user`` may see it (the read is logged)."""
    dossier = _load(user, code)
    _log(dossier, user, channel)
    return dossier


#: The applicant's answers go through the check of what was asked.
ANSWERS: dict[str, Callable[..., Dossier]] = {
    name: functools.partial(answers.dossier_answer_request, action=name)
    for name in ("complete", "supplement")
}


def dossier_act(
    *,
    user: User,
    code: str,
    action: str,
    expected_version: int,
    channel: str = AccessChannel.API,
    arguments: Callable[[], Mapping[str, Any]] | None = None,
    **kwargs: Any,
) -> Dossier:
    """Read the dossier ``code`` for ``user`` and run the action ``action``
    on it. The read is logged in the action's transaction (one commit); when
    the action fails, the read is logged on its own. ``arguments`` (called
    after the version check) gives more keyword arguments of the service, so
    that a stale version is reported before anything wrong in them."""
    service = ANSWERS.get(action) or services.ACTIONS[action]
    dossier = _load(user, code)
    setattr(dossier, services.PENDING_LOG_ATTR, (user.pk, channel))
    try:
        services.dossier_check_version(dossier=dossier, expected_version=expected_version)
        if arguments is not None:
            kwargs.update(arguments())
        return service(dossier=dossier, actor=user, expected_version=expected_version, **kwargs)
    except BaseException:
        if getattr(dossier, services.PENDING_LOG_ATTR, None) is not None:
            _log(dossier, user, channel)
        raise


def dossier_events_for_user(
    *, user: User, code: str, channel: str = AccessChannel.API
) -> tuple[Dossier, list[DossierEvent]]:
    dossier = dossier_get_for_user(user=user, code=code, channel=channel)
    events = list(
        DossierEvent.objects.filter(dossier=dossier)
        .select_related("actor", "actor_agency")
        .order_by("seq")
    )
    return dossier, events


def dossiers_held_by(*, user: User) -> QuerySet[Dossier]:
    """The officer's queue: open dossiers waiting on a role ``user`` holds in
    the holding agency (and named to them, or to nobody), or on an open
    consultation of a unit where they hold the consulted role; soonest due
    first."""
    holds = RoleAssignment.objects.filter(
        user=user, agency=OuterRef("holder_agency"), role=OuterRef("holder_role")
    )
    consulted = (
        StepRun.objects.filter(dossier=OuterRef("pk"), ended_at__isnull=True)
        .exclude(parent_step="")
        .filter(
            Exists(
                RoleAssignment.objects.filter(
                    user=user, agency=OuterRef("agency"), role=OuterRef("role")
                )
            )
        )
    )
    return (
        _dossiers()
        .filter(state__in=sorted(QUEUE_STATES))
        .filter(
            (Exists(holds) & (Q(holder_user__isnull=True) | Q(holder_user=user)))
            | Exists(consulted)
        )
        .order_by(F("due_at").asc(nulls_last=True), "id")
    )


def queue_parts(*, user: User) -> list[QuerySet[Dossier]]:
    """The officer's queue (:func:`dossiers_held_by`) as the parts of a
    union, each answered by one index range in due order
    (``dossier_queue_idx`` on holder agency, holder role, due, id): one part
    per (agency, role) the person holds, and one for the open consultations
    of their units. Page them with :func:`motcua.dossiers.paging.page_of`."""
    pairs = sorted(
        set(
            RoleAssignment.objects.filter(user=user, agency__isnull=False).values_list(
                "agency_id", "role"
            )
        )
    )
    open_dossiers = _dossiers().filter(state__in=sorted(QUEUE_STATES))
    parts = [
        open_dossiers.filter(holder_agency_id=agency_id, holder_role=role).filter(
            Q(holder_user__isnull=True) | Q(holder_user=user)
        )
        for agency_id, role in pairs
    ]
    if pairs:
        mine = Q()
        for agency_id, role in pairs:
            mine |= Q(agency_id=agency_id, role=role)
        consulted = (
            StepRun.objects.filter(mine, ended_at__isnull=True)
            .exclude(parent_step="")
            .values("dossier_id")
        )
        parts.append(open_dossiers.filter(pk__in=consulted))
    return parts


def dossiers_of_applicant(*, user: User) -> QuerySet[Dossier]:
    """Dossiers ``user`` filed or that were filed for them, newest first."""
    if not user.is_authenticated:
        return Dossier.objects.none()
    return (
        _dossiers()
        .filter(Q(applicant__user=user) | Q(submitted_by=user))
        .order_by("-submitted_at", "-id")
    )


# ----------------------------------------------------------------- tracking


@dataclass(frozen=True)
class TrackedStep:
    key: str
    name: str
    budget_hours: Decimal
    used_hours: Decimal
    started_at: datetime.datetime
    due_at: datetime.datetime | None
    ended_at: datetime.datetime | None


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime.datetime
    action: str
    label: str
    state: str


@dataclass(frozen=True)
class Tracking:
    code: str
    procedure: str
    state: str
    state_label: str
    national_status: int | None
    holding_unit: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime | None
    first_appointment_at: datetime.datetime | None
    appointment_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    steps: list[TrackedStep]
    timeline: list[TimelineEntry]


def _factor_ok(factor: str, *, token: str, personal_id: str | None, tax_code: str | None) -> bool:
    factor = factor.strip()
    if not factor:
        return False
    if hmac.compare_digest(factor.encode(), token.encode()):
        return True
    if len(factor) != 4 or not factor.isdigit():
        return False
    ident = personal_id or tax_code or ""
    return len(ident) >= 4 and hmac.compare_digest(ident[-4:].encode(), factor.encode())


_TRACKING_FIELDS = (
    "id",
    "code",
    "state",
    "national_status",
    "submitted_at",
    "accepted_at",
    "first_appointment_at",
    "appointment_at",
    "finished_at",
    "tracking_token",
    "holder_agency_id",
    "configured_procedure_version_id",
    "applicant__personal_id",
    "applicant__tax_code",
)
_EVENT_FIELDS = (
    "seq",
    "action",
    "from_state",
    "to_state",
    "from_step",
    "to_step",
    "at",
    "working_seconds",
    "payload",
)


_TRACK_DOSSIER = services.PreparedRead(
    lambda code: Dossier.objects.filter(code=code).values_list(*_TRACKING_FIELDS)[:1]
)
_TRACK_EVENTS = services.PreparedRead(
    lambda dossier_id: (
        DossierEvent.objects.filter(dossier_id=dossier_id)
        .order_by("seq")
        .values_list(*_EVENT_FIELDS)
    ),
    markers=(services.INT_MARKER,),
)


@dataclass(slots=True)
class _Event:
    """What tracking reads of an event (a plain object, not a model)."""

    seq: int
    action: str
    from_state: str
    to_state: str
    from_step: str
    to_step: str
    at: datetime.datetime
    working_seconds: int
    payload: Any


_HOURS = Decimal(3600)
_CENT = Decimal("0.01")
_ZERO = Decimal(0)


_CODE_DASHES = re.compile(r"\s*[-‐‑‒–—―]\s*")


def dossier_code_normalise(*, text: str) -> str:
    """A dossier code as people type it ("000.20.01.h62 – 261201-0001") in
    the form it is stored in (upper case, plain hyphens, no spaces)."""
    return _CODE_DASHES.sub("-", text.strip()).replace(" ", "").upper()[:64]


def dossier_track(*, code: str, factor: str) -> Tracking:
    """Public tracking by code plus the last four digits of the applicant's
    personal ID (or tax code), or the dossier's tracking token. Shows the
    state, holding unit, per-step budget against time used and the timeline:
    no personal data.

    Three statements: the dossier row (one join, for the factor), its events
    (plain tuples, no model instances) and the access-log ``INSERT``; the
    procedure name and the workflow's steps come from the per-process cache
    of the pinned version, the holding unit's name from the agency cache."""
    found = _TRACK_DOSSIER.rows(code)
    if not found:
        raise _not_found()
    row = found[0]
    (
        dossier_id,
        dossier_code,
        state,
        status,
        submitted_at,
        accepted_at,
        first_appointment_at,
        appointment_at,
        finished_at,
        token,
        holder_agency_id,
        cpv_id,
        personal_id,
        tax_code,
    ) = row
    if not _factor_ok(factor, token=token, personal_id=personal_id, tax_code=tax_code):
        raise _not_found()
    events = [_Event(*values) for values in _TRACK_EVENTS.rows(dossier_id)]
    services.write_access_log(dossier_id, None, AccessChannel.TRACKING)
    snapshot = replay(events)
    pinned = services.pinned_version(cpv_id)
    graph = services.pinned_graph(cpv_id)
    steps_by_key = {s.key: s for s in graph.steps} if graph is not None else {}
    steps = []
    for clock in snapshot.steps:
        step = steps_by_key.get(clock.step_key)
        steps.append(
            TrackedStep(
                key=clock.step_key,
                name=step.name if step else clock.step_key,
                budget_hours=step.budget_hours if step else _ZERO,
                used_hours=(Decimal(clock.consumed_seconds) / _HOURS).quantize(_CENT),
                started_at=clock.started_at,
                due_at=clock.due_at,
                ended_at=clock.ended_at,
            )
        )
    labels = _labels()
    timeline = [
        TimelineEntry(
            at=e.at, action=e.action, label=labels.get(e.action, e.action), state=e.to_state
        )
        for e in events
    ]
    holder = (
        services.agencies_by_id([holder_agency_id]).get(holder_agency_id)
        if holder_agency_id is not None
        else None
    )
    return Tracking(
        code=dossier_code,
        procedure=pinned.procedure_version.name,
        state=state,
        state_label=str(State(state).label),
        national_status=status,
        holding_unit=holder.name if holder is not None else "",
        submitted_at=submitted_at,
        accepted_at=accepted_at,
        first_appointment_at=first_appointment_at,
        appointment_at=appointment_at,
        finished_at=finished_at,
        steps=steps,
        timeline=timeline,
    )


_LABELS: dict[str, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """The action labels in the active language (translated once)."""
    language = get_language() or ""
    labels = _LABELS.get(language)
    if labels is None:
        labels = _LABELS[language] = {k: str(v) for k, v in ACTION_LABELS.items()}
    return labels
