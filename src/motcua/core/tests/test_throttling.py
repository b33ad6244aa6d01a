"""The limiter itself: rates, fixed windows on a fake clock, both counter
strategies (one entry per subject on the database cache, atomic counters
on Redis)."""

from __future__ import annotations

from typing import Any

import pytest

from motcua.core import throttling
from motcua.core.throttling import Rate, RateError, Throttled, rates_parse, throttle_hit

HOUR_START = 1_779_926_400.0  # a UTC midnight (so also an hour boundary)


def test_rates_parse() -> None:
    assert rates_parse(text="10/h, 20/d") == (Rate(10, 3600), Rate(20, 86400))
    assert rates_parse(text="5/15m") == (Rate(5, 900),)
    assert rates_parse(text="off") == ()
    assert rates_parse(text="") == ()
    for bad in ("10", "ten/h", "10/w", "10/0h"):
        with pytest.raises(RateError):
            rates_parse(text=bad)


@pytest.fixture(params=["one-entry", "atomic"])
def strategy(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, db: None) -> str:
    """Both counters, on the database cache (the atomic one is Redis's; its
    add/incr/decr calls behave the same on any backend)."""
    monkeypatch.setattr(throttling, "_atomic_cache", lambda: request.param == "atomic")
    return str(request.param)


def _drive(now: list[float], rates: tuple[Rate, ...], n: int) -> list[int | None]:
    """``n`` requests at the current fake time: None if answered, else the
    Retry-After."""
    out: list[int | None] = []
    for _ in range(n):
        try:
            throttle_hit(scope="t", subject="s", rates=rates)
            out.append(None)
        except Throttled as exc:
            out.append(exc.retry_after)
    return out


def test_window_allows_exactly_the_rate_then_refuses_until_its_end(
    strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [HOUR_START + 600]
    monkeypatch.setattr(throttling, "clock", lambda: now[0])
    rates = (Rate(3, 3600),)
    assert _drive(now, rates, 5) == [None, None, None, 3000, 3000]
    now[0] = HOUR_START + 3599
    assert _drive(now, rates, 1) == [1]
    now[0] = HOUR_START + 3600  # the next window
    assert _drive(now, rates, 4) == [None, None, None, 3600]


def test_refused_requests_do_not_use_up_the_longer_window(
    strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [HOUR_START]
    monkeypatch.setattr(throttling, "clock", lambda: now[0])
    rates = (Rate(2, 3600), Rate(3, 86400))
    assert _drive(now, rates, 10) == [None, None] + [3600] * 8
    now[0] += 3600
    # One left for the day (the 8 refusals did not count), then the day's wait.
    assert _drive(now, rates, 2) == [None, 86400 - 3600]


def test_subjects_and_scopes_are_counted_apart(
    strategy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(throttling, "clock", lambda: HOUR_START)
    rate = (Rate(1, 60),)
    throttle_hit(scope="a", subject="x", rates=rate)
    throttle_hit(scope="a", subject="y", rates=rate)
    throttle_hit(scope="b", subject="x", rates=rate)
    with pytest.raises(Throttled):
        throttle_hit(scope="a", subject="x", rates=rate)


def test_no_rates_means_no_limit(db: None) -> None:
    for _ in range(50):
        throttle_hit(scope="t", subject="s", rates=())


def test_client_address_behind_trusted_proxies(rf: Any, settings: Any) -> None:
    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.5")
    assert throttling.client_address(request) == "10.0.0.1"
    settings.MOTCUA_TRUSTED_PROXIES = 1
    # The right-most entry is what our own proxy saw; the left one is forgeable.
    assert throttling.client_address(request) == "203.0.113.5"


def test_a_mistyped_rate_fails_the_system_check(settings: Any) -> None:
    from motcua.core.security import check_rates

    assert check_rates(None) == []
    settings.MOTCUA_THROTTLE_SUBMIT = "20 per hour"
    (error,) = check_rates(None)
    assert error.id == "motcua.E002" and "MOTCUA_THROTTLE_SUBMIT" in error.msg
