"""Reads of the scorecards: a period's inputs for many units in a fixed
number of grouped queries (the summaries, plus the live counts the
summaries cannot hold), the scorecard of one unit, the ranking of a
province's units, a unit's dashboard and the dossiers behind a figure.

Every read goes through :func:`_db` (the database alias), so dashboards can
be switched to a read replica in one place."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.apps import apps
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import agencies_for_user
from motcua.core.db import read_alias
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import LOCAL_TZ, OPEN_STATES, State
from motcua.scorecards.index import IndexScore, index_score
from motcua.scorecards.metrics import METRICS, dossier_metrics
from motcua.scorecards.models import DailyCount
from motcua.scorecards.periods import Period, month
from motcua.units.models import Agency

#: Dossiers still being handled: open, and without a result yet (one with a
#: result ready is finished — counted once, never also as in progress).
UNFINISHED_STATES = sorted(OPEN_STATES - {State.RESULT_READY})

#: Roles that see a unit's scorecard (its leaders and administrators; the
#: province-wide roles see every unit of the province).
SCORECARD_ROLES = (Role.LEADER, Role.UNIT_ADMIN, Role.INSPECTOR, Role.PROVINCE_ADMIN)
#: At most this many dossiers are listed behind one figure.
DRILL_LIMIT = 500


def _db() -> str:
    """The database alias dashboards read from: the streaming replica when
    one is configured, healthy and the person has not just written
    (``core.db.read_alias``, decision 0048), else ``default``."""
    return read_alias()


def _start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(0), tzinfo=LOCAL_TZ)


def _bounds(period: Period) -> tuple[datetime.datetime, datetime.datetime]:
    return _start(period.start), _start(period.end + datetime.timedelta(days=1))


# ---------------------------------------------------------------------- inputs


def _summary_inputs(agency_ids: Sequence[int], period: Period) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        DailyCount.objects.using(_db())
        .filter(agency_id__in=agency_ids, day__gte=period.start, day__lte=period.end)
        .values("agency_id", "metric")
        .annotate(total=Sum("n"))
    )
    for row in rows:
        out[row["agency_id"]][row["metric"]] = int(row["total"] or 0)
    used = (
        DailyCount.objects.using(_db())
        .filter(
            agency_id__in=agency_ids,
            day__gte=period.start,
            day__lte=period.end,
            metric="received_online",
            n__gt=0,
        )
        .values("agency_id")
        .annotate(procedures=Count("procedure_id", distinct=True))
    )
    for row in used:
        out[row["agency_id"]]["procedures_online_used"] = int(row["procedures"])
    return out


def _in_progress(
    agency_ids: Sequence[int], period: Period, now: datetime.datetime
) -> dict[int, tuple[int, int]]:
    """Dossiers received in the period and still open: (all, within time).
    Within time: the appointment's local date is on or after the report's
    end (the period's last day, or today while the period runs); no
    appointment yet counts as within time (domain.md §2)."""
    start, end = _bounds(period)
    today = now.astimezone(LOCAL_TZ).date()
    ref = _start(min(period.end, today))
    rows = (
        Dossier.objects.using(_db())
        .filter(
            processing_agency_id__in=agency_ids,
            state__in=UNFINISHED_STATES,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        .values("processing_agency_id")
        .annotate(
            all=Count("id"),
            within=Count("id", filter=Q(appointment_at__isnull=True) | Q(appointment_at__gte=ref)),
        )
    )
    return {r["processing_agency_id"]: (int(r["all"]), int(r["within"])) for r in rows}


def _catalogue(agency_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    from motcua.catalog.models import ConfiguredProcedure, OnlineLevel

    rows = (
        ConfiguredProcedure.objects.using(_db())
        .filter(agency_id__in=agency_ids, current_version__isnull=False)
        .values("agency_id")
        .annotate(
            all=Count("id"),
            online=Count(
                "id",
                filter=~Q(current_version__procedure_version__online_level=OnlineLevel.NONE),
            ),
        )
    )
    return {r["agency_id"]: (int(r["all"]), int(r["online"])) for r in rows}


def _ratings(agency_ids: Sequence[int], period: Period) -> dict[int, tuple[int, int]] | None:
    if not apps.is_installed("motcua.feedback"):
        return None
    from motcua.feedback.models import Level, Rating

    start, end = _bounds(period)
    rows = (
        Rating.objects.using(_db())
        .filter(dossier__processing_agency_id__in=agency_ids, rated_at__gte=start, rated_at__lt=end)
        .values("dossier__processing_agency_id")
        .annotate(
            all=Count("id"),
            good=Count("id", filter=Q(level__in=[Level.VERY_SATISFIED, Level.SATISFIED])),
        )
    )
    return {r["dossier__processing_agency_id"]: (int(r["all"]), int(r["good"])) for r in rows}


def _feedback(
    agency_ids: Sequence[int], period: Period, now: datetime.datetime
) -> dict[int, tuple[int, int]] | None:
    """Feedback falling due in the period (those within the unit's
    competence): (all, answered by the due moment)."""
    if not apps.is_installed("motcua.feedback"):
        return None
    from django.db.models import F

    from motcua.feedback.models import Feedback

    start, end = _bounds(period)
    rows = (
        Feedback.objects.using(_db())
        .filter(agency_id__in=agency_ids, due_at__gte=start, due_at__lt=min(end, now))
        .values("agency_id")
        .annotate(
            all=Count("id"),
            on_time=Count("id", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
        )
    )
    return {r["agency_id"]: (int(r["all"]), int(r["on_time"])) for r in rows}


def _payments(agency_ids: Sequence[int], period: Period) -> dict[int, dict[str, int]] | None:
    """Fee-bearing dossiers (obligations over 0 created in the period) and
    those paid through an online gateway; the same per procedure."""
    if not apps.is_installed("motcua.payments"):
        return None
    from motcua.payments.models import Obligation

    start, end = _bounds(period)
    rows = (
        Obligation.objects.using(_db())
        .filter(
            agency_id__in=agency_ids, amount_vnd__gt=0, created_at__gte=start, created_at__lt=end
        )
        .values(
            "agency_id",
            "dossier_id",
            "dossier__configured_procedure_version__configured__procedure_id",
        )
        .annotate(online=Count("payments", filter=Q(payments__state="paid")))
    )
    dossiers: dict[int, dict[int, bool]] = defaultdict(dict)
    procedures: dict[int, dict[int, bool]] = defaultdict(dict)
    for r in rows:
        paid = r["online"] > 0
        a = r["agency_id"]
        dossiers[a][r["dossier_id"]] = dossiers[a].get(r["dossier_id"], False) or paid
        p = r["dossier__configured_procedure_version__configured__procedure_id"]
        procedures[a][p] = procedures[a].get(p, False) or paid
    out: dict[int, dict[str, int]] = {}
    for a in agency_ids:
        out[a] = {
            "fee_dossiers": len(dossiers[a]),
            "fee_dossiers_paid_online": sum(dossiers[a].values()),
            "fee_procedures": len(procedures[a]),
            "fee_procedures_paid_online": sum(procedures[a].values()),
        }
    return out


def _national(agency_ids: Sequence[int], period: Period) -> dict[int, dict[str, int]] | None:
    """The national-sync figures, from ``motcua.national`` when that app is
    installed and offers ``selectors.scorecard_inputs``; otherwise no data."""
    if not apps.is_installed("motcua.national"):
        return None
    import importlib

    try:
        national = importlib.import_module("motcua.national.selectors")
    except ImportError:  # pragma: no cover - depends on a later app
        return None
    reader = getattr(national, "scorecard_inputs", None)
    if reader is None:
        return None
    result: dict[int, dict[str, int]] = reader(
        agency_ids=list(agency_ids), start=period.start, end=period.end
    )
    return result


def period_inputs(
    agency_ids: Sequence[int], period: Period, *, now: datetime.datetime | None = None
) -> dict[int, dict[str, int | None]]:
    """Every input of the index, per agency, for ``period``: ``None`` where
    the capability behind an input does not exist (no data), a number
    otherwise. A fixed number of queries whatever the number of units."""
    now = now or timezone.now()
    summaries = _summary_inputs(agency_ids, period)
    progress = _in_progress(agency_ids, period, now)
    catalogue = _catalogue(agency_ids)
    ratings = _ratings(agency_ids, period)
    feedback = _feedback(agency_ids, period, now)
    payments = _payments(agency_ids, period)
    national = _national(agency_ids, period)
    out: dict[int, dict[str, int | None]] = {}
    for a in agency_ids:
        values: dict[str, int | None] = {m: summaries.get(a, {}).get(m, 0) for m in METRICS}
        values["procedures_online_used"] = summaries.get(a, {}).get("procedures_online_used", 0)
        received, late = values["received"] or 0, values["late_receptions"] or 0
        values["received_minus_late_receptions"] = max(0, received - late)
        values["in_progress"], values["in_progress_within"] = progress.get(a, (0, 0))
        values["in_progress_overdue"] = (values["in_progress"] or 0) - (
            values["in_progress_within"] or 0
        )
        values["procedures"], values["procedures_online"] = catalogue.get(a, (0, 0))
        if ratings is not None:
            values["ratings"], values["ratings_satisfied"] = ratings.get(a, (0, 0))
        if feedback is not None:
            values["feedback"], values["feedback_on_time"] = feedback.get(a, (0, 0))
        if payments is not None:
            values.update(payments[a])
        if national is not None:
            values.update(national.get(a, {}))
        out[a] = values
    return out


# ------------------------------------------------------------------- scorecard


@dataclass(frozen=True)
class Scorecard:
    agency: Agency | None  # None: the province as a whole
    period: Period
    inputs: dict[str, int | None]
    index: IndexScore

    @property
    def on_time_rate(self) -> float | None:
        finished = self.inputs.get("finished") or 0
        if not finished:
            return None
        good = (self.inputs.get("finished_early") or 0) + (self.inputs.get("finished_on_time") or 0)
        return good / finished


def scorable_agencies(*, user: User) -> QuerySet[Agency]:
    return agencies_for_user(user=user, roles=SCORECARD_ROLES).order_by("name")


def agency_for_scorecard(*, user: User, public_id: str) -> Agency:
    try:
        return scorable_agencies(user=user).get(public_id=public_id)
    except Agency.DoesNotExist:
        raise NotFound("Không tìm thấy cơ quan, đơn vị.", code="agency_not_found") from None


def province_agencies(province_id: int) -> QuerySet[Agency]:
    return Agency.objects.using(_db()).filter(province_id=province_id).order_by("name")


def combine(rows: Iterable[dict[str, int | None]]) -> dict[str, int | None]:
    total: dict[str, int | None] = {}
    for row in rows:
        for key, value in row.items():
            if key in total and total[key] is None:
                continue
            total[key] = None if value is None else (total.get(key) or 0) + value
    return total


def scorecard(
    *,
    agency: Agency | None,
    period: Period,
    province_id: int | None = None,
    agency_ids: Sequence[int] | None = None,
    now: datetime.datetime | None = None,
) -> Scorecard:
    """One unit's scorecard, or the inputs of several units added up: those
    of ``agency_ids``, or every unit of ``province_id``."""
    if agency_ids is not None:
        inputs = combine(period_inputs(list(agency_ids), period, now=now).values())
    elif agency is not None:
        inputs = period_inputs([agency.pk], period, now=now)[agency.pk]
    else:
        ids = list(province_agencies(int(province_id or 0)).values_list("id", flat=True))
        inputs = combine(period_inputs(ids, period, now=now).values())
    return Scorecard(agency=agency, period=period, inputs=inputs, index=index_score(inputs))


@dataclass(frozen=True)
class RankRow:
    agency: Agency
    index: IndexScore
    inputs: dict[str, int | None]
    rank: int | None
    previous_rank: int | None

    @property
    def movement_text(self) -> str:
        move = self.movement
        if move is None:
            return "Chưa có hạng kỳ trước" if self.rank else "Chưa xếp hạng"
        if move > 0:
            return f"Tăng {move} bậc"
        if move < 0:
            return f"Giảm {-move} bậc"
        return "Giữ nguyên"

    @property
    def movement(self) -> int | None:
        """Places gained since the previous period (positive: up)."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


def _ranks(
    agencies: list[Agency], period: Period, now: datetime.datetime
) -> dict[int, tuple[IndexScore, dict[str, int | None], int | None]]:
    inputs = period_inputs([a.pk for a in agencies], period, now=now)
    scored = {a.pk: index_score(inputs[a.pk]) for a in agencies}
    order = sorted(
        (pk for pk, s in scored.items() if s.converted is not None),
        key=lambda pk: (-(scored[pk].converted or 0), pk),
    )
    ranks: dict[int, int] = {}
    for position, pk in enumerate(order, start=1):
        ranks[pk] = position
    return {pk: (scored[pk], inputs[pk], ranks.get(pk)) for pk in scored}


def ranking(
    *, province_id: int, period: Period, now: datetime.datetime | None = None
) -> list[RankRow]:
    """Every unit of the province ranked by its converted index score;
    units without any data are listed last, unranked. Movement compares the
    rank of the previous period of the same kind."""
    now = now or timezone.now()
    agencies = list(province_agencies(province_id))
    current = _ranks(agencies, period, now)
    previous_period = period.previous()
    previous = _ranks(agencies, previous_period, now) if previous_period else {}
    rows = [
        RankRow(
            agency=a,
            index=current[a.pk][0],
            inputs=current[a.pk][1],
            rank=current[a.pk][2],
            previous_rank=previous[a.pk][2] if a.pk in previous else None,
        )
        for a in agencies
    ]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.agency.name))
    return rows


