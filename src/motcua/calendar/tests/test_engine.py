"""The engine against the real schedules of 2024, 2025 and 2026."""

from __future__ import annotations

from datetime import UTC, date, time, timedelta
from decimal import Decimal

import pytest

from motcua.calendar.engine import (
    LOCAL_TZ,
    CalendarRangeError,
    WorkCalendar,
    validate_sessions,
)
from motcua.calendar.tests.conftest import local

H = timedelta(hours=1)


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=i) for i in range((end - start).days + 1)]


# -- the schedules ------------------------------------------------------------


def test_2024_tet_and_reunification(cal: WorkCalendar) -> None:
    # Tết Giáp Thìn: Thu 8/2 to Wed 14/2/2024.
    assert [cal.is_working_day(d) for d in days(date(2024, 2, 7), date(2024, 2, 15))] == [
        True, False, False, False, False, False, False, False, True,
    ]  # fmt: skip
    # 30/4-1/5 with Mon 29/4 off in exchange for working Sat 4/5/2024.
    assert not cal.is_working_day(date(2024, 4, 29))
    assert not cal.is_working_day(date(2024, 4, 30))
    assert not cal.is_working_day(date(2024, 5, 1))
    assert cal.is_working_day(date(2024, 5, 2))
    assert cal.is_working_day(date(2024, 5, 4))  # Saturday worked
    assert not cal.is_working_day(date(2024, 5, 5))
    assert not cal.is_working_day(date(2024, 9, 2))
    assert not cal.is_working_day(date(2024, 9, 3))


def test_2025_tet_and_may_swap(cal: WorkCalendar) -> None:
    # Tết Ất Tỵ: Sat 25/1 to Sun 2/2/2025.
    assert cal.is_working_day(date(2025, 1, 24))
    assert not any(cal.is_working_day(d) for d in days(date(2025, 1, 25), date(2025, 2, 2)))
    assert cal.is_working_day(date(2025, 2, 3))
    # Fri 2/5 off in exchange for working Sat 26/4/2025.
    assert not cal.is_working_day(date(2025, 5, 2))
    assert cal.is_working_day(date(2025, 4, 26))
    assert not cal.is_working_day(date(2025, 4, 27))


def test_2026_official_schedule(cal: WorkCalendar) -> None:
    # New Year: Thu 1/1 and Fri 2/1 off, Sat 10/1 worked (override, 9441/TB-BNV).
    assert not cal.is_working_day(date(2026, 1, 1))
    assert not cal.is_working_day(date(2026, 1, 2))
    assert cal.is_working_day(date(2026, 1, 10))
    assert not cal.is_working_day(date(2026, 1, 17))  # an ordinary Saturday
    # Tết Bính Ngọ: Sat 14/2 to Sun 22/2/2026.
    assert cal.is_working_day(date(2026, 2, 13))
    assert not any(cal.is_working_day(d) for d in days(date(2026, 2, 14), date(2026, 2, 22)))
    assert cal.is_working_day(date(2026, 2, 23))
    # Hùng Kings (Sun 26/4) observed Mon 27/4; 30/4-3/5 without a swap.
    assert not cal.is_working_day(date(2026, 4, 27))
    assert [cal.is_working_day(d) for d in days(date(2026, 4, 28), date(2026, 5, 4))] == [
        True, True, False, False, False, False, True,
    ]  # fmt: skip
    # National Day: Sat 29/8 to Wed 2/9, Mon 31/8 off for working Sat 22/8.
    assert cal.is_working_day(date(2026, 8, 22))
    assert not any(cal.is_working_day(d) for d in days(date(2026, 8, 29), date(2026, 9, 2)))
    assert cal.is_working_day(date(2026, 9, 3))
    # Vietnam Culture Day, Tue 24/11/2026.
    assert not cal.is_working_day(date(2026, 11, 24))
    assert cal.is_working_day(date(2026, 11, 23))


def test_library_alone_lacks_the_january_2026_swap() -> None:
    bare = WorkCalendar()
    assert bare.is_working_day(date(2026, 1, 2))
    assert not bare.is_working_day(date(2026, 1, 10))


