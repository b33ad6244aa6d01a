from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import pytest

from motcua.calendar.engine import LOCAL_TZ, DayOverride, WorkCalendar

# The same rows as migration 0002 (notice 9441/TB-BNV).
SWAP_2026 = (
    DayOverride(
        date(2026, 1, 2), date(2026, 1, 2), "day_off", "Nghỉ Tết Dương lịch", "9441/TB-BNV"
    ),
    DayOverride(date(2026, 1, 10), date(2026, 1, 10), "working_day", "Làm bù", "9441/TB-BNV"),
)


def local(y: int, m: int, d: int, h: int = 0, mi: int = 0, s: int = 0, us: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, s, us, tzinfo=LOCAL_TZ)


@pytest.fixture(scope="session")
def cal() -> WorkCalendar:
    return WorkCalendar(overrides=SWAP_2026)


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    """Test transactions roll back behind the cache's back: start clean."""
    from motcua.calendar.services import invalidate_calendar_cache

    invalidate_calendar_cache()
    yield
    invalidate_calendar_cache()
