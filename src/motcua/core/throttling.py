"""Rate limits on the shared cache: public tracking per dossier code and per
address, submissions and uploads per account.

A rate is "N per period" (``10/h``); a setting may hold several
(``10/h,20/d``) and every one applies. Counters are fixed windows aligned to
the epoch (an hour from :00, a day from 00:00 UTC): the key holds the window
number, so moving the clock moves to a new window and nothing has to expire
on time. On Redis the increment is atomic; on the database cache it is a
read and a write, so concurrent requests can let a few more through than the
rate (documented in ``docs/developers/security.md``).

``core`` stays a leaf: this module knows the cache, the settings and the
request, never another app. The API turns :class:`Throttled` into a 429
problem+json (``motcua.api.errors``), the HTML sides into the Vietnamese 429
page (:class:`ThrottleMiddleware`)."""

from __future__ import annotations

import contextlib
import hashlib
import math
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")

#: The clock the limiter reads; tests replace it to move time without sleeping.
clock: Callable[[], float] = time.time


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: int

    def __str__(self) -> str:
        return f"{self.count}/{self.seconds}s"


class RateError(ValueError):
    """A rate setting that is not ``N/period``."""


def rates_parse(*, text: str) -> tuple[Rate, ...]:
    """``"10/h,20/d"`` → two rates; ``""`` or ``"off"`` → none (no limit).
    A period is ``s``, ``m``, ``h`` or ``d``, optionally with a multiple
    (``5/15m``)."""
    if text.strip().lower() in ("", "off", "0"):
        return ()
    rates = []
    for part in text.split(","):
        match = _RATE.match(part)
        if match is None:
            raise RateError(f"not a rate (N/period, e.g. 10/h): {part!r}")
        count, multiple, unit = match.groups()
        seconds = int(multiple or 1) * _UNITS[unit]
        if seconds <= 0:
            raise RateError(f"a rate's period must be positive: {part!r}")
        rates.append(Rate(count=int(count), seconds=seconds))
    return tuple(rates)


class Throttled(Exception):
    """Too many requests; ``retry_after`` seconds until the fullest window
    opens again. Not a ``DomainError`` on purpose: a view that turns domain
    errors into form messages must not swallow it."""

    code = "throttled"

    def __init__(self, *, scope: str, retry_after: int) -> None:
        super().__init__(f"{scope}: retry after {retry_after} s")
        self.scope = scope
        self.retry_after = retry_after


def _digest(subject: str) -> str:
    return hashlib.sha256(subject.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _exceeded(rates: tuple[Rate, ...], counts: list[int]) -> bool:
    return any(count > rate.count for rate, count in zip(rates, counts, strict=True))


def _count_atomic(scope: str, subject: str, rates: tuple[Rate, ...], now: float) -> list[int]:
    """Redis: one counter per rate and window, ``INCR`` (atomic, so
    concurrent requests cannot slip past the rate); a refused request takes
    its increments back."""
    keys, counts = [], []
    for rate in rates:
        window = math.floor(now / rate.seconds)
        key = f"throttle:{scope}:{_digest(subject)}:{rate.seconds}:{window}"
        # The entry outlives its window by a margin; the key itself changes
        # when the window does, so expiry is only housekeeping.
        cache.add(key, 0, timeout=rate.seconds + 60)
        try:
            counts.append(cache.incr(key))
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=rate.seconds + 60)
            counts.append(1)
        keys.append(key)
    if _exceeded(rates, counts):
        for key in keys:
            with contextlib.suppress(ValueError):
                cache.decr(key)
    return counts


def _count_one_entry(scope: str, subject: str, rates: tuple[Rate, ...], now: float) -> list[int]:
    """Any other cache (the database cache): one entry per subject holding
    every rate's window and count, one read and (when accepted) one write
    per request. Not atomic: requests served at the same instant by
    different workers can each count once where they should count twice
    (documented)."""
    key = f"throttle:{scope}:{_digest(subject)}"
    stored = cache.get(key)
    state: dict[int, tuple[int, int]] = stored if isinstance(stored, dict) else {}
    counts = []
    fresh: dict[int, tuple[int, int]] = {}
    for rate in rates:
        window = math.floor(now / rate.seconds)
        previous_window, previous = state.get(rate.seconds, (window, 0))
        count = (previous if previous_window == window else 0) + 1
        fresh[rate.seconds] = (window, count)
        counts.append(count)
    if not _exceeded(rates, counts):
        cache.set(key, fresh, timeout=max(rate.seconds for rate in rates) + 60)
    return counts


