"""Properties of the engine, checked with hypothesis against an independent,
day-by-day oracle."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from motcua.calendar.engine import LOCAL_TZ, WorkCalendar
from motcua.calendar.tests.conftest import SWAP_2026

CAL = WorkCalendar(overrides=SWAP_2026)
SESSION_ENDS = {end for _, end in CAL.sessions}

moments = st.datetimes(
    min_value=datetime(2023, 12, 1),
    max_value=datetime(2027, 6, 30),
    timezones=st.sampled_from([LOCAL_TZ, UTC]),
)
# Minutes-aligned moments hit session boundaries often.
aligned = st.builds(
    lambda d, m: datetime(d.year, d.month, d.day, tzinfo=LOCAL_TZ) + timedelta(minutes=m),
    st.dates(min_value=date(2023, 12, 1), max_value=date(2027, 6, 30)),
    st.integers(min_value=0, max_value=24 * 60 - 1).map(lambda m: m - m % 15),
)
any_moment = st.one_of(moments, aligned)
durations = st.one_of(
    st.integers(min_value=0, max_value=60 * 8 * 60).map(lambda m: timedelta(minutes=m)),
    st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=8 * 60)),
)


def oracle_between(a: datetime, b: datetime) -> timedelta:
    """Working time in [a, b), summed day by day (a <= b)."""
    la, lb = a.astimezone(LOCAL_TZ), b.astimezone(LOCAL_TZ)
    total = timedelta(0)
    day = la.date()
    while day <= lb.date():
        if CAL.is_working_day(day):
            for s, e in CAL.sessions:
                lo = max(la, datetime.combine(day, s, LOCAL_TZ))
                hi = min(lb, datetime.combine(day, e, LOCAL_TZ))
                if hi > lo:
                    total += hi - lo
        day += timedelta(days=1)
    return total


@settings(max_examples=300)
@given(any_moment, any_moment)
def test_between_matches_oracle(a: datetime, b: datetime) -> None:
    a, b = min(a, b), max(a, b)
    if (b - a) > timedelta(days=200):
        b = a + timedelta(days=200)
    assert CAL.working_time_between(a, b) == oracle_between(a, b)
    assert CAL.working_time_between(b, a) == -oracle_between(a, b)


@settings(max_examples=400)
@given(any_moment, durations)
def test_add_then_measure_round_trip(start: datetime, d: timedelta) -> None:
    due = CAL.add_working_time(start, d)
    assert due >= start
    assert CAL.working_time_between(start, due) == d


@settings(max_examples=400)
@given(any_moment, durations)
def test_result_never_in_non_working_time(start: datetime, d: timedelta) -> None:
    due = CAL.add_working_time(start, d)
    if d == timedelta(0):
        assert CAL.is_working_time(due)
    else:
        # Working time, or exactly the end of a session (11:30 / 17:00)
        # whose last instant was working time.
        assert CAL.is_working_time(due) or (
            CAL.is_working_day(due.date()) and due.timetz().replace(tzinfo=None) in SESSION_ENDS
        )
        assert CAL.is_working_time(due - timedelta(microseconds=1))


@settings(max_examples=300)
@given(any_moment, any_moment, durations)
def test_monotonic_in_start(a: datetime, b: datetime, d: timedelta) -> None:
    a, b = min(a, b), max(a, b)
    assert CAL.add_working_time(a, d) <= CAL.add_working_time(b, d)


@settings(max_examples=300)
@given(any_moment, durations, durations)
def test_monotonic_in_duration(start: datetime, d1: timedelta, d2: timedelta) -> None:
    d1, d2 = min(d1, d2), max(d1, d2)
    assert CAL.add_working_time(start, d1) <= CAL.add_working_time(start, d2)


@settings(max_examples=300)
@given(any_moment, any_moment, any_moment)
def test_between_is_additive(a: datetime, b: datetime, c: datetime) -> None:
    assert CAL.working_time_between(a, b) + CAL.working_time_between(
        b, c
    ) == CAL.working_time_between(a, c)


@settings(max_examples=300)
@given(any_moment, any_moment)
def test_add_inverts_between(a: datetime, b: datetime) -> None:
    a, b = min(a, b), max(a, b)
    w = CAL.working_time_between(a, b)
    back = CAL.add_working_time(a, w)
    assert back <= b or w == timedelta(0)
    # Exact inverse when b is strictly inside a session; at a session start
    # the earlier end boundary with the same working time is returned.
    if w > timedelta(0) and CAL.is_working_time(b - timedelta(microseconds=1)):
        assert back == b
    assert CAL.working_time_between(back, b) == timedelta(0)


@settings(max_examples=300)
@given(any_moment)
def test_next_working_moment(m: datetime) -> None:
    n = CAL.next_working_moment(m)
    assert CAL.is_working_time(n)
    assert n >= m
    assert CAL.working_time_between(m, n) == timedelta(0)
    assert (n == m) == CAL.is_working_time(m)
