"""Accountability lists, computed from the event log, the step runs and the
appointment changes (never from hand-kept counters).

Every function takes the agency ids the reader may see (from
:func:`scope_for_user`, which starts from
``accounts.selectors.agencies_for_user``) and, where it matters, a
:class:`~motcua.accountability.periods.Period`. Which agency a row belongs
to: what is held now, by the holding agency; step runs, by the step's
agency; officers' actions, by the agency they acted for; dossier-level lists
(bounced, repeated requests, apologies), by the processing agency.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from motcua.accountability.periods import Period
from motcua.accounts.models import Role, User
from motcua.accounts.selectors import agencies_for_user
from motcua.catalog.models import ConfiguredProcedureVersion
from motcua.core.errors import NotFound
from motcua.dossiers.models import AppointmentChange, Dossier, DossierEvent, StepRun
from motcua.dossiers.states import QUEUE_STATES
from motcua.units.models import Agency

#: Who reads these lists: a unit's leaders (their units) and the province's
#: inspectors (every unit of the province, through ``agencies_for_user``).
READER_ROLES = (Role.LEADER, Role.INSPECTOR)

#: Requests for more papers (before acceptance, and during processing).
REQUEST_ACTIONS = ("ask_to_complete", "ask_to_supplement")

_PROCEDURE_CODE = "configured_procedure_version__procedure_version__procedure__code"
_PROCEDURE_NAME = "configured_procedure_version__procedure_version__name"


# ------------------------------------------------------------------ scope


@dataclass(frozen=True)
class Scope:
    """The agencies a reader may see, and the one they picked (if any)."""

    choices: tuple[tuple[str, str], ...]  # (public id, name) of every visible agency
    agency_ids: tuple[int, ...]  # the ids the lists read
    picked: str  # public id of the picked agency, "" for all visible

    @property
    def province_wide(self) -> bool:
        return not self.picked and len(self.choices) > 1


def scope_for_user(*, user: User, agency: str = "") -> Scope:
    """The reader's scope. Not a leader or an inspector anywhere, or an
    agency they may not see: :class:`NotFound` (like the rest of the back
    office, a forbidden unit and a missing one look alike)."""
    visible = list(
        agencies_for_user(user=user, roles=READER_ROLES)
        .order_by("name", "id")
        .values_list("id", "public_id", "name")
    )
    if not visible:
        raise NotFound(_("Không tìm thấy trang."), code="not_found")
    choices = tuple((pid, name) for _id, pid, name in visible)
    if agency:
        ids = tuple(i for i, pid, _name in visible if pid == agency)
        if not ids:
            raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="agency_not_found")
        return Scope(choices=choices, agency_ids=ids, picked=agency)
    return Scope(choices=choices, agency_ids=tuple(i for i, _pid, _name in visible), picked="")


# ------------------------------------------------------------- held now


@dataclass(frozen=True)
class HeldRow:
    dossier_id: int
    code: str
    procedure: str
    state: str
    step: str
    agency: str
    role: str
    holder: str
    started_at: datetime.datetime | None
    due_at: datetime.datetime | None
    now: datetime.datetime

    @property
    def age_hours(self) -> float | None:
        if self.started_at is None:
            return None
        return round((self.now - self.started_at).total_seconds() / 3600, 1)

    @property
    def budget_hours(self) -> float | None:
        """The step's allowance, as a span of clock time (start → due)."""
        if self.started_at is None or self.due_at is None:
            return None
        return round((self.due_at - self.started_at).total_seconds() / 3600, 1)

    @property
    def overdue(self) -> bool:
        return self.due_at is not None and self.due_at < self.now

    @property
    def over_hours(self) -> float:
        """Clock hours past the step's due moment (0 when not overdue)."""
        if not self.overdue or self.due_at is None:
            return 0.0
        return round((self.now - self.due_at).total_seconds() / 3600, 1)


def _holder_name(full_name: str | None, username: str | None) -> str:
    if full_name or username:
        return str(full_name or username)
    return _("Chưa giao người cụ thể")


