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
from django.utils.translation import gettext as _

from motcua.calendar import services as calendar
from motcua.catalog.models import ConfiguredProcedureVersion, ProcessingTime, TimeUnit
from motcua.core.errors import DomainError
from motcua.dossiers.caches import _PINNED, _pinned
from motcua.dossiers.models import Channel, Dossier

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


#: Working hours the one-stop unit has to accept or refuse an online dossier.
RECEPTION_HOURS = 8


_CHANNEL_TO_CATALOG = {Channel.ONLINE: "online", Channel.COUNTER: "in_person", Channel.POST: "post"}


def _now(now: datetime.datetime | None) -> datetime.datetime:
    moment = now or timezone.now()
    if timezone.is_naive(moment):
        raise ValueError("now must be an aware datetime")
    return moment


def _province(dossier: Dossier) -> str | None:
    return dossier.province_code or None


def _working_seconds(dossier: Dossier, start: datetime.datetime, end: datetime.datetime) -> int:
    delta = calendar.working_time_between(start=start, end=end, province_code=_province(dossier))
    return int(delta.total_seconds())


def _add_seconds(
    province_code: str | None, start: datetime.datetime, seconds: int
) -> datetime.datetime:
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


def _add_hours(
    province_code: str | None, start: datetime.datetime, hours: Decimal | int
) -> datetime.datetime:
    seconds = int(Decimal(hours) * 3600)
    return calendar.add_working_time(
        start=start, duration=datetime.timedelta(seconds=seconds), province_code=province_code
    )


def _processing_time(cpv: ConfiguredProcedureVersion, channel: str) -> tuple[Decimal, str]:
    if cpv.processing_days is not None:
        return cpv.processing_days, cpv.processing_unit
    entry = _PINNED.get(cpv.pk)
    if entry is not None and channel in entry.processing:
        return entry.processing[channel]
    row = (
        ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id,
            channel=_CHANNEL_TO_CATALOG.get(Channel(channel), "online"),
            days__isnull=False,
        ).first()
        or ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id, days__isnull=False
        ).first()
    )
    if row is None or row.days is None:
        raise DomainError(
            _("Thủ tục chưa có thời hạn giải quyết nên không thể hẹn ngày trả kết quả."),
            code="processing_time_unknown",
        )
    if entry is not None:
        entry.processing[channel] = (row.days, row.unit)
    return row.days, row.unit


def _appointment(dossier: Dossier, start: datetime.datetime) -> datetime.datetime:
    days, unit = _processing_time(
        _pinned(dossier.configured_procedure_version_id).cpv, dossier.channel
    )
    if unit == TimeUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start=start, days=days, province_code=_province(dossier))
    return calendar.add_working_days(start=start, days=days, province_code=_province(dossier))
