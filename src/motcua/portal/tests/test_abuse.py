"""Abuse protection on the HTML sides: sign-in lockout (portal and admin),
public tracking throttled per dossier code and per address, submissions and
uploads per account. Rules and figures: docs/developers/security.md."""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterator
from typing import Any

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from motcua.catalog.models import ConfiguredProcedure
from motcua.core import throttling
from motcua.core.throttling import configured_rates
from motcua.dossiers import drafts
from motcua.portal.tests.helpers import components, filed
from motcua.testing import PASSWORD, Personas

WRONG = "khong-phai-mat-khau"


class FakeClock:
    """The limiter's clock, moved by hand (no sleeping)."""

    def __init__(self, start: float) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeClock]:
    fake = FakeClock(1_780_000_000.0 - 1_780_000_000.0 % 86400)  # a UTC midnight
    monkeypatch.setattr(throttling, "clock", fake)
    yield fake


def _login(client: Client, username: str, password: str, *, url: str = "/dang-nhap/") -> Any:
    return client.post(url, {"username": username, "password": password})


def _signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


# ---------------------------------------------------------------- sign-in


@pytest.mark.parametrize("url", ["/dang-nhap/", "/admin/login/"])
def test_twenty_wrong_passwords_then_the_right_one_is_refused(
    personas: Personas, client: Client, url: str
) -> None:
    user = personas.unit_admin if url.startswith("/admin") else personas.citizen
    if url.startswith("/admin"):
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    answers = [_login(client, user.username, WRONG, url=url).status_code for _ in range(20)]
    # The first failures are ordinary wrong-password pages; then the lockout.
    assert answers[:4] == [200] * 4
    assert set(answers[5:]) == {429}
    right = _login(client, user.username, PASSWORD, url=url)
    assert right.status_code == 429
    assert not _signed_in(client)
    text = right.content.decode()
    assert "tạm thời bị khóa" in text and "phút" in text
    assert int(right["Retry-After"]) == 30 * 60


def _locked_out_owner(username: str) -> Client:
    """Five wrong passwords for ``username`` from an attacker's address; the
    owner, from another address, is then refused with the right one."""
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        _login(attacker, username, WRONG)
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert _login(owner, username, PASSWORD).status_code == 429
    return owner


def test_lockout_per_account_holds_from_another_address(personas: Personas) -> None:
    owner = _locked_out_owner(personas.citizen.username)
    assert not _signed_in(owner)


def test_lockout_per_address_holds_for_another_account(personas: Personas) -> None:
    sprayer = Client(REMOTE_ADDR="203.0.113.8")
    for name in ("a1", "a2", "a3", "a4", "a5"):
        _login(sprayer, name, WRONG)
    assert _login(sprayer, personas.citizen.username, PASSWORD).status_code == 429
    elsewhere = Client(REMOTE_ADDR="198.51.100.21")
    assert _login(elsewhere, personas.citizen.username, PASSWORD).status_code == 302
    assert _signed_in(elsewhere)


def test_recovery_after_the_cool_off_period(personas: Personas, client: Client) -> None:
    for _ in range(5):
        _login(client, personas.citizen.username, WRONG)
    assert _login(client, personas.citizen.username, PASSWORD).status_code == 429
    # Move the failures 31 minutes into the past: the cool-off (30) is over.
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=31)
    )
    assert _login(client, personas.citizen.username, PASSWORD).status_code == 302
    assert _signed_in(client)


def test_an_operator_unlocks_an_account(personas: Personas) -> None:
    owner = _locked_out_owner(personas.citizen.username)
    call_command("axes_reset_username", personas.citizen.username)
    assert _login(owner, personas.citizen.username, PASSWORD).status_code == 302


def test_sign_ins_are_audited(personas: Personas, client: Client) -> None:
    _login(client, personas.citizen.username, WRONG)
    _login(client, personas.citizen.username, PASSWORD)
    failure = AccessFailureLog.objects.get()
    assert failure.username == personas.citizen.username
    assert failure.ip_address == "127.0.0.1"
    success = AccessLog.objects.get()
    assert success.username == personas.citizen.username
    # A success clears the failures of the account (no creeping lockout).
    assert not AccessAttempt.objects.filter(username=personas.citizen.username).exists()


def test_test_client_login_without_a_request_still_works(personas: Personas) -> None:
    client = Client()
    assert client.login(username=personas.citizen.username, password=PASSWORD)


# ---------------------------------------------------------------- tracking


