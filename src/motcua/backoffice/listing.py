"""Filters and keyset paging for every back-office dossier list (the
queue, a unit's dossiers, the search): status, procedure, due and received
date, read from the query string; pages follow a cursor (the last row's sort
key), never an OFFSET, so page 200 costs what page 1 costs."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils import timezone

from motcua.backoffice.selectors import WARNING_WINDOW
from motcua.calendar.engine import LOCAL_TZ
from motcua.dossiers import paging
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State

PAGE_SIZE = 50
DUE_CHOICES = (
    ("overdue", "Quá hạn"),
    ("near", "Sắp đến hạn (dưới 24 giờ)"),
    ("on_time", "Còn hạn"),
    ("none", "Không có hạn"),
)
#: The query-string names of the filters (kept across pages).
FILTER_NAMES = ("status", "procedure", "due", "received_from", "received_to")


@dataclass(frozen=True)
class DossierFilters:
    status: str = ""
    procedure: str = ""
    due: str = ""
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(
            self.status or self.procedure or self.due or self.received_from or self.received_to
        )


def _date(value: str, label: str, errors: dict[str, str], name: str) -> datetime.date | None:
    text = value.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    errors[name] = f"{label} “{text}” không phải ngày hợp lệ (ngày/tháng/năm)."
    return None


def filters_from(params: Mapping[str, str]) -> DossierFilters:
    """Filters from the query string; an invalid value is dropped and
    explained (Vietnamese) in ``errors``, the rest still applies."""
    errors: dict[str, str] = {}
    status = params.get("status", "").strip()
    if status and status not in State.values:
        errors["status"] = "Trạng thái không có trong danh sách."
        status = ""
    due = params.get("due", "").strip()
    if due and due not in dict(DUE_CHOICES):
        errors["due"] = "Lựa chọn hạn không có trong danh sách."
        due = ""
    procedure = params.get("procedure", "").strip()[:40]
    start = _date(params.get("received_from", ""), "Từ ngày", errors, "received_from")
    end = _date(params.get("received_to", ""), "Đến ngày", errors, "received_to")
    if start and end and end < start:
        errors["received_to"] = "“Đến ngày” phải cùng ngày hoặc sau “Từ ngày”."
        end = None
    return DossierFilters(status, procedure, due, start, end, errors)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=LOCAL_TZ)


def apply_filters(
    dossiers: QuerySet[Dossier], filters: DossierFilters, *, now: datetime.datetime | None = None
) -> QuerySet[Dossier]:
    now = now or timezone.now()
    if filters.status:
        dossiers = dossiers.filter(state=filters.status)
    if filters.procedure:
        dossiers = dossiers.filter(
            configured_procedure_version__procedure_version__procedure__code=filters.procedure
        )
    if filters.due == "overdue":
        dossiers = dossiers.filter(due_at__lte=now)
    elif filters.due == "near":
        dossiers = dossiers.filter(due_at__gt=now, due_at__lt=now + WARNING_WINDOW)
    elif filters.due == "on_time":
        dossiers = dossiers.filter(due_at__gte=now + WARNING_WINDOW)
    elif filters.due == "none":
        dossiers = dossiers.filter(due_at__isnull=True)
    if filters.received_from:
        dossiers = dossiers.filter(submitted_at__gte=_local_midnight(filters.received_from))
    if filters.received_to:
        end = _local_midnight(filters.received_to + datetime.timedelta(days=1))
        dossiers = dossiers.filter(submitted_at__lt=end)
    return dossiers


# ------------------------------------------------------------ keyset paging
# The paging itself is the dossiers' (``dossiers.paging``: a row comparison
# on (key, id) that the list's index answers with a range scan).

Ordering = paging.Ordering
Page = paging.Page
BY_DUE = paging.BY_DUE
BY_RECEIVED = paging.BY_RECEIVED


def page_of(
    dossiers: QuerySet[Dossier] | Sequence[QuerySet[Dossier]],
    ordering: Ordering,
    *,
    cursor: str = "",
    size: int | None = None,
) -> Page:
    """One page of ``dossiers`` (a queryset, or the parts of a union such as
    the officer's queue) in ``ordering``, after ``cursor`` (an unreadable
    cursor starts again from the first page)."""
    position = paging.decode_cursor(cursor) if cursor else None
    return paging.page_of(dossiers, ordering, position=position, size=size or PAGE_SIZE)


def query_with(params: Mapping[str, Any], **changes: str) -> str:
    """The query string of the current list with ``changes`` (empty
    values dropped)."""
    keep = {k: str(params.get(k, "")) for k in ("q", *FILTER_NAMES)}
    keep.update(changes)
    return urlencode({k: v for k, v in keep.items() if v})
