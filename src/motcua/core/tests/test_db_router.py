"""The replica router's choices without a replica (the real pair is tested
in dossiers/tests/test_replica.py under .ci/replica)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.models import Session
from django.http import HttpResponse
from django.test import RequestFactory

from motcua.core import db


class _Model:
    class _meta:  # noqa: N801
        app_label = "dossiers"


def test_without_a_replica_everything_reads_the_primary() -> None:
    assert not db.replica_configured()
    assert db.read_alias() == db.PRIMARY
    with db.reading() as alias:
        assert alias == db.PRIMARY
        assert db.current_read_alias() == db.PRIMARY
    assert not db.replica_healthy(force=True)


def test_the_router_routes_only_inside_reading_and_never_security_tables() -> None:
    router = db.ReplicaRouter()
    assert router.db_for_read(_Model) is None
    token = db._alias.set(db.REPLICA)
    try:
        assert router.db_for_read(_Model) == db.REPLICA
        assert router.db_for_read(Session) is None
        assert db.current_read_alias() == db.REPLICA
    finally:
        db._alias.reset(token)
    assert router.db_for_write(_Model) == db.PRIMARY
    assert router.allow_migrate(db.REPLICA, "dossiers") is False


def test_a_write_pins_the_person_to_the_primary(settings: Any) -> None:
    settings.DATABASE_REPLICA_PIN_SECONDS = 10
    factory = RequestFactory()
    post = factory.post("/nop-ho-so/")
    response = HttpResponse()
    db.pin_to_primary(post, response)
    cookie = response.cookies[db.PIN_COOKIE]
    assert cookie["httponly"] and cookie["max-age"] == 10
    later = factory.get("/tra-cuu/")
    later.COOKIES[db.PIN_COOKIE] = cookie.value
    assert db._pinned(later)
    forged = factory.get("/tra-cuu/")
    forged.COOKIES[db.PIN_COOKIE] = "1"
    assert not db._pinned(forged)
