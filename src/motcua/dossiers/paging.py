"""Keyset paging of dossier lists (the API's and the back office's): a page
follows a cursor (the last row's sort key and id), never an OFFSET, and the
"after" condition is a row comparison ``(key, id) > (value, pk)`` that an
index on ``(…, key, id)`` answers with a range scan, so page 200 costs what
page 1 costs and thousands of dossiers sharing one due moment are cheap.

A list may be the union of several parts (the officer's queue: one part
per role the person holds, plus consultations): each part is read with its
own keyset query (its own index range) and the pages merged here.
"""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connections
from django.db.models import F, QuerySet

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier

_TABLE = Dossier._meta.db_table


@dataclass(frozen=True)
class Ordering:
    """A list's sort: by ``field`` (ascending, nulls last, or descending),
    then by id in the same direction. ``nullable``: the column may be NULL
    (those rows come last)."""

    field: str
    descending: bool = False
    nullable: bool = True

    def order(self, dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
        if self.descending:
            if self.nullable:
                return dossiers.order_by(F(self.field).desc(nulls_last=True), "-id")
            return dossiers.order_by(f"-{self.field}", "-id")
        return dossiers.order_by(F(self.field).asc(nulls_last=True), "id")

    def sort(self, dossiers: list[Dossier]) -> list[Dossier]:
        """``dossiers`` in this order (for merging parts)."""
        keyed = [d for d in dossiers if getattr(d, self.field) is not None]
        nulls = [d for d in dossiers if getattr(d, self.field) is None]
        keyed.sort(key=lambda d: (getattr(d, self.field), d.pk), reverse=self.descending)
        nulls.sort(key=lambda d: d.pk, reverse=self.descending)
        return keyed + nulls

    def after(
        self, dossiers: QuerySet[Dossier], value: datetime.datetime | None, pk: int
    ) -> QuerySet[Dossier]:
        """``dossiers`` after (``value``, ``pk``) in this order, among the
        non-null keys (a row comparison; the nulls are read separately)."""
        op = "id__lt" if self.descending else "id__gt"
        if value is None:  # already among the nulls, which come last
            return dossiers.filter(**{f"{self.field}__isnull": True, op: pk})
        conn = connections[dossiers.db]
        quote = conn.ops.quote_name
        stamp = conn.ops.adapt_datetimefield_value(value)
        column = f"{quote(_TABLE)}.{quote(self.field)}"
        ident = f"{quote(_TABLE)}.{quote('id')}"
        sign = "<" if self.descending else ">"
        return dossiers.extra(  # noqa: S610 (no user text: a datetime and an int)
            where=[f"({column}, {ident}) {sign} (%s, %s)"], params=[stamp, pk]
        )


BY_DUE = Ordering("due_at")
BY_RECEIVED = Ordering("submitted_at", descending=True, nullable=False)


def encode_cursor(value: datetime.datetime | None, pk: int) -> str:
    raw = f"{value.isoformat() if value else ''}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime.datetime | None, int] | None:
    """The position a cursor stands for; ``None`` when it is unreadable."""
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


def _part_page(
    part: QuerySet[Dossier],
    ordering: Ordering,
    position: tuple[datetime.datetime | None, int] | None,
    limit: int,
) -> list[Dossier]:
    """Up to ``limit`` rows of ``part`` after ``position``: the non-null
    keys by a range, then (when the page is not full) the nulls by id."""
    if position is None:
        return list(ordering.order(part)[:limit])
    value, pk = position
    rows = list(ordering.order(ordering.after(part, value, pk))[:limit])
    if value is not None and ordering.nullable and len(rows) < limit:
        nulls = part.filter(**{f"{ordering.field}__isnull": True})
        rows += list(nulls.order_by("-id" if ordering.descending else "id")[: limit - len(rows)])
    return rows


@dataclass(frozen=True)
class Page:
    items: list[Dossier]
    next_cursor: str
    is_first: bool


def page_of(
    dossiers: QuerySet[Dossier] | Sequence[QuerySet[Dossier]],
    ordering: Ordering,
    *,
    position: tuple[datetime.datetime | None, int] | None,
    size: int,
) -> Page:
    """One page of ``dossiers`` (a queryset or the parts of a union) in
    ``ordering``, after ``position`` (``None``: the first page)."""
    parts = [dossiers] if isinstance(dossiers, QuerySet) else list(dossiers)
    if len(parts) == 1:
        items = _part_page(parts[0], ordering, position, size + 1)
    else:
        seen: dict[int, Dossier] = {}
        for part in parts:
            for d in _part_page(part, ordering, position, size + 1):
                seen.setdefault(d.pk, d)
        items = ordering.sort(list(seen.values()))[: size + 1]
    more = len(items) > size
    items = items[:size]
    next_cursor = ""
    if more:
        last = items[-1]
        next_cursor = encode_cursor(getattr(last, ordering.field), last.pk)
    return Page(items=items, next_cursor=next_cursor, is_first=position is None)


class InvalidCursor(DomainError):
    """A ``cursor`` that is not one this list handed out (422)."""

    status = 422
    code = "cursor_invalid"
    title = "Con trỏ trang không hợp lệ"