def test_year_exceptions_2026(cal: WorkCalendar) -> None:
    rows = {(i.day, i.working, i.source) for i in cal.year_exceptions(2026)}
    assert (date(2026, 1, 2), False, "override") in rows
    assert (date(2026, 1, 10), True, "override") in rows
    assert (date(2026, 8, 22), True, "holidays") in rows
    assert (date(2026, 11, 24), False, "holidays") in rows
    # Holidays falling on a weekend are not weekday exceptions.
    assert all(d.weekday() < 5 for d, working, _ in rows if not working)
    assert all(d.weekday() >= 5 for d, working, _ in rows if working)
    assert len(rows) == 16
    reasons = {i.day: i.reason for i in cal.year_exceptions(2026)}
    assert reasons[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"


# -- the operator example -------------------------------------------------------


def test_operator_example_friday_before_tet(cal: WorkCalendar) -> None:
    # Received Fri 13/2/2026 16:00, 3 working days = 24 h:
    #   Fri 13/2 16:00-17:00           1 h   (23 h left)
    #   Sat 14/2 - Sun 22/2             Tết, nothing counts
    #   Mon 23/2 07:00-17:00           8 h   (15 h left)
    #   Tue 24/2                        8 h   ( 7 h left)
    #   Wed 25/2 07:00-11:30          4.5 h  (2.5 h left), 13:30 + 2.5 h = 16:00
    start = local(2026, 2, 13, 16)
    due = cal.add_working_days(start, 3)
    assert due == local(2026, 2, 25, 16)
    assert cal.working_time_between(start, due) == 24 * H


def test_utc_input_gives_local_result(cal: WorkCalendar) -> None:
    start = local(2026, 2, 13, 16).astimezone(UTC)
    due = cal.add_working_days(start, 3)
    assert due == local(2026, 2, 25, 16)
    assert due.utcoffset() == timedelta(hours=7)


def test_january_swap_saturday_counts(cal: WorkCalendar) -> None:
    # Fri 9/1/2026 16:00 + 1 working day: Sat 10/1 is a make-up working day.
    assert cal.add_working_days(local(2026, 1, 9, 16), 1) == local(2026, 1, 10, 16)
    # Wed 31/12/2025 16:00 + 1 day: 1/1 and 2/1 off, weekend, so Mon 5/1.
    assert cal.add_working_days(local(2025, 12, 31, 16), 1) == local(2026, 1, 5, 16)


# -- receipt outside working hours ---------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (local(2026, 3, 5, 18, 30), local(2026, 3, 6, 8)),  # after 17:00 -> 07:00 next day
        (local(2026, 3, 5, 17, 0), local(2026, 3, 6, 8)),  # 17:00 exactly is after hours
        (local(2026, 3, 5, 5, 0), local(2026, 3, 5, 8)),  # before 07:00 -> 07:00
        (local(2026, 3, 5, 12, 0), local(2026, 3, 5, 14, 30)),  # lunch -> 13:30
        (local(2026, 3, 5, 11, 30), local(2026, 3, 5, 14, 30)),  # 11:30 is lunch
        (local(2026, 3, 7, 10, 0), local(2026, 3, 9, 8)),  # Saturday -> Monday
        (local(2026, 2, 17, 9, 0), local(2026, 2, 23, 8)),  # Tết -> Mon 23/2
        (local(2026, 3, 6, 16, 30), local(2026, 3, 9, 7, 30)),  # across the weekend
    ],
)
def test_one_hour_from_receipt(cal: WorkCalendar, received, expected) -> None:
    assert cal.add_working_time(received, H) == expected


def test_exact_end_of_session_is_the_end_boundary(cal: WorkCalendar) -> None:
    assert cal.add_working_time(local(2026, 3, 5, 7), timedelta(hours=4, minutes=30)) == local(
        2026, 3, 5, 11, 30
    )
    assert cal.add_working_days(local(2026, 3, 5, 7), 1) == local(2026, 3, 5, 17)
    assert cal.add_working_days(local(2026, 3, 5, 18), 1) == local(2026, 3, 6, 17)
    assert cal.add_working_days(local(2026, 3, 6, 7), 1) == local(2026, 3, 6, 17)  # Fri
    assert cal.add_working_days(local(2026, 3, 6, 7), Decimal("0.5")) == local(2026, 3, 6, 11)
    # Fri 12:00 (lunch) + 4 h: 13:30-17:00 is 3.5 h, the last 0.5 h on Monday.
    assert cal.add_working_days(local(2026, 3, 6, 12), Decimal("0.5")) == local(2026, 3, 9, 7, 30)
    assert cal.add_working_time(local(2026, 3, 6, 12), timedelta(hours=3, minutes=30)) == local(
        2026, 3, 6, 17
    )


def test_zero_duration_is_next_working_moment(cal: WorkCalendar) -> None:
    assert cal.add_working_time(local(2026, 3, 5, 9), timedelta(0)) == local(2026, 3, 5, 9)
    assert cal.add_working_days(local(2026, 3, 5, 17), 0) == local(2026, 3, 6, 7)