def _cursor_parse(cursor: str) -> tuple[datetime.datetime | None, int] | None:
    """``d<iso moment>_<id>`` or ``n_<id>`` (rows without a due moment come
    after all the others), as written by :func:`held_now`."""
    try:
        head, _sep, tail = cursor.rpartition("_")
        ident = int(tail)
        if head == "n":
            return None, ident
        if head.startswith("d"):
            return datetime.datetime.fromisoformat(head[1:]), ident
    except ValueError:
        return None
    return None


def held_now(
    *,
    agency_ids: Sequence[int],
    now: datetime.datetime,
    after: str = "",
    limit: int = 50,
) -> tuple[list[HeldRow], str]:
    """What the agencies hold now (the officers' queue states), the most
    overdue first, ``limit`` rows after the keyset cursor ``after``; returns
    the rows and the next cursor ("" at the end). Reads the partial index
    ``dossier_queue_idx`` (holder agency, role, due moment)."""
    base = Dossier.objects.filter(state__in=sorted(QUEUE_STATES), holder_agency_id__in=agency_ids)
    position = _cursor_parse(after) if after else None
    fields = (
        "id",
        "code",
        "state",
        "current_step",
        "holder_role",
        "due_at",
        "holder_agency__name",
        "holder_user__full_name",
        "holder_user__username",
        _PROCEDURE_NAME,
    )
    rows: list[dict[str, object]] = []
    if position is None or position[0] is not None:
        dated = base.filter(due_at__isnull=False)
        if position is not None and position[0] is not None:
            moment, ident = position
            dated = dated.filter(Q(due_at__gt=moment) | Q(due_at=moment, id__gt=ident))
        rows = list(dated.order_by("due_at", "id").values(*fields)[: limit + 1])
    if len(rows) <= limit:
        undated = base.filter(due_at__isnull=True)
        if position is not None and position[0] is None:
            undated = undated.filter(id__gt=position[1])
        rows += list(undated.order_by("id").values(*fields)[: limit + 1 - len(rows)])
    more = len(rows) > limit
    rows = rows[:limit]
    starts = dict(
        StepRun.objects.filter(
            dossier_id__in=[r["id"] for r in rows], ended_at__isnull=True, parent_step=""
        ).values_list("dossier_id", "started_at")
    )
    out = [
        HeldRow(
            dossier_id=int(str(r["id"])),
            code=str(r["code"]),
            procedure=str(r[_PROCEDURE_NAME]),
            state=str(r["state"]),
            step=str(r["current_step"]),
            agency=str(r["holder_agency__name"]),
            role=str(r["holder_role"]),
            holder=_holder_name(
                r["holder_user__full_name"],  # type: ignore[arg-type]
                r["holder_user__username"],  # type: ignore[arg-type]
            ),
            started_at=starts.get(int(str(r["id"]))),
            due_at=r["due_at"],  # type: ignore[arg-type]
            now=now,
        )
        for r in rows
    ]
    cursor = ""
    if more and out:
        last = out[-1]
        cursor = (
            f"d{last.due_at.isoformat()}_{last.dossier_id}"
            if last.due_at
            else f"n_{last.dossier_id}"
        )
    return out, cursor


@dataclass(frozen=True)
class HolderRow:
    agency: str
    role: str
    holder: str
    held: int
    near_due: int  # due within 24 hours
    overdue: int


def held_by_holder(*, agency_ids: Sequence[int], now: datetime.datetime) -> list[HolderRow]:
    """Per holding agency, role and person: how many they hold, how many are
    due within 24 hours and how many are overdue; most overdue first."""
    soon = now + datetime.timedelta(hours=24)
    rows = (
        Dossier.objects.filter(state__in=sorted(QUEUE_STATES), holder_agency_id__in=agency_ids)
        .values(
            "holder_agency__name",
            "holder_role",
            "holder_user_id",
            "holder_user__full_name",
            "holder_user__username",
        )
        .annotate(
            held=Count("id"),
            overdue=Count("id", filter=Q(due_at__lt=now)),
            near=Count("id", filter=Q(due_at__gte=now, due_at__lt=soon)),
        )
    )
    out = [
        HolderRow(
            agency=r["holder_agency__name"],
            role=r["holder_role"],
            holder=_holder_name(r["holder_user__full_name"], r["holder_user__username"]),
            held=r["held"],
            near_due=r["near"],
            overdue=r["overdue"],
        )
        for r in rows
    ]
    out.sort(key=lambda r: (-r.overdue, -r.held, r.agency, r.role, r.holder))
    return out


