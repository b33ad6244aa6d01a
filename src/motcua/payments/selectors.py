"""Reads of the payments domain: a dossier's obligations, the payments an
officer may see, the per-unit, per-day reconciliation report."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from motcua.accounts.models import User
from motcua.accounts.selectors import roles_of_user
from motcua.payments.models import Obligation, Payment
from motcua.payments.states import ObligationState, PaymentState


def obligations_of_dossier(*, dossier_id: int) -> QuerySet[Obligation]:
    return Obligation.objects.filter(dossier_id=dossier_id).prefetch_related("payments")


def obligation_due(*, dossier_id: int) -> Obligation | None:
    return Obligation.objects.filter(dossier_id=dossier_id, state=ObligationState.DUE).first()


def agencies_of_officer(*, user: User) -> list[int]:
    return sorted({a.agency_id for a in roles_of_user(user=user)})


def payments_for_officer(*, user: User) -> QuerySet[Payment]:
    return (
        Payment.objects.filter(obligation__agency_id__in=agencies_of_officer(user=user))
        .select_related("obligation__dossier", "obligation__agency")
        .order_by("-created_at", "-pk")
    )


@dataclass(frozen=True)
class ReportRow:
    agency_id: int
    agency_name: str
    day: datetime.date
    gateway: str
    paid_count: int
    paid_vnd: int
    open_count: int
    refunded_count: int
    failed_count: int


def reconciliation_report(
    *, agency_ids: Iterable[int], start: datetime.date, end: datetime.date
) -> list[ReportRow]:
    """Per unit, per (local) day, per gateway: payments made, their sum,
    and what is still open, refunded or failed — one grouped query."""
    tz = timezone.get_current_timezone()
    rows = (
        Payment.objects.filter(obligation__agency_id__in=list(agency_ids))
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .filter(day__gte=start, day__lte=end)
        .values("obligation__agency_id", "obligation__agency__name", "day", "gateway")
        .annotate(
            paid_count=Count("id", filter=Q(state=PaymentState.PAID)),
            paid_vnd=Sum("amount_vnd", filter=Q(state=PaymentState.PAID), default=0),
            open_count=Count(
                "id", filter=Q(state__in=[PaymentState.CREATED, PaymentState.PENDING])
            ),
            refunded_count=Count("id", filter=Q(state=PaymentState.REFUNDED)),
            failed_count=Count(
                "id", filter=Q(state__in=[PaymentState.FAILED, PaymentState.EXPIRED])
            ),
        )
        .order_by("obligation__agency__name", "day", "gateway")
    )
    return [
        ReportRow(
            agency_id=r["obligation__agency_id"],
            agency_name=r["obligation__agency__name"],
            day=r["day"],
            gateway=r["gateway"],
            paid_count=r["paid_count"],
            paid_vnd=int(r["paid_vnd"] or 0),
            open_count=r["open_count"],
            refunded_count=r["refunded_count"],
            failed_count=r["failed_count"],
        )
        for r in rows
    ]
