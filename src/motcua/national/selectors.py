"""Reads of the national sync state: the share of dossiers synced on time
per unit (the service index scores it: domain.md §6.1) and the report of
unsynced and late-synced dossiers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import agencies_for_user
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import LOCAL_TZ
from motcua.national.models import NationalSync, SyncState
from motcua.units.models import Agency

#: Who reads the report: the unit's leaders and administrators, the province.
REPORT_ROLES = (Role.LEADER, Role.UNIT_ADMIN, Role.PROVINCE_ADMIN, Role.INSPECTOR)


@dataclass(frozen=True)
class SyncShare:
    """Dossiers of one unit submitted in a period (those with a national
    status): how many the portal holds as they are here (``synced``), of
    those how many arrived late (``late``), and how many it does not hold or
    holds with an older status (``unsynced``, including never checked)."""

    agency_id: int
    agency_name: str
    total: int
    synced: int
    late: int
    unsynced: int

    @property
    def on_time(self) -> int:
        return self.synced - self.late

    @property
    def share(self) -> float:
        """Share synced on time, 0..1 (1.0 for a unit with no dossiers)."""
        return self.on_time / self.total if self.total else 1.0


def _bounds(period: tuple[datetime.date, datetime.date]) -> tuple[datetime.datetime, ...]:
    start, end = period
    first = datetime.datetime.combine(start, datetime.time.min, tzinfo=LOCAL_TZ)
    after = datetime.datetime.combine(end + datetime.timedelta(days=1), datetime.time.min, LOCAL_TZ)
    return first, after


def _shares(
    agency_ids: Iterable[int], period: tuple[datetime.date, datetime.date]
) -> list[SyncShare]:
    first, after = _bounds(period)
    ids = list(agency_ids)
    dossiers = Dossier.objects.filter(
        processing_agency_id__in=ids,
        submitted_at__gte=first,
        submitted_at__lt=after,
        national_status__isnull=False,
    )
    synced_ids = NationalSync.objects.filter(state=SyncState.SYNCED).values("dossier_id")
    late_ids = NationalSync.objects.filter(state=SyncState.SYNCED, late=True).values("dossier_id")
    counts = {
        row["processing_agency_id"]: row
        for row in dossiers.values("processing_agency_id").annotate(
            total=Count("pk"),
            synced=Count("pk", filter=Q(pk__in=synced_ids)),
            late=Count("pk", filter=Q(pk__in=late_ids)),
        )
    }
    names = dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))
    out = []
    for agency_id in sorted(ids, key=lambda i: names.get(i, "")):
        row = counts.get(agency_id, {"total": 0, "synced": 0, "late": 0})
        out.append(
            SyncShare(
                agency_id=agency_id,
                agency_name=names.get(agency_id, ""),
                total=row["total"],
                synced=row["synced"],
                late=row["late"],
                unsynced=row["total"] - row["synced"],
            )
        )
    return out


def sync_share(unit: Agency, period: tuple[datetime.date, datetime.date]) -> SyncShare:
    """The sync figures of ``unit`` (the processing agency) for dossiers
    submitted from ``period[0]`` to ``period[1]`` inclusive (local dates).
    No authorisation: for the scorecards, which check their own reader."""
    return _shares([unit.pk], period)[0]


def report_agencies(*, user: User) -> QuerySet[Agency]:
    return agencies_for_user(user=user, roles=REPORT_ROLES).order_by("name")


def sync_report(*, user: User, period: tuple[datetime.date, datetime.date]) -> list[SyncShare]:
    """One row per unit the user may read."""
    return _shares(report_agencies(user=user).values_list("pk", flat=True), period)


@dataclass(frozen=True)
class UnsyncedDossier:
    code: str
    agency_name: str
    local_status: int
    remote_status: int | None
    state: str
    reason: str
    late: bool


def unsynced_dossiers(
    *, user: User, period: tuple[datetime.date, datetime.date], limit: int = 200
) -> list[UnsyncedDossier]:
    """The dossiers of the report's units not (or late) synced, worst first."""
    first, after = _bounds(period)
    agencies = report_agencies(user=user).values("pk")
    clean = NationalSync.objects.filter(state=SyncState.SYNCED, late=False).values("dossier_id")
    rows = (
        Dossier.objects.filter(
            processing_agency_id__in=agencies,
            submitted_at__gte=first,
            submitted_at__lt=after,
            national_status__isnull=False,
        )
        .exclude(pk__in=clean)
        .select_related("processing_agency")
        .order_by("submitted_at", "pk")[:limit]
    )
    syncs = {s.dossier_id: s for s in NationalSync.objects.filter(dossier__in=[d.pk for d in rows])}
    out = []
    for dossier in rows:
        sync = syncs.get(dossier.pk)
        out.append(
            UnsyncedDossier(
                code=dossier.code,
                agency_name=dossier.processing_agency.name,
                local_status=int(dossier.national_status or 0),
                remote_status=sync.remote_status if sync else None,
                state=sync.state if sync else SyncState.UNKNOWN,
                reason=sync.reason if sync else "",
                late=bool(sync and sync.late),
            )
        )
    return out