# ------------------------------------------------------------ hold times


def percentile(values: Sequence[float], share: float) -> float:
    """Nearest-rank percentile of sorted ``values`` (not interpolated)."""
    rank = max(1, math.ceil(share * len(values)))
    return values[rank - 1]


@dataclass(frozen=True)
class HoldTimeRow:
    procedure_code: str
    procedure: str
    agency: str
    step: str
    runs: int
    median_hours: float
    p90_hours: float
    late_runs: int  # ended after the step's due moment


def hold_times(*, agency_ids: Sequence[int], period: Period) -> list[HoldTimeRow]:
    """Working hours consumed per step (pauses excluded), median and p90,
    per procedure, agency and step, over the step runs that ended in the
    period (consultation branches included, as their own step)."""
    runs = (
        StepRun.objects.filter(
            agency_id__in=agency_ids, ended_at__gte=period.start_at, ended_at__lt=period.end_at
        )
        .values_list(
            "dossier__" + _PROCEDURE_CODE,
            "dossier__" + _PROCEDURE_NAME,
            "agency__name",
            "step_key",
            "consumed_seconds",
            "due_at",
            "ended_at",
            "dossier__configured_procedure_version_id",
        )
        .iterator(chunk_size=5000)
    )
    groups: dict[tuple[str, str, str, str], list[int]] = defaultdict(list)
    late: dict[tuple[str, str, str, str], int] = defaultdict(int)
    versions: dict[tuple[str, str, str, str], int] = {}
    for code, name, agency, step, seconds, due_at, ended_at, cpv in runs:
        key = (code, name, agency, step)
        groups[key].append(seconds)
        versions.setdefault(key, cpv)
        if due_at is not None and ended_at is not None and ended_at > due_at:
            late[key] += 1
    names = step_names(set(versions.values()))
    out = []
    for key in sorted(groups):
        values = sorted(s / 3600 for s in groups[key])
        out.append(
            HoldTimeRow(
                procedure_code=key[0],
                procedure=key[1],
                agency=key[2],
                step=names.get((versions[key], key[3]), key[3]),
                runs=len(values),
                median_hours=round(statistics.median(values), 2),
                p90_hours=round(percentile(values, 0.9), 2),
                late_runs=late[key],
            )
        )
    return out


def step_names(version_ids: Iterable[int]) -> dict[tuple[int, str], str]:
    """(configured procedure version id, step key) → the step's name in that
    version's pinned workflow."""
    definitions = ConfiguredProcedureVersion.objects.filter(id__in=list(version_ids)).values_list(
        "id", "workflow__definition"
    )
    names: dict[tuple[int, str], str] = {}
    for version, definition in definitions:
        for step in (definition or {}).get("steps", []):
            key = str(step.get("key", ""))
            names[(version, key)] = str(step.get("name") or key)
    return names


# ---------------------------------------------------------------- dossiers


@dataclass(frozen=True)
class BouncedRow:
    dossier_id: int
    code: str
    procedure: str
    agency: str
    send_backs: int
    unit_moves: int

    @property
    def bounces(self) -> int:
        return self.send_backs + self.unit_moves


def _dossier_labels(ids: Iterable[int]) -> dict[int, tuple[str, str, str]]:
    return {
        r[0]: (r[1], r[2], r[3])
        for r in Dossier.objects.filter(id__in=list(ids)).values_list(
            "id", "code", _PROCEDURE_NAME, "processing_agency__name"
        )
    }


