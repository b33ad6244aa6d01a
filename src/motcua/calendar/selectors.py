"""Reads of the calendar's configuration tables."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet

from motcua.calendar.models import CalendarOverride, WorkingHours


def calendar_override_list(*, year: int | None = None) -> QuerySet[CalendarOverride]:
    """Overrides, oldest first; with ``year``, those touching that year."""
    qs = CalendarOverride.objects.order_by("start_date")
    if year is not None:
        qs = qs.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))
    return qs


def working_hours_get(*, province_code: str | None = None) -> WorkingHours | None:
    """The hours of ``province_code``, else the default row, else ``None``."""
    if province_code:
        hours = WorkingHours.objects.filter(province_code=province_code).first()
        if hours is not None:
            return hours
    return WorkingHours.objects.filter(province_code="").first()
