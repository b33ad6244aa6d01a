"""The dossier's clocks: "now", working time in the dossier's province
(the calendar app), the reception window and the appointment computed from
the pinned processing time. Pauses move these by the working time paused
(:func:`motcua.dossiers.actions.pauses._resume`).
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from motcua.calendar import services as calendar
from motcua.catalog.models import TimeUnit
from motcua.dossiers.caches import pinned_version, processing_time_of
from motcua.dossiers.models import Dossier

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


#: Working hours the one-stop unit has to accept or refuse an online dossier.
RECEPTION_HOURS = 8


def aware_now(now: datetime.datetime | None) -> datetime.datetime:
    """``now``, or the current moment; refuses a naive datetime."""
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("now must be an aware datetime")
    return moment


def province_of(dossier: Dossier) -> str | None:
    """The province whose calendar the dossier's clocks follow (None: national)."""
    return dossier.province_code or None


def working_seconds_between(
    dossier: Dossier, start: datetime.datetime, end: datetime.datetime
) -> int:
    """Working seconds between ``start`` and ``end`` in the dossier's province."""
    delta = calendar.working_time_between(start=start, end=end, province_code=province_of(dossier))
    return int(delta.total_seconds())


def add_working_seconds(
    province_code: str | None, start: datetime.datetime, seconds: int
) -> datetime.datetime:
    """``start`` moved on by ``seconds`` of working time."""
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


def add_working_hours(
    province_code: str | None, start: datetime.datetime, hours: Decimal | int
) -> datetime.datetime:
    """``start`` moved on by ``hours`` of working time."""
    seconds = int(Decimal(hours) * 3600)
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


def appointment_for(dossier: Dossier, start: datetime.datetime) -> datetime.datetime:
    """The appointment from ``start`` by the pinned processing time (working or calendar days)."""
    days, unit = processing_time_of(
        pinned_version(dossier.configured_procedure_version_id), dossier.channel
    )
    if unit == TimeUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(
            start=start, days=days, province_code=province_of(dossier)
        )
    return calendar.add_working_days(start=start, days=days, province_code=province_of(dossier))