def _atomic_cache() -> bool:
    from django.core.cache.backends.redis import RedisCache

    return isinstance(caches[DEFAULT_CACHE_ALIAS], RedisCache)


def throttle_hit(*, scope: str, subject: str, rates: Iterable[Rate]) -> None:
    """Count one request by ``subject`` (an address, an account, a dossier
    code) in ``scope`` against every rate; raise :class:`Throttled` when one
    of them would be exceeded. Only answered requests count: a refused one
    uses up nothing, so the allowance per period is exactly the rate."""
    rates = tuple(rates)
    if not rates:
        return
    now = clock()
    counter = _count_atomic if _atomic_cache() else _count_one_entry
    counts = counter(scope, subject, rates, now)
    retry_after = 0
    for rate, count in zip(rates, counts, strict=True):
        if count > rate.count:
            window = math.floor(now / rate.seconds)
            retry_after = max(retry_after, math.ceil((window + 1) * rate.seconds - now))
    if retry_after:
        raise Throttled(scope=scope, retry_after=max(1, retry_after))


def configured_rates(name: str) -> tuple[Rate, ...]:
    """The rates of setting ``name`` (a string such as ``"10/h,20/d"``)."""
    return rates_parse(text=str(getattr(settings, name)))


# ------------------------------------------------------------ request helpers


def client_address(request: HttpRequest) -> str:
    """The client's address: ``REMOTE_ADDR``, or, behind
    ``MOTCUA_TRUSTED_PROXIES`` reverse proxies, the address the outermost
    trusted proxy saw (counted from the right of ``X-Forwarded-For``, which a
    client cannot forge past its own proxy). Used by the limiter and by
    django-axes (``AXES_CLIENT_IP_CALLABLE``)."""
    proxies = int(getattr(settings, "MOTCUA_TRUSTED_PROXIES", 0))
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
        if part.strip()
    ]
    if len(forwarded) >= proxies:
        return forwarded[-proxies]
    return forwarded[0] if forwarded else remote


def throttle_request(*, request: HttpRequest, scope: str, setting: str) -> None:
    """Count the request against the signed-in account's rates (or, when
    nobody is signed in, the address's)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        subject = f"user:{user.pk}"
    else:
        subject = f"addr:{client_address(request)}"
    throttle_hit(scope=scope, subject=subject, rates=configured_rates(setting))


def throttle_tracking(*, request: HttpRequest, code: str) -> None:
    """Public tracking: every lookup counts against the client's address
    (``MOTCUA_THROTTLE_TRACK_ADDRESS``: walking the sequential codes) and,
    when it names a code, against that dossier code from any address
    (``MOTCUA_THROTTLE_TRACK_CODE``: guessing the 4-digit second factor of
    one dossier, even from many addresses). A lookup refused for its
    address does not use up the code's allowance."""
    throttle_hit(
        scope="track-addr",
        subject=client_address(request),
        rates=configured_rates("MOTCUA_THROTTLE_TRACK_ADDRESS"),
    )
    normalised = code.strip().upper()
    if normalised:
        throttle_hit(
            scope="track-code",
            subject=normalised,
            rates=configured_rates("MOTCUA_THROTTLE_TRACK_CODE"),
        )


def throttled_message(exc: Throttled) -> str:
    """The refusal in Vietnamese, for an answer shown in place (htmx)."""
    minutes = max(1, math.ceil(exc.retry_after / 60))
    return f"Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau khoảng {minutes} phút."


def throttled_page(request: HttpRequest, *, retry_after: int, login: bool = False) -> HttpResponse:
    """The Vietnamese 429 page, with ``Retry-After``."""
    minutes = max(1, math.ceil(retry_after / 60))
    response = render(request, "429.html", {"retry_minutes": minutes, "login": login}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


class ThrottleMiddleware:
    """Turns :class:`Throttled` raised by a page view into the 429 page (the
    API answers problem+json itself, before this sees anything)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Throttled):
            return throttled_page(request, retry_after=exception.retry_after)
        return None
