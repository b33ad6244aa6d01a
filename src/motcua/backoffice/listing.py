"""Filters and keyset paging for every back-office dossier list (the
queue, a unit's dossiers, the search): status, procedure, due and received
date, read from the query string; pages follow a cursor (the last row's sort
key), never an OFFSET, so page 200 costs what page 1 costs."""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from motcua.backoffice.selectors import WARNING_WINDOW
from motcua.calendar.engine import LOCAL_TZ
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


@dataclass(frozen=True)
class Ordering:
    """A list's sort: by ``field`` (ascending, nulls last, or descending),
    then by id in the same direction."""

    field: str
    descending: bool = False

    def order(self, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
        if self.descending:
            return dossiers.order_by(F(self.field).desc(nulls_last=True), "-id")
        return dossiers.order_by(F(self.field).asc(nulls_last=True), "id")

    def after(self, value: datetime.datetime | None, pk: int) -> Q:
        """Rows that come after (``value``, ``pk``) in this order."""
        f = self.field
        if value is None:  # already among the nulls, which come last
            return Q(**{f"{f}__isnull": True, "id__lt" if self.descending else "id__gt": pk})
        op = "lt" if self.descending else "gt"
        return (
            Q(**{f"{f}__{op}": value})
            | Q(**{f: value, f"id__{op}": pk})
            | Q(**{f"{f}__isnull": True})
        )


BY_DUE = Ordering("due_at")
BY_RECEIVED = Ordering("submitted_at", descending=True)


def _encode(value: datetime.datetime | None, pk: int) -> str:
    raw = f"{value.isoformat() if value else ''}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime.datetime | None, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, pk = raw.split("|")
        value = datetime.datetime.fromisoformat(stamp) if stamp else None
        number = int(pk)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if (value is not None and value.tzinfo is None) or not 0 < number < 2**63:
        return None
    return value, number


@dataclass(frozen=True)
class Page:
    items: list[Dossier]
    next_cursor: str
    is_first: bool


def page_of(
    dossiers: QuerySet[Dossier], ordering: Ordering, *, cursor: str = "", size: int | None = None
) -> Page:
    """One page of ``dossiers`` in ``ordering``, after ``cursor`` (an
    unreadable cursor starts again from the first page)."""
    size = size or PAGE_SIZE
    position = _decode(cursor) if cursor else None
    rows = ordering.order(dossiers)
    if position is not None:
        rows = rows.filter(ordering.after(*position))
    items = list(rows[: size + 1])
    more = len(items) > size
    items = items[:size]
    next_cursor = ""
    if more:
        last = items[-1]
        next_cursor = _encode(getattr(last, ordering.field), last.pk)
    return Page(items=items, next_cursor=next_cursor, is_first=position is None)


def query_with(params: Mapping[str, Any], **changes: str) -> str:
    """The query string of the current list with ``changes`` (empty
    values dropped)."""
    keep = {k: str(params.get(k, "")) for k in ("q", *FILTER_NAMES)}
    keep.update(changes)
    return urlencode({k: v for k, v in keep.items() if v})
