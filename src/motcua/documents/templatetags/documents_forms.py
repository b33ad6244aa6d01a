"""Filters for the printed forms: Vietnamese date and time wording, and a
dotted line for what is left to fill in by hand."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

register = template.Library()

DOTS = "……………………"


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


@register.filter
def vn_date(value: datetime.date | datetime.datetime | None) -> str:
    """``ngày 05 tháng 02 năm 2026``."""
    if value is None:
        return "ngày …… tháng …… năm ……"
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    month = f"{value.month:02d}" if value.month < 3 else str(value.month)
    return f"ngày {value.day:02d} tháng {month} năm {value.year}"


@register.filter
def vn_datetime(value: datetime.datetime | None) -> str:
    """``08 giờ 30 phút, ngày 26 tháng 11 năm 2026``."""
    if value is None:
        return "…… giờ …… phút, ngày …… tháng …… năm ……"
    local = _local(value)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {vn_date(local)}"


@register.filter
def vn_short(value: datetime.datetime | datetime.date | None) -> str:
    """``08:30 26/11/2026`` (for table cells)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return _local(value).strftime("%H:%M %d/%m/%Y")
    return value.strftime("%d/%m/%Y")


@register.filter
def or_dots(value: object) -> object:
    """The value, or a dotted line if it is empty."""
    return value if value not in (None, "") else DOTS


@register.filter
def vn_day(value: datetime.datetime | datetime.date | None) -> str:
    """``26/11/2026`` (the local date of a moment)."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = _local(value).date()
    return value.strftime("%d/%m/%Y")
