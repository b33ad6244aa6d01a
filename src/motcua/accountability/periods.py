"""A report period: two local dates, both included, checked once at the
door so that no list or report ever sees an inverted or impossible range."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.core.errors import DomainError
from motcua.dossiers.states import LOCAL_TZ

#: Years a period may fall in: wide enough for any history, narrow enough
#: that the day after the end always exists (no overflow at 9999-12-31).
FIRST_YEAR = 2000
LAST_YEAR = 2100


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # included

    @property
    def start_at(self) -> datetime.datetime:
        """The first moment of the period (local midnight, aware)."""
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=LOCAL_TZ)

    @property
    def end_at(self) -> datetime.datetime:
        """The first moment after the period (exclusive bound)."""
        day = self.end + datetime.timedelta(days=1)
        return datetime.datetime.combine(day, datetime.time.min, tzinfo=LOCAL_TZ)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def _day(text: str, what: str) -> datetime.date:
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise DomainError(
            _("%(what)s không hợp lệ: hãy nhập ngày theo dạng năm-tháng-ngày.") % {"what": what},
            code="period_invalid",
        ) from None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise DomainError(
            _("%(what)s phải nằm trong các năm từ %(first)d đến %(last)d.")
            % {"what": what, "first": FIRST_YEAR, "last": LAST_YEAR},
            code="period_out_of_range",
        )
    return day


def period_parse(*, start: str | None, end: str | None, today: datetime.date) -> Period:
    """The period ``start``–``end`` (ISO dates); missing parts default to the
    current month up to ``today``. Raises :class:`DomainError` with a
    Vietnamese message for a bad date, a year out of range or an end before
    the start."""
    first = _day(start, _("Ngày bắt đầu")) if start else today.replace(day=1)
    last = _day(end, _("Ngày kết thúc")) if end else today
    if last < first:
        raise DomainError(
            _(
                "Ngày kết thúc (%(end)s) đứng trước ngày bắt đầu (%(start)s): "
                "hãy chọn lại kỳ báo cáo."
            )
            % {"end": last.strftime("%d/%m/%Y"), "start": first.strftime("%d/%m/%Y")},
            code="period_reversed",
        )
    return Period(start=first, end=last)


def local_date(moment: datetime.datetime | None) -> datetime.date | None:
    return None if moment is None else moment.astimezone(LOCAL_TZ).date()
