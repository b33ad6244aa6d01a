"""The legal working-time calendar, in pure Python (no Django, no database).

A day is *working* when, in order of precedence (the later rule wins):

1. it is Monday to Friday;
2. it is not a public holiday, observed day or swapped day off listed by
   ``holidays.country_holidays("VN")``;
3. it is a Saturday the library lists in ``weekend_workdays`` (a make-up
   working day of a government swap);
4. an override (the ``CalendarOverride`` table) says ``day_off`` or
   ``working_day``.

Working time is the union of the sessions of each working day (by default
07:00-11:30 and 13:30-17:00, together 8 h = one working day), in local time
(Asia/Ho_Chi_Minh). Sessions are half-open: 07:00 is working time, 11:30 is
not.

The engine maps every local moment to a *working-time counter*: the number of
microseconds of working time since the start of the calendar's range. Outside
working time the counter stands still. Every question becomes arithmetic on
that counter plus a binary search, so it is O(log n) whatever the duration.

Choices (see docs/developers/calendar.md):

* ``add_working_time(start, d)`` for ``d > 0`` returns the *earliest* moment
  by which ``d`` of working time has elapsed. An exact end of a session is
  returned as the end boundary (11:30 or 17:00), never as the start of the
  next session. For ``d == 0`` it returns ``next_working_moment(start)``.
  Negative durations raise ``ValueError``.
* ``working_time_between(a, b)`` is signed: ``-working_time_between(b, a)``
  when ``b < a``. It is therefore additive for any three moments.
* Naive datetimes raise ``ValueError``; results are aware datetimes in the
  calendar's time zone.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal
from zoneinfo import ZoneInfo

import holidays

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
WORKING_DAY = timedelta(hours=8)
DEFAULT_SESSIONS: tuple[tuple[time, time], ...] = (
    (time(7, 0), time(11, 30)),
    (time(13, 30), time(17, 0)),
)
MIN_YEAR = 1990
MAX_YEAR = 2199

OverrideKind = Literal["day_off", "working_day"]
DaySource = Literal["weekend", "holidays", "override", "weekday"]

_US_PER_SECOND = 1_000_000
_US_PER_DAY = 86_400 * _US_PER_SECOND


class CalendarRangeError(ValueError):
    """The moment or the result lies outside the years the calendar supports."""


@dataclass(frozen=True, slots=True)
class DayOverride:
    """One row of the override table, as the engine sees it."""

    start: date
    end: date  # inclusive
    kind: OverrideKind
    reason: str
    reference: str = ""


@dataclass(frozen=True, slots=True)
class DayInfo:
    """Why a day is (or is not) a working day."""

    day: date
    working: bool
    reason: str
    source: DaySource
    reference: str = ""


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * _US_PER_SECOND + t.microsecond


def _td_us(d: timedelta) -> int:
    return (d.days * 86_400 + d.seconds) * _US_PER_SECOND + d.microseconds


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, _US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


def validate_sessions(sessions: Sequence[tuple[time, time]]) -> None:
    """Raise ``ValueError`` unless sessions are non-empty, each start < end,
    and ordered without overlap."""
    if not sessions:
        raise ValueError("Cần ít nhất một buổi làm việc.")
    previous_end: time | None = None
    for start, end in sessions:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("Giờ làm việc phải là giờ địa phương, không kèm múi giờ.")
        if start >= end:
            raise ValueError(
                f"Buổi làm việc {start:%H:%M}-{end:%H:%M}: giờ bắt đầu phải trước giờ kết thúc."
            )
        if previous_end is not None and start < previous_end:
            raise ValueError("Các buổi làm việc phải theo thứ tự và không chồng lấn nhau.")
        previous_end = end


def _to_us(amount: int | Decimal, unit_us: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int | Decimal):
        raise TypeError("Số lượng phải là int hoặc Decimal.")
    if isinstance(amount, Decimal) and not amount.is_finite():
        raise ValueError("Số lượng phải là số hữu hạn.")
    if amount < 0:
        raise ValueError("Số lượng không được âm.")
    if isinstance(amount, int):
        return amount * unit_us
    return int((amount * unit_us).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True, slots=True)
class _Index:
    """Working days of a contiguous range of years, immutable once built."""

    first_year: int
    last_year: int
    first_ord: int
    last_ord: int  # inclusive
    working: tuple[int, ...]  # ordinals of working days, ascending
    rank: tuple[int, ...]  # rank[o - first_ord] = working days strictly before o


class WorkCalendar:
    """Working days and hours. Thread-safe; years are built lazily."""

    def __init__(
        self,
        *,
        sessions: Sequence[tuple[time, time]] = DEFAULT_SESSIONS,
        overrides: Iterable[DayOverride] = (),
        tz: ZoneInfo = LOCAL_TZ,
        country: str = "VN",
    ) -> None:
        validate_sessions(sessions)
        self.sessions: tuple[tuple[time, time], ...] = tuple(sessions)
        self.tz = tz
        self.country = country
        self.overrides: tuple[DayOverride, ...] = tuple(sorted(overrides, key=lambda o: o.start))
        # (start_us, end_us, worked_before_us) per session
        spans: list[tuple[int, int, int]] = []
        before = 0
        for start, end in self.sessions:
            s, e = _time_us(start), _time_us(end)
            spans.append((s, e, before))
            before += e - s
        self._spans: tuple[tuple[int, int, int], ...] = tuple(spans)
        self._day_us = before
        self._lock = threading.Lock()
        self._years: dict[int, dict[int, DayInfo]] = {}
        self._index: _Index | None = None

    # -- days ---------------------------------------------------------------

    @property
    def day_length(self) -> timedelta:
        return timedelta(microseconds=self._day_us)

    def _year_exceptions(self, year: int) -> dict[int, DayInfo]:
        """Days of ``year`` that differ from Mon-Fri working, keyed by ordinal."""
        cached = self._years.get(year)
        if cached is not None:
            return cached
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CalendarRangeError(f"Lịch chỉ hỗ trợ các năm {MIN_YEAR}-{MAX_YEAR}.")
        out: dict[int, DayInfo] = {}
        first, last = date(year, 1, 1), date(year, 12, 31)
        d = first
        while d <= last:
            if d.weekday() >= 5:
                out[d.toordinal()] = DayInfo(
                    d, False, "Thứ Bảy" if d.weekday() == 5 else "Chủ nhật", "weekend"
                )
            d += timedelta(days=1)
        lib = holidays.country_holidays(self.country, years=year, language="vi")
        for day, name in sorted(lib.items()):
            if day.year == year:
                out[day.toordinal()] = DayInfo(day, False, str(name), "holidays")
        for day in sorted(getattr(lib, "weekend_workdays", ()) or ()):
            if day.year == year:
                out[day.toordinal()] = DayInfo(
                    day, True, "Ngày làm việc bù (theo lịch hoán đổi của Chính phủ)", "holidays"
                )
        for ov in self.overrides:
            d = max(ov.start, first)
            while d <= min(ov.end, last):
                working = ov.kind == "working_day"
                out[d.toordinal()] = DayInfo(d, working, ov.reason, "override", ov.reference)
                d += timedelta(days=1)
        self._years[year] = out
        return out

    def day_info(self, day: date) -> DayInfo:
        info = self._year_exceptions(day.year).get(day.toordinal())
        if info is not None:
            return info
        return DayInfo(day, True, "Ngày làm việc", "weekday")

    def is_working_day(self, day: date) -> bool:
        return self.day_info(day).working

    def year_exceptions(self, year: int) -> list[DayInfo]:
        """Weekdays that are off and weekend days that are worked, in ``year``."""
        return [
            info
            for _, info in sorted(self._year_exceptions(year).items())
            if info.working == (info.day.weekday() >= 5)
        ]

    def _ensure(self, lo_ord: int, hi_ord: int) -> _Index:
        idx = self._index
        if idx is not None and idx.first_ord <= lo_ord and hi_ord <= idx.last_ord:
            return idx
        with self._lock:
            idx = self._index
            if idx is not None and idx.first_ord <= lo_ord and hi_ord <= idx.last_ord:
                return idx
            lo_year = date.fromordinal(lo_ord).year
            hi_year = date.fromordinal(hi_ord).year
            if idx is not None:
                lo_year = min(lo_year, idx.first_year)
                hi_year = max(hi_year, idx.last_year)
            else:
                lo_year, hi_year = lo_year - 1, hi_year + 1
            lo_year, hi_year = max(lo_year, MIN_YEAR), min(hi_year, MAX_YEAR)
            if (
                lo_ord < date(MIN_YEAR, 1, 1).toordinal()
                or hi_ord > date(MAX_YEAR, 12, 31).toordinal()
            ):
                raise CalendarRangeError(f"Lịch chỉ hỗ trợ các năm {MIN_YEAR}-{MAX_YEAR}.")
            first_ord = date(lo_year, 1, 1).toordinal()
            last_ord = date(hi_year, 12, 31).toordinal()
            working: list[int] = []
            rank: list[int] = []
            exceptions: dict[int, DayInfo] = {}
            for year in range(lo_year, hi_year + 1):
                exceptions.update(self._year_exceptions(year))
            for o in range(first_ord, last_ord + 1):
                rank.append(len(working))
                info = exceptions.get(o)
                if info is None or info.working:
                    working.append(o)
            idx = _Index(lo_year, hi_year, first_ord, last_ord, tuple(working), tuple(rank))
            self._index = idx
            return idx

    # -- counter ------------------------------------------------------------

    def _local(self, moment: datetime) -> datetime:
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("Thời điểm phải kèm múi giờ (datetime aware).")
        return moment.astimezone(self.tz)

    def _within_day(self, t_us: int) -> int:
        worked = 0
        for s, e, _ in self._spans:
            if t_us <= s:
                break
            worked += (e if t_us >= e else t_us) - s
        return worked

    def _counter(self, local: datetime, idx: _Index) -> int:
        o = local.toordinal()
        k = idx.rank[o - idx.first_ord]
        c = k * self._day_us
        if k < len(idx.working) and idx.working[k] == o:
            c += self._within_day(_time_us(local.time()))
        return c

    def _moment(self, c: int, idx: _Index, *, end_boundary: bool) -> datetime:
        """Earliest (``end_boundary``) or latest-start moment with counter ``c``."""
        k, r = divmod(c, self._day_us)
        if end_boundary and r == 0 and k > 0:
            k, r = k - 1, self._day_us
        while k >= len(idx.working):
            idx = self._ensure(idx.first_ord, date(idx.last_year + 1, 12, 31).toordinal())
        o = idx.working[k]
        for s, e, before in self._spans:
            if (r <= before + (e - s)) if end_boundary else (r < before + (e - s)):
                t = _us_time(s + r - before)
                break
        else:  # pragma: no cover - r < day length by construction
            raise AssertionError(r)
        d = date.fromordinal(o)
        return datetime(
            d.year, d.month, d.day, t.hour, t.minute, t.second, t.microsecond, tzinfo=self.tz
        )

    # -- public API ---------------------------------------------------------

    def is_working_time(self, moment: datetime) -> bool:
        local = self._local(moment)
        if not self.is_working_day(local.date()):
            return False
        t = _time_us(local.time())
        return any(s <= t < e for s, e, _ in self._spans)

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if it is working time, else the next session start."""
        local = self._local(moment)
        o = local.toordinal()
        idx = self._ensure(o, o)
        return self._moment(self._counter(local, idx), idx, end_boundary=False)

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        d_us = _td_us(duration)
        if d_us < 0:
            raise ValueError("Thời lượng không được âm.")
        local = self._local(start)
        o = local.toordinal()
        idx = self._ensure(o, o)
        c = self._counter(local, idx)
        return self._moment(c + d_us, idx, end_boundary=d_us > 0)

    def working_time_between(self, a: datetime, b: datetime) -> timedelta:
        """Working time from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        la, lb = self._local(a), self._local(b)
        oa, ob = la.toordinal(), lb.toordinal()
        idx = self._ensure(min(oa, ob), max(oa, ob))
        return timedelta(microseconds=self._counter(lb, idx) - self._counter(la, idx))

    def add_working_days(self, start: datetime, days: int | Decimal) -> datetime:
        return self.add_working_time(start, timedelta(microseconds=_to_us(days, self._day_us)))

    def add_calendar_days(self, start: datetime, days: int | Decimal) -> datetime:
        """For procedures counted in calendar days: the receipt is aligned to
        the next working moment, ``days`` of 24 h are added in local time, and
        a result outside working time is pushed to the next working moment."""
        begin = self.next_working_moment(start)
        naive = begin.replace(tzinfo=None) + timedelta(microseconds=_to_us(days, _US_PER_DAY))
        return self.next_working_moment(naive.replace(tzinfo=self.tz))
