"""Reads for the officers' back office that the dossiers selectors do not
already give: the scoped search, a unit's open dossiers, the near-due
window and the eligible holders for reassignment."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.accounts.selectors import agencies_for_user, user_has_role
from motcua.core.text import search_terms
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import OPEN_STATES, QUEUE_STATES
from motcua.units.models import Agency

#: A dossier is "near due" when its current step's deadline is less than
#: this far away (wall time, as the Thanh Hóa system's
#: ``dangXuLySapHetHan`` alert: domain.md §2).
WARNING_WINDOW = datetime.timedelta(hours=24)

_RELATED = (
    "applicant",
    "receiving_agency",
    "processing_agency",
    "holder_agency",
    "holder_user",
    "configured_procedure_version__procedure_version",
    "configured_procedure_version__workflow",
)


@dataclass(frozen=True)
class DueMark:
    """How a due moment is marked: ``overdue``, ``near`` or ``""``, with
    its text (never colour alone)."""

    kind: str
    text: str


def due_mark(due_at: datetime.datetime | None, *, now: datetime.datetime | None = None) -> DueMark:
    if due_at is None:
        return DueMark("", "")
    now = now or timezone.now()
    if due_at <= now:
        return DueMark("overdue", "Quá hạn")
    if due_at - now < WARNING_WINDOW:
        return DueMark("near", "Sắp đến hạn")
    return DueMark("", "")


def dossiers_in_scope(*, user: User) -> QuerySet[Dossier]:
    """Every dossier whose receiving, processing or holding agency is one
    where ``user`` holds a role (what :func:`dossier_get_for_user` lets
    them open)."""
    agencies = agencies_for_user(user=user).values("pk")
    return (
        Dossier.objects.select_related(*_RELATED)
        .filter(
            Q(receiving_agency__in=agencies)
            | Q(processing_agency__in=agencies)
            | Q(holder_agency__in=agencies)
        )
        .order_by("-submitted_at", "-id")
    )


def dossiers_matching(*, user: User, query: str) -> QuerySet[Dossier]:
    """Dossiers in ``user``'s scope matching every word of ``query``: code,
    applicant name, personal ID or tax code, or procedure name (none when
    the query has no word)."""
    terms = search_terms(query)
    if not terms:
        return Dossier.objects.none()
    # Every word, folded (no diacritics, lower case, any Unicode form), is
    # in the dossier's folded search text: the same on SQLite and PostgreSQL.
    qs = dossiers_in_scope(user=user)
    for term in terms:
        qs = qs.filter(search_text__contains=term)
    return qs


def can_see_unit_dossiers(*, user: User, agency: Agency) -> bool:
    """Leaders of the unit, and inspectors of its province."""
    if user_has_role(user=user, agency=agency, roles=[Role.LEADER]):
        return True
    return RoleAssignment.objects.filter(
        user=user, role=Role.INSPECTOR, agency__province_id=agency.province_id
    ).exists()


def unit_agency_for_user(*, user: User, public_id: str) -> Agency | None:
    agency = Agency.objects.filter(public_id=public_id).first()
    if agency is None or not can_see_unit_dossiers(user=user, agency=agency):
        return None
    return agency


def open_dossiers_of_unit(*, agency: Agency) -> QuerySet[Dossier]:
    """The unit's open dossiers (held, received or processed there),
    soonest due first."""
    return (
        Dossier.objects.select_related(*_RELATED)
        .filter(state__in=sorted(OPEN_STATES))
        .filter(Q(holder_agency=agency) | Q(processing_agency=agency) | Q(receiving_agency=agency))
        .order_by("due_at", "id")
    )


def eligible_holders(*, agency: Agency, role: str) -> list[User]:
    """Staff of ``agency`` holding ``role`` (who a leader may name)."""
    return [
        a.user
        for a in RoleAssignment.objects.filter(agency=agency, role=role)
        .select_related("user")
        .order_by("user__full_name", "user__username")
    ]


def dossiers_due_within(
    *, now: datetime.datetime, window: datetime.timedelta = WARNING_WINDOW
) -> QuerySet[Dossier]:
    """Dossiers waiting on staff whose current step falls due in
    ``[now, now + window)``: a range scan on ``due_at`` (the partial index
    on open dossiers)."""
    return (
        Dossier.objects.select_related("holder_agency", "holder_user")
        .filter(state__in=sorted(QUEUE_STATES), due_at__gte=now, due_at__lt=now + window)
        .order_by("due_at", "id")
    )


@dataclass(frozen=True)
class UnitCounts:
    """A unit's open dossiers for its leader's home: all of them, those it
    holds now, and those near or past the current step's deadline (the same
    dossiers :func:`open_dossiers_of_unit` lists)."""

    agency: Agency
    open: int
    held: int
    near: int
    overdue: int


def unit_counts_for_leader(*, user: User, now: datetime.datetime | None = None) -> list[UnitCounts]:
    """One aggregate query per unit where ``user`` is a leader."""
    now = now or timezone.now()
    agencies = agencies_for_user(user=user, roles=[Role.LEADER]).order_by("name")
    out = []
    for agency in agencies[:50]:
        counts = open_dossiers_of_unit(agency=agency).aggregate(
            open=Count("id"),
            held=Count("id", filter=Q(holder_agency=agency)),
            near=Count("id", filter=Q(due_at__gt=now, due_at__lt=now + WARNING_WINDOW)),
            overdue=Count("id", filter=Q(due_at__lte=now)),
        )
        out.append(UnitCounts(agency=agency, **counts))
    return out
