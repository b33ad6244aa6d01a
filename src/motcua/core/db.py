"""Reads from a PostgreSQL streaming replica, by explicit opt-in.

When ``DATABASE_REPLICA_URL`` is set, ``settings.DATABASES`` holds a second
alias, ``replica``, and :class:`ReplicaRouter` is installed. Nothing moves to
the replica implicitly: a read-only piece of work (a list, a dashboard, the
public tracking read) opts in with the context manager :func:`reading`::

    with reading() as alias:      # "replica" or "default"
        page = list(selectors.some_list(...))

Inside the block the router sends the ORM's reads of this project's models to
the alias chosen at the block's start; writes always go to ``default``, and
so do reads of the tables whose freshness is a matter of security or
correctness (sessions, accounts and tokens, the cache table, sign-in lockout,
the task queue). Code that runs raw SQL asks :func:`current_read_alias`.

``reading()`` picks the primary instead of the replica when

* the person who sent the request wrote something less than
  ``DATABASE_REPLICA_PIN_SECONDS`` ago (read-your-writes: a signed cookie for
  the browser, a key in the shared cache for an authenticated user, set by
  :class:`ReplicaMiddleware` after any non-safe request);
* the replica is down, or lags more than ``DATABASE_REPLICA_MAX_LAG`` seconds
  (checked at most every ``DATABASE_REPLICA_HEALTH_SECONDS`` per process);
* a transaction is open on ``default`` (the block would not see its writes).

A safe request (GET/HEAD) that read from the replica and failed with a
server error is answered again from the primary, once, after the health is
checked afresh: a replica that stops between two checks costs no error page.

Decision record: docs/developers/decisions/0048-replica-router-read-your-writes.md.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("motcua.db")

PRIMARY = "default"
REPLICA = "replica"

#: Apps whose tables are always read on the primary.
PRIMARY_ONLY_APPS = frozenset(
    {
        "sessions",
        "django_cache",
        "accounts",
        "auth",
        "axes",
        "django_tasks",
        "django_tasks_db",
        "contenttypes",
    }
)

PIN_COOKIE = "motcua_primary"
_PIN_SALT = "motcua.core.db.pin"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

#: Seconds the replica lags behind the primary; 0 when it has replayed all it
#: received (an idle primary makes the last replay timestamp old without lag).
LAG_SQL = (
    "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0"
    " WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()"
    " AND NOT pg_is_wal_replay_paused() THEN 0"
    " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 1e9) END"
)


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@dataclass
class _RequestState:
    request: HttpRequest | None = None
    pinned: bool | None = None  # decided lazily, at the first reading()
    used_replica: bool = False
    force_primary: bool = False


@dataclass
class _Health:
    checked_at: float = float("-inf")
    ok: bool = False
    lag: float | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


_health = _Health()
_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "motcua_db_request", default=None
)
_alias: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "motcua_db_read_alias", default=None
)


# ------------------------------------------------------------------ health


def replica_lag(alias: str = REPLICA) -> float:
    """The replica's lag in seconds (raises a DatabaseError when it is down)."""
    with connections[alias].cursor() as cursor:
        cursor.execute(LAG_SQL)
        (lag,) = cursor.fetchone()
    return float(lag)


def replica_healthy(*, force: bool = False) -> bool:
    """Up and within ``DATABASE_REPLICA_MAX_LAG``; cached per process for
    ``DATABASE_REPLICA_HEALTH_SECONDS``."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if not force and now - _health.checked_at < settings.DATABASE_REPLICA_HEALTH_SECONDS:
        return _health.ok
    with _health.lock:
        try:
            lag: float | None = replica_lag()
            ok = lag is not None and lag <= settings.DATABASE_REPLICA_MAX_LAG
        except DatabaseError as exc:
            lag, ok = None, False
            log.warning("replica unreachable, reading from the primary: %s", exc)
            with suppress(DatabaseError):
                connections[REPLICA].close()
        if not ok and lag is not None:
            log.warning("replica lags %.1f s, reading from the primary", lag)
        _health.ok, _health.lag, _health.checked_at = ok, lag, time.monotonic()
    return ok


def forget_health() -> None:
    """Check the replica afresh at the next read (tests, after a failure)."""
    _health.checked_at = float("-inf")


# ------------------------------------------------------------------ pinning


def _user_pin_key(user_id: Any) -> str:
    return f"motcua:db:pin:user:{user_id}"


def _request_user_id(request: HttpRequest) -> Any:
    user = getattr(request, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user.pk
    return None


def _pinned(request: HttpRequest) -> bool:
    pin = settings.DATABASE_REPLICA_PIN_SECONDS
    raw = request.get_signed_cookie(PIN_COOKIE, default=None, salt=_PIN_SALT, max_age=pin)
    if raw is not None:
        return True
    user_id = _request_user_id(request)
    return user_id is not None and bool(cache.get(_user_pin_key(user_id)))


def pin_to_primary(request: HttpRequest, response: HttpResponse) -> None:
    """After a write: this person's reads go to the primary for a while."""
    pin = settings.DATABASE_REPLICA_PIN_SECONDS
    response.set_signed_cookie(
        PIN_COOKIE,
        "1",
        salt=_PIN_SALT,
        max_age=pin,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    user_id = _request_user_id(request)
    if user_id is not None:
        cache.set(_user_pin_key(user_id), 1, pin)


# ------------------------------------------------------------------ choosing


def read_alias() -> str:
    """The alias a read-only piece of work starting now should use."""
    if not replica_configured():
        return PRIMARY
    state = _state.get()
    if state is not None:
        if state.force_primary:
            return PRIMARY
        if state.pinned is None:
            state.pinned = state.request is not None and _pinned(state.request)
        if state.pinned:
            return PRIMARY
    if connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if not replica_healthy():
        return PRIMARY
    if state is not None:
        state.used_replica = True
    return REPLICA


def current_read_alias() -> str:
    """The alias of the enclosing :func:`reading` block (``default`` outside
    one): for code that runs SQL itself."""
    return _alias.get() or PRIMARY


@contextmanager
def reading() -> Iterator[str]:
    """Route the reads of the block to the replica when that is safe."""
    token = _alias.set(read_alias())
    try:
        yield _alias.get() or PRIMARY
    finally:
        _alias.reset(token)


class ReplicaRouter:
    """Installed only when a replica is configured (settings.py)."""

    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        alias = _alias.get()
        if alias is None or model._meta.app_label in PRIMARY_ONLY_APPS:
            return None
        return alias

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db == PRIMARY


class ReplicaMiddleware:
    """Read-your-writes and the retry of a failed replica read. After
    ``AuthenticationMiddleware``; installed only with a replica."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        state = _RequestState(request=request)
        token = _state.set(state)
        try:
            response = self.get_response(request)
            if (
                state.used_replica
                and response.status_code >= 500
                and request.method in _SAFE_METHODS
            ):
                log.warning("a replica read failed; answering again from the primary")
                forget_health()
                replica_healthy(force=True)
                state.force_primary = True
                response = self.get_response(request)
            if request.method not in _SAFE_METHODS:
                pin_to_primary(request, response)
            return response
        finally:
            _state.reset(token)
