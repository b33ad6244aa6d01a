"""Benchmark of the working-time engine (pure Python, no database).

    .venv/bin/python bench/bench_calendar.py [N]

Prints "name: N ops/s" for add_working_time and working_time_between over N
random inputs (default 100 000) spread over 2024-2027, with the official
2026 swap override loaded as in production.
"""

from __future__ import annotations

import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from motcua.calendar.engine import LOCAL_TZ, DayOverride, WorkCalendar


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(2026)
    cal = WorkCalendar(
        overrides=[
            DayOverride(date(2026, 1, 2), date(2026, 1, 2), "day_off", "Nghỉ Tết Dương lịch"),
            DayOverride(date(2026, 1, 10), date(2026, 1, 10), "working_day", "Làm bù"),
        ]
    )
    origin = datetime(2024, 1, 1, tzinfo=LOCAL_TZ)
    span = 4 * 365 * 86_400
    starts = [origin + timedelta(seconds=rng.randrange(span)) for _ in range(n)]
    ends = [origin + timedelta(seconds=rng.randrange(span)) for _ in range(n)]
    durations = [timedelta(minutes=rng.randrange(60 * 8 * 60)) for _ in range(n)]
    cal.working_time_between(origin, origin + timedelta(days=5 * 365))  # build the years

    t0 = time.perf_counter()
    for s, d in zip(starts, durations, strict=True):
        cal.add_working_time(s, d)
    t1 = time.perf_counter()
    for a, b in zip(starts, ends, strict=True):
        cal.working_time_between(a, b)
    t2 = time.perf_counter()
    for s in starts:
        cal.is_working_time(s)
    t3 = time.perf_counter()

    print(f"add_working_time: {n / (t1 - t0):.0f} ops/s")
    print(f"working_time_between: {n / (t2 - t1):.0f} ops/s")
    print(f"is_working_time: {n / (t3 - t2):.0f} ops/s")


if __name__ == "__main__":
    main()