# ------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class TrendPoint:
    period: Period
    received: int
    finished: int
    on_time_rate: float | None
    index: float | None


def trend(
    *, agency_ids: Sequence[int], months: int = 6, now: datetime.datetime | None = None
) -> list[TrendPoint]:
    """The last ``months`` months (the current one last), added up over
    ``agency_ids``: received, finished, on-time rate and the converted
    index."""
    now = now or timezone.now()
    today = now.astimezone(LOCAL_TZ).date()
    periods: list[Period] = []
    p: Period | None = month(today.year, today.month)
    while p is not None and len(periods) < months:
        periods.append(p)
        p = p.previous()
    out = []
    for p in reversed(periods):
        inputs = combine(period_inputs(list(agency_ids), p, now=now).values())
        finished = int(inputs.get("finished") or 0)
        good = int(inputs.get("finished_early") or 0) + int(inputs.get("finished_on_time") or 0)
        out.append(
            TrendPoint(
                period=p,
                received=int(inputs.get("received") or 0),
                finished=finished,
                on_time_rate=good / finished if finished else None,
                index=index_score(inputs).converted if inputs else None,
            )
        )
    return out


# ------------------------------------------------------------------ drill-down


@dataclass(frozen=True)
class DrillRow:
    code: str
    state: str
    submitted_at: datetime.datetime
    appointment_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def dossiers_behind(
    *, agency: Agency, period: Period, metric: str, limit: int = DRILL_LIMIT
) -> tuple[list[DrillRow], bool]:
    """The dossiers whose events in ``period`` moved ``metric`` at
    ``agency`` — the same rules as the summaries, run over their events —
    or, for the live in-progress counts, the open dossiers themselves.
    Returns the rows (at most ``limit``) and whether the list was cut."""
    start, end = _bounds(period)
    if metric in ("in_progress", "in_progress_within", "in_progress_overdue"):
        today = timezone.now().astimezone(LOCAL_TZ).date()
        ref = _start(min(period.end, today))
        qs = Dossier.objects.using(_db()).filter(
            processing_agency=agency,
            state__in=UNFINISHED_STATES,
            submitted_at__gte=start,
            submitted_at__lt=end,
        )
        within = Q(appointment_at__isnull=True) | Q(appointment_at__gte=ref)
        if metric == "in_progress_within":
            qs = qs.filter(within)
        elif metric == "in_progress_overdue":
            qs = qs.exclude(within)
        found = list(qs.order_by("submitted_at", "id")[: limit + 1])
    else:
        if metric not in METRICS:
            raise NotFound("Không có chỉ tiêu này.", code="metric_not_found")
        candidates = (
            DossierEvent.objects.using(_db())
            .filter(dossier__processing_agency=agency, at__gte=start, at__lt=end)
            .values_list("dossier_id", flat=True)
            .distinct()
        )
        found = []
        dossiers = (
            Dossier.objects.using(_db()).filter(id__in=candidates).order_by("submitted_at", "id")
        )
        for dossier in dossiers.iterator(chunk_size=200):
            events = list(DossierEvent.objects.using(_db()).filter(dossier=dossier).order_by("seq"))
            moved = dossier_metrics(events, result_delivery=dossier.result_delivery)
            if any(
                metric in names and start <= event.at < end
                for event, names in zip(events, moved, strict=True)
            ):
                found.append(dossier)
                if len(found) > limit:
                    break
    rows = [
        DrillRow(
            code=d.code,
            state=d.get_state_display(),
            submitted_at=d.submitted_at,
            appointment_at=d.appointment_at,
            finished_at=d.finished_at,
        )
        for d in found[:limit]
    ]
    return rows, len(found) > limit


