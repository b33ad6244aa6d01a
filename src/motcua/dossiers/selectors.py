"""Reads of dossiers. Who may see a dossier: its applicant (or whoever filed
it for them), and staff holding a role in its receiving, processing or
holding agency. Anything else is "not found", alike for missing and
forbidden. Every read of one dossier writes a :class:`DossierAccessLog` row.
"""

from __future__ import annotations

import datetime
import hmac
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from motcua.accounts.models import RoleAssignment, User
from motcua.accounts.selectors import agencies_for_user
from motcua.catalog.workflows import parse_graph
from motcua.core.errors import NotFound
from motcua.dossiers.models import (
    AccessChannel,
    Dossier,
    DossierAccessLog,
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
    if not user.is_authenticated:
        return False
    if dossier.submitted_by_id == user.pk or dossier.applicant.user_id == user.pk:
        return True
    agency_ids = {dossier.receiving_agency_id, dossier.processing_agency_id}
    if dossier.holder_agency_id is not None:
        agency_ids.add(dossier.holder_agency_id)
    consulted = StepRun.objects.filter(dossier=dossier).exclude(parent_step="").values("agency_id")
    return agencies_for_user(user=user).filter(Q(pk__in=agency_ids) | Q(pk__in=consulted)).exists()


def _log(dossier: Dossier, user: User | None, channel: str) -> None:
    DossierAccessLog.objects.create(
        dossier=dossier,
        user=user if user is not None and user.is_authenticated else None,
        channel=channel,
    )


def dossier_get_for_user(*, user: User, code: str, channel: str = AccessChannel.API) -> Dossier:
    """The dossier ``code`` if ``user`` may see it (the read is logged)."""
    dossier = next(iter(_dossiers().filter(code=code)[:1]), None)
    if dossier is None or not can_see(user=user, dossier=dossier):
        raise _not_found()
    _log(dossier, user, channel)
    return dossier


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


def _factor_ok(dossier: Dossier, factor: str) -> bool:
    factor = factor.strip()
    if not factor:
        return False
    if hmac.compare_digest(factor.encode(), dossier.tracking_token.encode()):
        return True
    if len(factor) != 4 or not factor.isdigit():
        return False
    ident = dossier.applicant.personal_id or dossier.applicant.tax_code or ""
    return len(ident) >= 4 and hmac.compare_digest(ident[-4:].encode(), factor.encode())


_TRACKING_FIELDS = (
    "code",
    "state",
    "national_status",
    "submitted_at",
    "accepted_at",
    "first_appointment_at",
    "appointment_at",
    "finished_at",
    "tracking_token",
    "applicant__personal_id",
    "applicant__tax_code",
    "holder_agency__name",
    "configured_procedure_version__workflow__definition",
    "configured_procedure_version__procedure_version__name",
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


def dossier_track(*, code: str, factor: str) -> Tracking:
    """Public tracking by code plus the last four digits of the applicant's
    personal ID (or tax code), or the dossier's tracking token. Shows the
    state, holding unit, per-step budget against time used and the timeline:
    no personal data."""
    rows = (
        Dossier.objects.select_related(
            "applicant",
            "holder_agency",
            "configured_procedure_version__workflow",
            "configured_procedure_version__procedure_version",
        )
        .only(*_TRACKING_FIELDS)
        .filter(code=code)[:1]
    )
    found = next(iter(rows), None)
    if found is None or not _factor_ok(found, factor):
        raise _not_found()
    events = list(DossierEvent.objects.filter(dossier=found).only(*_EVENT_FIELDS).order_by("seq"))
    dossier = found
    _log(dossier, None, AccessChannel.TRACKING)
    snapshot = replay(events)
    cpv = dossier.configured_procedure_version
    steps_by_key = {}
    if cpv.workflow is not None:
        graph, _errors = parse_graph(cpv.workflow.definition)
        if graph is not None:
            steps_by_key = {s.key: s for s in graph.steps}
    steps = []
    for clock in snapshot.steps:
        step = steps_by_key.get(clock.step_key)
        steps.append(
            TrackedStep(
                key=clock.step_key,
                name=step.name if step else clock.step_key,
                budget_hours=step.budget_hours if step else Decimal(0),
                used_hours=(Decimal(clock.consumed_seconds) / 3600).quantize(Decimal("0.01")),
                started_at=clock.started_at,
                due_at=clock.due_at,
                ended_at=clock.ended_at,
            )
        )
    timeline = [
        TimelineEntry(
            at=e.at,
            action=e.action,
            label=str(ACTION_LABELS.get(e.action, e.action)),
            state=e.to_state,
        )
        for e in events
    ]
    return Tracking(
        code=dossier.code,
        procedure=cpv.procedure_version.name,
        state=dossier.state,
        state_label=str(State(dossier.state).label),
        national_status=dossier.national_status,
        holding_unit=dossier.holder_agency.name if dossier.holder_agency else "",
        submitted_at=dossier.submitted_at,
        accepted_at=dossier.accepted_at,
        first_appointment_at=dossier.first_appointment_at,
        appointment_at=dossier.appointment_at,
        finished_at=dossier.finished_at,
        steps=steps,
        timeline=timeline,
    )
