"""Day-first date entry for the calendar's admin forms: dd/mm/yyyy (or ISO
yyyy-mm-dd, which cannot be misread), nothing else. "03/01/2026" is the
3rd of January; a two-digit year, a month-first date or an impossible day
is refused with a Vietnamese message instead of being guessed."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms

from motcua.calendar.models import CalendarOverride

_DAY_FIRST = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
DATE_HELP = "Nhập ngày/tháng/năm, ví dụ 03/01/2026 là ngày 3 tháng 1 năm 2026."


def parse_day_first(value: str) -> datetime.date:
    """The date in ``value`` (dd/mm/yyyy or yyyy-mm-dd). Raises
    :class:`forms.ValidationError` with a Vietnamese message."""
    text = value.strip()
    day_first, iso = _DAY_FIRST.match(text), _ISO.match(text)
    if day_first:
        day, month, year = (int(g) for g in day_first.groups())
    elif iso:
        year, month, day = (int(g) for g in iso.groups())
    else:
        raise forms.ValidationError(
            "Ngày “%(value)s” không đúng dạng ngày/tháng/năm (năm đủ 4 chữ số), ví dụ 03/01/2026.",
            code="date_format",
            params={"value": text},
        )
    if not 1 <= month <= 12:
        raise forms.ValidationError(
            "Ngày “%(value)s”: tháng %(month)s không có (tháng từ 1 đến 12; nhập ngày trước, "
            "tháng sau).",
            code="date_month",
            params={"value": text, "month": month},
        )
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise forms.ValidationError(
            "Ngày “%(value)s” không có trong lịch (tháng %(month)s/%(year)s không có ngày "
            "%(day)s).",
            code="date_invalid",
            params={"value": text, "day": day, "month": month, "year": year},
        ) from None


class DayFirstDateInput(forms.TextInput):
    """A text box showing dates as dd/mm/yyyy (no calendar script)."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        defaults = {"placeholder": "ngày/tháng/năm", "inputmode": "numeric", "size": "12"}
        super().__init__({**defaults, **(attrs or {})})

    def format_value(self, value: Any) -> str | None:
        if isinstance(value, datetime.date):
            return value.strftime("%d/%m/%Y")
        return super().format_value(value)


class DayFirstDateField(forms.DateField):
    widget = DayFirstDateInput

    def to_python(self, value: Any) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        return parse_day_first(str(value))


class CalendarOverrideForm(forms.ModelForm[CalendarOverride]):
    start_date = DayFirstDateField(label="Từ ngày", help_text=DATE_HELP)
    end_date = DayFirstDateField(label="Đến ngày (tính cả ngày này)", help_text=DATE_HELP)

    class Meta:
        model = CalendarOverride
        fields = ("start_date", "end_date", "kind", "reason", "reference")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu.")
        return data