def bounced(*, agency_ids: Sequence[int], period: Period, more_than: int) -> list[BouncedRow]:
    """Dossiers received in the period (by the processing agencies) that were
    sent back, or moved from one unit to another along the main line of
    their steps, more than ``more_than`` times in all; most bounced first."""
    scope = Dossier.objects.filter(
        processing_agency_id__in=agency_ids,
        submitted_at__gte=period.start_at,
        submitted_at__lt=period.end_at,
    ).values("id")
    backs = dict(
        DossierEvent.objects.filter(dossier_id__in=scope, action="send_back")
        .values("dossier_id")
        .annotate(n=Count("id"))
        .values_list("dossier_id", "n")
    )
    moves: dict[int, int] = defaultdict(int)
    previous: tuple[int, int] | None = None
    runs = (
        StepRun.objects.filter(dossier_id__in=scope, parent_step="")
        .order_by("dossier_id", "started_at", "id")
        .values_list("dossier_id", "agency_id")
        .iterator(chunk_size=5000)
    )
    for dossier_id, agency_id in runs:
        if previous is not None and previous[0] == dossier_id and previous[1] != agency_id:
            moves[dossier_id] += 1
        previous = (dossier_id, agency_id)
    hits = {d for d in set(backs) | set(moves) if backs.get(d, 0) + moves.get(d, 0) > more_than}
    labels = _dossier_labels(hits)
    out = [
        BouncedRow(
            dossier_id=d,
            code=labels[d][0],
            procedure=labels[d][1],
            agency=labels[d][2],
            send_backs=backs.get(d, 0),
            unit_moves=moves.get(d, 0),
        )
        for d in hits
    ]
    out.sort(key=lambda r: (-r.bounces, r.code))
    return out


@dataclass(frozen=True)
class RepeatedRequestRow:
    dossier_id: int
    code: str
    procedure: str
    agency: str
    requests: int
    first_at: datetime.datetime
    last_at: datetime.datetime


def repeated_requests(
    *, agency_ids: Sequence[int], period: Period, at_least: int = 2
) -> list[RepeatedRequestRow]:
    """Dossiers asked for more papers (to complete before acceptance, or to
    supplement during processing) ``at_least`` times, counting the requests
    made in the period. The rules allow one request (Decree 118/2025 Art. 11):
    two or more on one dossier is what an inspector looks for."""
    rows = (
        DossierEvent.objects.filter(
            action__in=REQUEST_ACTIONS,
            at__gte=period.start_at,
            at__lt=period.end_at,
        )
        .filter(
            Q(dossier__processing_agency_id__in=agency_ids)
            | Q(dossier__receiving_agency_id__in=agency_ids)
        )
        .values("dossier_id")
        .annotate(n=Count("id"), first=Min("at"), last=Max("at"))
        .filter(n__gte=at_least)
        .values_list("dossier_id", "n", "first", "last")
    )
    found = list(rows)
    labels = _dossier_labels(r[0] for r in found)
    out = [
        RepeatedRequestRow(
            dossier_id=d,
            code=labels[d][0],
            procedure=labels[d][1],
            agency=labels[d][2],
            requests=n,
            first_at=first,
            last_at=last,
        )
        for d, n, first, last in found
    ]
    out.sort(key=lambda r: (-r.requests, r.code))
    return out


# ---------------------------------------------------------------- officers


@dataclass(frozen=True)
class OfficerRateRow:
    agency: str
    role: str
    officer: str
    dossiers: int  # distinct dossiers acted on in the period
    refusals: int
    requests: int  # requests for more papers
    peers: int  # other officers of the same agency and role
    peer_dossiers: int
    peer_refusals: int
    peer_requests: int

    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return None if whole == 0 else round(100 * part / whole, 1)

    @property
    def refusal_rate(self) -> float | None:
        return self._rate(self.refusals, self.dossiers)

    @property
    def request_rate(self) -> float | None:
        return self._rate(self.requests, self.dossiers)

    @property
    def peer_refusal_rate(self) -> float | None:
        return self._rate(self.peer_refusals, self.peer_dossiers)

    @property
    def peer_request_rate(self) -> float | None:
        return self._rate(self.peer_requests, self.peer_dossiers)


