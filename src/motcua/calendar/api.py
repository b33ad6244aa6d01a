"""Working-time calendar API: due dates, whether a moment is working time,
and the year's days off. Thin: parse, call a service, serialise."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from motcua.calendar import services
from motcua.calendar.engine import MAX_YEAR, MIN_YEAR
from motcua.calendar.parsing import parse_local_datetime
from motcua.core.errors import DomainError

router = Router(tags=["calendar"])


class DueOut(Schema):
    start: datetime
    due: datetime
    working_days: Decimal


class WorkingTimeOut(Schema):
    at: datetime
    working: bool
    next_working_moment: datetime


class DayOut(Schema):
    date: date
    reason: str
    source: str
    reference: str


class DaysOffOut(Schema):
    year: int
    days_off: list[DayOut]
    working_weekend_days: list[DayOut]


def _year_out_of_range(field: str) -> DomainError:
    message = f"Năm phải trong khoảng {MIN_YEAR}-{MAX_YEAR}."
    return DomainError(
        message, code="year_out_of_range", errors=[{"field": field, "message": message}]
    )


def _moment(value: str, field: str) -> datetime:
    """A moment within the calendar's years (every endpoint alike: 400
    ``year_out_of_range`` outside, before any arithmetic can overflow)."""
    try:
        moment = parse_local_datetime(value)
    except ValueError as exc:
        raise DomainError(
            str(exc), code="invalid_datetime", errors=[{"field": field, "message": str(exc)}]
        ) from exc
    try:
        in_utc = moment.astimezone(UTC)
    except OverflowError:
        raise _year_out_of_range(field) from None
    if not MIN_YEAR <= moment.year <= MAX_YEAR or not MIN_YEAR <= in_utc.year <= MAX_YEAR:
        raise _year_out_of_range(field)
    return moment


@router.get("/due", response=DueOut, summary="Hạn giải quyết tính theo ngày làm việc")
def due(request: HttpRequest, start: str, days: Decimal, province: str | None = None) -> DueOut:
    moment = _moment(start, "start")
    if not days.is_finite() or days < 0 or days > 3650:
        raise DomainError("Số ngày làm việc phải từ 0 đến 3650.", code="invalid_days")
    try:
        result = services.add_working_days(start=moment, days=days, province_code=province)
    except ValueError as exc:
        raise DomainError(str(exc), code="out_of_range") from exc
    return DueOut(start=moment, due=result, working_days=days)


@router.get("/working-time", response=WorkingTimeOut, summary="Thời điểm có là giờ làm việc")
def working_time(request: HttpRequest, at: str, province: str | None = None) -> WorkingTimeOut:
    moment = _moment(at, "at")
    try:
        working = services.is_working_time(moment=moment, province_code=province)
        following = services.next_working_moment(moment=moment, province_code=province)
    except ValueError as exc:
        raise DomainError(str(exc), code="out_of_range") from exc
    return WorkingTimeOut(at=moment, working=working, next_working_moment=following)


@router.get("/days-off", response=DaysOffOut, summary="Ngày nghỉ và ngày làm bù trong năm")
def days_off(request: HttpRequest, year: int, province: str | None = None) -> DaysOffOut:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise _year_out_of_range("year")
    infos = services.year_exceptions(year=year, province_code=province)
    rows = [
        (i.working, DayOut(date=i.day, reason=i.reason, source=i.source, reference=i.reference))
        for i in infos
    ]
    return DaysOffOut(
        year=year,
        days_off=[row for working, row in rows if not working],
        working_weekend_days=[row for working, row in rows if working],
    )
