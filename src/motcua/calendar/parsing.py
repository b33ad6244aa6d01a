"""Parsing of local date-times typed by operators and API clients."""

from __future__ import annotations

import re
from datetime import datetime

from motcua.calendar.engine import LOCAL_TZ

_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M", "%Y-%m-%d", "%d/%m/%Y")
# A "+07:00" offset whose "+" was turned into a space by URL decoding.
_SPACE_OFFSET = re.compile(r"(T?\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:?\d{2})$")


def parse_local_datetime(value: str) -> datetime:
    """ISO 8601 (with or without offset) or "YYYY-MM-DD HH:MM" / "DD/MM/YYYY
    HH:MM". A value without offset is local time (Asia/Ho_Chi_Minh). Raises
    ``ValueError`` with a Vietnamese message."""
    text = _SPACE_OFFSET.sub(r"\1+\2", value.strip())
    parsed: datetime | None = None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _FORMATS:
            try:
                parsed = datetime.strptime(text, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        raise ValueError(
            f"Ngày giờ không hợp lệ: {value!r}. Hãy nhập dạng 'YYYY-MM-DD HH:MM' "
            "(giờ Việt Nam) hoặc ISO 8601, ví dụ 2026-02-13 16:00."
        )
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=LOCAL_TZ)
    return parsed


WEEKDAYS = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")


def format_vi(moment: datetime) -> str:
    """ "16:00 thứ Tư, 25/02/2026" in local time."""
    local = moment.astimezone(LOCAL_TZ)
    return f"{local:%H:%M} {WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y}"