def test_the_eleventh_guess_on_a_dossier_in_an_hour_is_refused(
    personas: Personas, portal_procedure: ConfiguredProcedure, clock: FakeClock
) -> None:
    d = filed(personas.citizen, portal_procedure)
    answers = []
    for i in range(11):
        # Each guess from its own address: the per-code limit holds anyway.
        c = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        answers.append(c.get("/tra-cuu/", {"ma": d.code, "so": f"{i:04d}"}))
    assert [a.status_code for a in answers[:10]] == [404] * 10
    refused = answers[10]
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.content.decode()
    assert 0 < int(refused["Retry-After"]) <= 3600
    # Even the right factor is refused until the window is over …
    right = Client(REMOTE_ADDR="198.51.100.1").get("/tra-cuu/", {"ma": d.code, "so": "0123"})
    assert right.status_code == 429
    # … and answered once it is.
    clock.now += int(refused["Retry-After"])
    ok = Client(REMOTE_ADDR="198.51.100.1").get("/tra-cuu/", {"ma": d.code, "so": "0123"})
    assert ok.status_code == 200


def test_one_address_cannot_walk_the_codes(
    personas: Personas, portal_procedure: ConfiguredProcedure, clock: FakeClock
) -> None:
    d = filed(personas.citizen, portal_procedure)
    prefix = d.code[:-4]
    c = Client(REMOTE_ADDR="203.0.113.50")
    statuses = [
        c.get("/tra-cuu/", {"ma": f"{prefix}{n:04d}", "so": "0000"}).status_code for n in range(31)
    ]
    assert statuses[:30] == [404] * 30
    assert statuses[30] == 429


def _address(n: int) -> str:
    return f"10.{n // 65536 % 256}.{n // 256 % 256}.{n % 256}"


def guesses_per_dossier_per_day(code: str) -> int:
    """Drive the tracking page as an attacker with unlimited addresses who
    retries the moment the limiter allows: how many guesses at one dossier's
    second factor get an answer (not 429) in one simulated day?"""
    start = throttling.clock()
    answered = 0
    address = 0
    while throttling.clock() < start + 86400:
        address += 1
        c = Client(
            REMOTE_ADDR=f"10.{address // 65536 % 256}.{address // 256 % 256}.{address % 256}"
        )
        resp = c.get("/tra-cuu/", {"ma": code, "so": f"{answered:04d}"})
        if resp.status_code == 429:
            now = throttling.clock()
            assert isinstance(throttling.clock, FakeClock)
            throttling.clock.now = now + int(resp["Retry-After"])
        else:
            assert resp.status_code == 404
            answered += 1
            throttling.clock.now += 1  # type: ignore[attr-defined]
    return answered


def test_guesses_an_attacker_gets_per_dossier_per_day(
    personas: Personas, portal_procedure: ConfiguredProcedure, clock: FakeClock
) -> None:
    """The figure in docs/developers/security.md: with the default rates
    (10/h and 20/d per dossier code) a dossier's 4-digit second factor gets
    20 guesses a day, from any number of addresses: 1 chance in 500 per day,
    on average 250 days to find it."""
    d = filed(personas.citizen, portal_procedure)
    per_day = min(
        r.count * math.ceil(86400 / r.seconds)
        for r in configured_rates("MOTCUA_THROTTLE_TRACK_CODE")
    )
    assert per_day == 20
    assert guesses_per_dossier_per_day(d.code) == per_day


# ---------------------------------------------------------------- submissions, uploads


def test_submissions_per_account_are_throttled(
    personas: Personas, portal_procedure: ConfiguredProcedure, client: Client, settings: Any
) -> None:
    settings.MOTCUA_THROTTLE_SUBMIT = "2/h"
    client.force_login(personas.citizen)
    draft = drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    url = f"/nop-ho-so/{portal_procedure.public_id}/nop/"
    for _ in range(2):
        assert client.post(url, {"draft": str(draft.public_id)}).status_code in (302, 422)
    refused = client.post(url, {"draft": str(draft.public_id)})
    assert refused.status_code == 429
    assert "Bạn đã thử quá nhiều lần" in refused.content.decode()
    assert refused["Retry-After"]


def test_uploads_per_account_are_throttled_in_place_with_htmx(
    personas: Personas, portal_procedure: ConfiguredProcedure, client: Client, settings: Any
) -> None:
    settings.MOTCUA_THROTTLE_UPLOAD = "1/h"
    client.force_login(personas.citizen)
    drafts.draft_start(user=personas.citizen, procedure=portal_procedure)
    comp = components(portal_procedure)[0]
    url = f"/nop-ho-so/{portal_procedure.public_id}/giay-to/{comp.pk}/"

    def upload(**headers: Any) -> Any:
        return client.post(url, {"file": SimpleUploadedFile("a.txt", b"not a pdf")}, **headers)

    upload(HTTP_HX_REQUEST="true")  # the first upload counts (refused for content)
    in_place = upload(HTTP_HX_REQUEST="true")
    assert in_place.status_code == 200
    assert "quá nhiều yêu cầu" in in_place.content.decode()
    assert upload().status_code == 429
