"""The working-time calendar for the rest of the project.

Reads of working time (``add_working_days`` and friends) and the writes that
change the calendar (overrides, working hours) live here. All functions are
keyword-only and take an optional ``province_code`` (GSO code, e.g. "86")
whose working hours apply; ``None`` uses the default hours.

Cache: one built ``WorkCalendar`` per province per process. The services
that change overrides or hours clear it at once and again on commit. Other
processes notice a change within ``WORKCALENDAR_CACHE_TTL`` seconds (default
60): after that time the next call checks a cheap version stamp (row counts
and last ``updated_at`` of both tables) and rebuilds only if it changed.
"""

from __future__ import annotations

import threading
import time as _time
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max

from motcua.accounts.models import User
from motcua.calendar.engine import DayInfo, DayOverride, OverrideKind, WorkCalendar
from motcua.calendar.models import CalendarOverride, WorkingHours, overlap_error

__all__ = [
    "add_calendar_days",
    "add_working_days",
    "add_working_time",
    "calendar_override_create",
    "calendar_override_delete",
    "calendar_override_update",
    "get_calendar",
    "invalidate_calendar_cache",
    "is_working_time",
    "next_working_moment",
    "working_hours_delete",
    "working_hours_set",
    "working_time_between",
    "year_exceptions",
]

# -- cache ------------------------------------------------------------------

_lock = threading.Lock()
_calendars: dict[str, WorkCalendar] = {}
_version: tuple[Any, ...] | None = None
_checked_at = 0.0


def _ttl() -> float:
    return float(getattr(settings, "WORKCALENDAR_CACHE_TTL", 60))


def _db_version() -> tuple[Any, ...]:
    o = CalendarOverride.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    h = WorkingHours.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (o["n"], o["last"], h["n"], h["last"])


def invalidate_calendar_cache() -> None:
    """Forget the calendars built by this process."""
    global _version, _checked_at
    with _lock:
        _calendars.clear()
        _version = None
        _checked_at = 0.0


def _build(province_code: str) -> WorkCalendar:
    overrides = [
        DayOverride(
            start=o.start_date,
            end=o.end_date,
            kind="working_day" if o.kind == "working_day" else "day_off",
            reason=o.reason,
            reference=o.reference,
        )
        for o in CalendarOverride.objects.all()
    ]
    hours = (
        WorkingHours.objects.filter(province_code=province_code).first()
        or WorkingHours.objects.filter(province_code="").first()
    )
    if hours is None:
        return WorkCalendar(overrides=overrides)
    return WorkCalendar(overrides=overrides, sessions=hours.sessions)


def get_calendar(*, province_code: str | None = None) -> WorkCalendar:
    """The calendar for ``province_code`` (cached, see the module docstring)."""
    global _version, _checked_at
    key = province_code or ""
    now = _time.monotonic()
    cal = _calendars.get(key)
    if cal is not None and now - _checked_at < _ttl():
        return cal
    with _lock:
        if now - _checked_at >= _ttl() or _version is None:
            version = _db_version()
            if version != _version:
                _calendars.clear()
                _version = version
            _checked_at = now
        cal = _calendars.get(key)
        if cal is None:
            cal = _build(key)
            _calendars[key] = cal
        return cal


def _changed() -> None:
    invalidate_calendar_cache()
    transaction.on_commit(invalidate_calendar_cache)


# -- working time -------------------------------------------------------------


def is_working_time(*, moment: datetime, province_code: str | None = None) -> bool:
    return get_calendar(province_code=province_code).is_working_time(moment)


def next_working_moment(*, moment: datetime, province_code: str | None = None) -> datetime:
    return get_calendar(province_code=province_code).next_working_moment(moment)


def add_working_time(
    *, start: datetime, duration: timedelta, province_code: str | None = None
) -> datetime:
    return get_calendar(province_code=province_code).add_working_time(start, duration)


def working_time_between(
    *, start: datetime, end: datetime, province_code: str | None = None
) -> timedelta:
    return get_calendar(province_code=province_code).working_time_between(start, end)


def add_working_days(
    *, start: datetime, days: int | Decimal, province_code: str | None = None
) -> datetime:
    return get_calendar(province_code=province_code).add_working_days(start, days)


def add_calendar_days(
    *, start: datetime, days: int | Decimal, province_code: str | None = None
) -> datetime:
    return get_calendar(province_code=province_code).add_calendar_days(start, days)


def year_exceptions(*, year: int, province_code: str | None = None) -> list[DayInfo]:
    """Weekdays off and weekend days worked in ``year``, with their reasons."""
    return get_calendar(province_code=province_code).year_exceptions(year)


# -- overrides ----------------------------------------------------------------


def _check_overlap(*, start_date: date, end_date: date, exclude_pk: int | None) -> None:
    qs = CalendarOverride.objects.select_for_update().filter(
        start_date__lte=end_date, end_date__gte=start_date
    )
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    existing = qs.first()
    if existing is not None:
        raise overlap_error(start_date=start_date, end_date=end_date, existing=existing)


def calendar_override_create(
    *,
    actor: User | None,
    start_date: date,
    end_date: date,
    kind: OverrideKind,
    reason: str,
    reference: str,
) -> CalendarOverride:
    """Create an override. Raises ``django.core.exceptions.ValidationError``
    (message in Vietnamese) when the range is invalid or overlaps another."""
    with transaction.atomic():
        _check_overlap(start_date=start_date, end_date=end_date, exclude_pk=None)
        override = CalendarOverride(
            start_date=start_date,
            end_date=end_date,
            kind=kind,
            reason=reason,
            reference=reference,
            created_by=actor,
            updated_by=actor,
        )
        override.full_clean()
        override.save()
        _changed()
    return override


def calendar_override_update(
    *,
    actor: User | None,
    override: CalendarOverride,
    start_date: date,
    end_date: date,
    kind: OverrideKind,
    reason: str,
    reference: str,
) -> CalendarOverride:
    """Change every field of ``override``; the stored row is untouched when
    validation fails."""
    with transaction.atomic():
        _check_overlap(start_date=start_date, end_date=end_date, exclude_pk=override.pk)
        row = CalendarOverride.objects.select_for_update().get(pk=override.pk)
        row.start_date, row.end_date, row.kind = start_date, end_date, kind
        row.reason, row.reference, row.updated_by = reason, reference, actor
        row.full_clean()
        row.save()
        _changed()
    return row


def calendar_override_delete(*, actor: User | None, override: CalendarOverride) -> None:
    with transaction.atomic():
        CalendarOverride.objects.filter(pk=override.pk).delete()
        _changed()


# -- working hours ------------------------------------------------------------


def working_hours_set(
    *,
    actor: User | None,
    province_code: str,
    morning_start: time,
    morning_end: time,
    afternoon_start: time,
    afternoon_end: time,
) -> WorkingHours:
    """Create or replace the working hours of ``province_code`` ("" = default).
    Raises ``ValidationError`` unless sessions are ordered, non-overlapping and
    total 8 h."""
    with transaction.atomic():
        hours = WorkingHours.objects.select_for_update().filter(
            province_code=province_code
        ).first() or WorkingHours(province_code=province_code)
        hours.morning_start, hours.morning_end = morning_start, morning_end
        hours.afternoon_start, hours.afternoon_end = afternoon_start, afternoon_end
        hours.full_clean()
        hours.save()
        _changed()
    return hours


def working_hours_delete(*, actor: User | None, hours: WorkingHours) -> None:
    with transaction.atomic():
        WorkingHours.objects.filter(pk=hours.pk).delete()
        _changed()