# ------------------------------------------------------------- live figures

#: A step due in less than this is "near due" (as in the back office).
NEAR_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class LiveFigures:
    held: int
    near: int
    overdue: int


def live_figures(*, agency_ids: Sequence[int], now: datetime.datetime | None = None) -> LiveFigures:
    """Open dossiers held now by the units, near due and overdue (by the
    current step's due moment): one aggregate query."""
    now = now or timezone.now()
    counts = (
        Dossier.objects.using(_db())
        .filter(state__in=sorted(OPEN_STATES), holder_agency_id__in=list(agency_ids))
        .aggregate(
            held=Count("id"),
            near=Count("id", filter=Q(due_at__gt=now, due_at__lt=now + NEAR_WINDOW)),
            overdue=Count("id", filter=Q(due_at__lte=now)),
        )
    )
    return LiveFigures(
        held=int(counts["held"] or 0),
        near=int(counts["near"] or 0),
        overdue=int(counts["overdue"] or 0),
    )


def province_of_user(*, user: User) -> int | None:
    """The province whose units the user may rank: that of their
    province-wide role, else of their first scorecard role."""
    agencies = agencies_for_user(user=user, roles=SCORECARD_ROLES)
    first = agencies.order_by("province_id").values_list("province_id", flat=True).first()
    return int(first) if first is not None else None


def is_province_wide(*, user: User) -> bool:
    from motcua.accounts.models import PROVINCE_WIDE_ROLES, RoleAssignment

    return RoleAssignment.objects.filter(user=user, role__in=PROVINCE_WIDE_ROLES).exists()


def province_by_code(code: str) -> int | None:
    from motcua.units.models import AdministrativeUnit, Generation, Level

    found = (
        AdministrativeUnit.objects.using(_db())
        .filter(generation=Generation.CURRENT, level=Level.PROVINCE, code=code)
        .values_list("id", flat=True)
        .first()
    )
    return int(found) if found is not None else None
