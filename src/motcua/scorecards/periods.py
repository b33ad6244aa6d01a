"""Report periods: a month, a quarter, a year or a custom range of local
days, parsed from what a person typed, with Vietnamese errors (never a 500)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from motcua.core.errors import DomainError

#: The years a period may fall in (outside: an error, not a scan of nothing).
MIN_YEAR, MAX_YEAR = 2000, 2100
#: The longest custom period, in days.
MAX_DAYS = 3 * 366


class PeriodError(DomainError):
    code = "invalid_period"
    title = "Kỳ báo cáo không hợp lệ"


@dataclass(frozen=True)
class Period:
    kind: str  # month | quarter | year | custom
    start: datetime.date
    end: datetime.date  # inclusive

    @property
    def key(self) -> str:
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start.isoformat()}..{self.end.isoformat()}"

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"Tháng {self.start.month}/{self.start.year}"
        if self.kind == "quarter":
            return f"Quý {(self.start.month - 1) // 3 + 1}/{self.start.year}"
        if self.kind == "year":
            return f"Năm {self.start.year}"
        return f"Từ {self.start:%d/%m/%Y} đến {self.end:%d/%m/%Y}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period | None:
        """The period just before (same kind and length); ``None`` before
        :data:`MIN_YEAR`."""
        if self.kind == "month":
            start = (self.start - datetime.timedelta(days=1)).replace(day=1)
            p = month(start.year, start.month)
        elif self.kind == "quarter":
            start = (self.start - datetime.timedelta(days=1)).replace(day=1)
            p = quarter(start.year, (start.month - 1) // 3 + 1)
        elif self.kind == "year":
            p = Period(
                "year",
                datetime.date(self.start.year - 1, 1, 1),
                datetime.date(self.start.year - 1, 12, 31),
            )
        else:
            end = self.start - datetime.timedelta(days=1)
            p = Period("custom", end - datetime.timedelta(days=self.days - 1), end)
        return p if p.start.year >= MIN_YEAR else None


def _year(value: int) -> int:
    if not MIN_YEAR <= value <= MAX_YEAR:
        raise PeriodError(
            f"Năm {value} nằm ngoài phạm vi báo cáo (từ {MIN_YEAR} đến {MAX_YEAR}).",
            code="period_out_of_range",
        )
    return value


def month(year: int, m: int) -> Period:
    _year(year)
    if not 1 <= m <= 12:
        raise PeriodError("Tháng phải từ 1 đến 12.")
    start = datetime.date(year, m, 1)
    nxt = datetime.date(year + (m == 12), m % 12 + 1, 1)
    return Period("month", start, nxt - datetime.timedelta(days=1))


def quarter(year: int, q: int) -> Period:
    _year(year)
    if not 1 <= q <= 4:
        raise PeriodError("Quý phải từ 1 đến 4.")
    start = datetime.date(year, 3 * q - 2, 1)
    end = month(year, 3 * q).end
    return Period("quarter", start, end)


def custom(start: datetime.date, end: datetime.date) -> Period:
    _year(start.year)
    _year(end.year)
    if end < start:
        raise PeriodError(
            "Ngày kết thúc của kỳ báo cáo phải sau hoặc bằng ngày bắt đầu.",
            code="period_ends_before_start",
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(f"Kỳ báo cáo tự chọn dài tối đa {MAX_DAYS} ngày.")
    return Period("custom", start, end)


def parse_date(text: str) -> datetime.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            value = datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
        _year(value.year)
        return value
    raise PeriodError(
        f"Ngày không hợp lệ: «{text[:20]}» (hãy viết dd/mm/yyyy).", code="invalid_date"
    )


_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")
_YEAR = re.compile(r"^(\d{4})$")


def parse_period(
    text: str = "", *, start: str = "", end: str = "", today: datetime.date | None = None
) -> Period:
    """``2026-03`` (month), ``2026-Q1`` (quarter), ``2026`` (year), or a
    custom ``start``..``end``; nothing at all: the current month."""
    text = (text or "").strip()
    if start or end:
        if not (start and end):
            raise PeriodError("Kỳ tự chọn cần cả ngày bắt đầu và ngày kết thúc.")
        return custom(parse_date(start), parse_date(end))
    if not text:
        t = today or datetime.date.today()
        return month(t.year, t.month)
    if m := _MONTH.match(text):
        return month(_year(int(m[1])), int(m[2]))
    if m := _QUARTER.match(text):
        return quarter(_year(int(m[1])), int(m[2]))
    if m := _YEAR.match(text):
        y = _year(int(m[1]))
        return Period("year", datetime.date(y, 1, 1), datetime.date(y, 12, 31))
    raise PeriodError(
        "Kỳ báo cáo không hợp lệ: hãy chọn tháng (2026-03), quý (2026-Q1) hoặc năm (2026)."
    )