def officer_rates(*, agency_ids: Sequence[int], period: Period) -> list[OfficerRateRow]:
    """Per officer (agency × role × person): the dossiers they acted on in
    the period, their refusals and their requests for more papers, beside
    the same figures pooled over their peers (the other officers with the
    same role in the same agency). Rates are shares of dossiers acted on;
    no peers or no dossiers gives no rate (never a division by zero)."""
    events = DossierEvent.objects.filter(
        actor__isnull=False,
        actor_agency_id__in=agency_ids,
        at__gte=period.start_at,
        at__lt=period.end_at,
    )
    grouped = events.values("actor_agency_id", "actor_role", "actor_id").annotate(
        dossiers=Count("dossier_id", distinct=True),
        refusals=Count("id", filter=Q(action="refuse")),
        requests=Count("id", filter=Q(action__in=REQUEST_ACTIONS)),
    )
    stats = {
        (r["actor_agency_id"], r["actor_role"], r["actor_id"]): (
            r["dossiers"],
            r["refusals"],
            r["requests"],
        )
        for r in grouped
    }
    users = {
        u.pk: u.display_name
        for u in User.objects.filter(id__in={k[2] for k in stats}).only(
            "id", "full_name", "username", "first_name", "last_name"
        )
    }
    agencies = dict(Agency.objects.filter(id__in={k[0] for k in stats}).values_list("id", "name"))
    totals: dict[tuple[int, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (agency, role, _user), (d, f, q) in stats.items():
        t = totals[(agency, role)]
        t[0] += 1
        t[1] += d
        t[2] += f
        t[3] += q
    out = []
    for (agency, role, user), (d, f, q) in stats.items():
        t = totals[(agency, role)]
        out.append(
            OfficerRateRow(
                agency=agencies.get(agency, ""),
                role=role,
                officer=users.get(user, ""),
                dossiers=d,
                refusals=f,
                requests=q,
                peers=t[0] - 1,
                peer_dossiers=t[1] - d,
                peer_refusals=t[2] - f,
                peer_requests=t[3] - q,
            )
        )
    out.sort(key=lambda r: (r.agency, r.role, r.officer))
    return out


# --------------------------------------------------- receptions, apologies


@dataclass(frozen=True)
class LateReceptionRow:
    dossier_id: int
    code: str
    procedure: str
    agency: str
    officer: str
    submitted_at: datetime.datetime
    accepted_at: datetime.datetime


def late_receptions(*, agency_ids: Sequence[int], period: Period) -> list[LateReceptionRow]:
    """Online dossiers accepted in the period after their reception deadline
    (the ``reception_late`` mark the accept action records on its event)."""
    rows = (
        DossierEvent.objects.filter(
            action="accept",
            actor_agency_id__in=agency_ids,
            at__gte=period.start_at,
            at__lt=period.end_at,
            payload__reception_late=True,
        )
        .order_by("-at", "-id")
        .values_list(
            "dossier_id",
            "dossier__code",
            "dossier__" + _PROCEDURE_NAME,
            "actor_agency__name",
            "actor__full_name",
            "actor__username",
            "dossier__submitted_at",
            "at",
        )
    )
    return [
        LateReceptionRow(
            dossier_id=r[0],
            code=r[1],
            procedure=r[2],
            agency=r[3],
            officer=_holder_name(r[4], r[5]),
            submitted_at=r[6],
            accepted_at=r[7],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ApologyRow:
    dossier_id: int
    code: str
    procedure: str
    agency: str
    officer: str
    at: datetime.datetime
    previous: datetime.datetime | None
    new: datetime.datetime
    reason: str


def apologies(*, agency_ids: Sequence[int], period: Period) -> list[ApologyRow]:
    """Appointments moved for lateness (apology letters, form 04) in the
    period, with who issued them (the ``apologise`` event at that moment)."""
    changes = list(
        AppointmentChange.objects.filter(
            lateness=True,
            at__gte=period.start_at,
            at__lt=period.end_at,
            dossier__processing_agency_id__in=agency_ids,
        )
        .order_by("-at", "-id")
        .values_list(
            "dossier_id",
            "dossier__code",
            "dossier__" + _PROCEDURE_NAME,
            "dossier__processing_agency__name",
            "at",
            "previous",
            "new",
            "reason",
        )
    )
    issuers = {
        (d, at): _holder_name(full, user)
        for d, at, full, user in DossierEvent.objects.filter(
            action="apologise", dossier_id__in={c[0] for c in changes}
        ).values_list("dossier_id", "at", "actor__full_name", "actor__username")
    }
    return [
        ApologyRow(
            dossier_id=c[0],
            code=c[1],
            procedure=c[2],
            agency=c[3],
            officer=issuers.get((c[0], c[4]), "—"),
            at=c[4],
            previous=c[5],
            new=c[6],
            reason=c[7],
        )
        for c in changes
    ]