def test_next_working_moment_and_is_working_time(cal: WorkCalendar) -> None:
    assert cal.next_working_moment(local(2026, 2, 13, 17)) == local(2026, 2, 23, 7)
    assert cal.next_working_moment(local(2026, 2, 13, 10)) == local(2026, 2, 13, 10)
    assert cal.next_working_moment(local(2026, 1, 9, 18)) == local(2026, 1, 10, 7)
    assert cal.is_working_time(local(2026, 3, 5, 7))
    assert not cal.is_working_time(local(2026, 3, 5, 6, 59, 59, 999_999))
    assert cal.is_working_time(local(2026, 3, 5, 11, 29, 59, 999_999))
    assert not cal.is_working_time(local(2026, 3, 5, 11, 30))
    assert cal.is_working_time(local(2026, 3, 5, 13, 30))
    assert not cal.is_working_time(local(2026, 3, 5, 17))
    assert not cal.is_working_time(local(2026, 1, 2, 9))
    assert cal.is_working_time(local(2026, 1, 10, 9))


def test_working_time_between_is_signed(cal: WorkCalendar) -> None:
    a, b = local(2026, 2, 13, 16), local(2026, 2, 23, 8)
    assert cal.working_time_between(a, b) == 2 * H
    assert cal.working_time_between(b, a) == -2 * H
    assert cal.working_time_between(a, a) == timedelta(0)
    # A whole weekend of Tết counts nothing.
    assert cal.working_time_between(local(2026, 2, 14), local(2026, 2, 23)) == timedelta(0)


def test_calendar_days(cal: WorkCalendar) -> None:
    # Mon 9/2/2026 09:00 + 3 days = Thu 12/2 09:00, a working moment.
    assert cal.add_calendar_days(local(2026, 2, 9, 9), 3) == local(2026, 2, 12, 9)
    # Tue 10/2 09:00 + 5 days = Sun 15/2, in Tết: pushed to Mon 23/2 07:00.
    assert cal.add_calendar_days(local(2026, 2, 10, 9), 5) == local(2026, 2, 23, 7)
    # Received after hours: counting starts at 07:00 next working day.
    assert cal.add_calendar_days(local(2026, 3, 2, 20), 2) == local(2026, 3, 5, 7)


def test_long_durations_cross_years(cal: WorkCalendar) -> None:
    start = local(2026, 2, 13, 16)
    due = cal.add_working_days(start, 1000)
    assert due.year == 2030
    assert cal.working_time_between(start, due) == 1000 * 8 * H
    assert cal.add_working_days(local(2024, 1, 2, 7), 1) == local(2024, 1, 2, 17)


def test_rejections(cal: WorkCalendar) -> None:
    from datetime import datetime

    with pytest.raises(ValueError, match="múi giờ"):
        cal.add_working_time(datetime(2026, 3, 5, 9), H)
    with pytest.raises(ValueError, match="múi giờ"):
        cal.working_time_between(local(2026, 3, 5), datetime(2026, 3, 6))
    with pytest.raises(ValueError, match="không được âm"):
        cal.add_working_time(local(2026, 3, 5, 9), -H)
    with pytest.raises(ValueError, match="không được âm"):
        cal.add_working_days(local(2026, 3, 5, 9), -1)
    with pytest.raises(CalendarRangeError):
        cal.is_working_time(local(1800, 1, 1))
    with pytest.raises(CalendarRangeError):
        cal.add_working_days(local(2199, 12, 1), 100)


def test_sessions_validation_and_custom_hours() -> None:
    with pytest.raises(ValueError, match="chồng lấn"):
        validate_sessions([(time(7), time(12)), (time(11), time(17))])
    with pytest.raises(ValueError, match="trước giờ kết thúc"):
        validate_sessions([(time(12), time(7))])
    with pytest.raises(ValueError):
        validate_sessions([])
    custom = WorkCalendar(sessions=[(time(7, 30), time(11, 30)), (time(13), time(17))])
    assert custom.day_length == timedelta(hours=8)
    assert custom.add_working_time(local(2026, 3, 5, 7), H) == local(2026, 3, 5, 8, 30)
    assert custom.add_working_time(local(2026, 3, 5, 11), H) == local(2026, 3, 5, 13, 30)
    assert custom.add_working_days(local(2026, 3, 5, 7, 30), 1) == local(2026, 3, 5, 17)


def test_results_are_local_time(cal: WorkCalendar) -> None:
    assert cal.add_working_time(local(2026, 3, 5, 9), H).tzinfo is LOCAL_TZ
    assert cal.next_working_moment(local(2026, 3, 5, 20)).tzinfo is LOCAL_TZ
