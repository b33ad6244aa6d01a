"""The Zalo ZNS adapter against its sandbox over a real socket: ZNS error
codes split into temporary and permanent."""

from __future__ import annotations

from motcua.integrations.channel import Outcome, Outgoing
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.zalo.client import ZaloZnsChannel, zalo_phone


def _client(sandbox: HttpSandbox, token: str = "ma-truy-cap") -> ZaloZnsChannel:  # noqa: S107
    return ZaloZnsChannel(url=sandbox.url, access_token=token, timeout=5)


def _zns(phone: str = "0912345678", ref: str = "z1") -> Outgoing:
    return Outgoing(
        reference=ref,
        address=phone,
        subject="",
        text="",
        template_id="300006",
        data={"code": "H1", "link": "http://x/"},
    )


def test_phone_is_sent_in_84_form() -> None:
    assert zalo_phone("0912345678") == zalo_phone("+84 912 345 678") == "84912345678"


def test_delivered_once_per_tracking_id(zalo_sandbox: HttpSandbox) -> None:
    first = _client(zalo_sandbox).send(_zns())
    second = _client(zalo_sandbox).send(_zns())
    assert first.outcome == Outcome.ACCEPTED and first.provider_id == second.provider_id
    [kept] = zalo_sandbox.accepted()
    assert (kept.address, kept.template_id) == ("84912345678", "300006")
    assert "code=H1" in kept.text


def test_not_a_zalo_user_is_permanent(zalo_sandbox: HttpSandbox) -> None:
    result = _client(zalo_sandbox).send(_zns("0900000118"))
    assert (result.outcome, result.code) == (Outcome.PERMANENT, "not_zalo_user")


def test_invalid_phone_is_permanent(zalo_sandbox: HttpSandbox) -> None:
    result = _client(zalo_sandbox).send(_zns("12"))
    assert (result.outcome, result.code) == (Outcome.PERMANENT, "invalid_phone")


def test_invalid_token_is_temporary(zalo_sandbox: HttpSandbox) -> None:
    result = _client(zalo_sandbox, token="het-han").send(_zns())
    assert (result.outcome, result.code) == (Outcome.TEMPORARY, "token_invalid")


def test_garbage_and_5xx_are_temporary(zalo_sandbox: HttpSandbox) -> None:
    zalo_sandbox.fail("garbage", times=1)
    assert _client(zalo_sandbox).send(_zns()).code == "garbage"
    zalo_sandbox.fail("error", times=1)
    assert _client(zalo_sandbox).send(_zns()).code == "http_503"
    assert _client(zalo_sandbox).send(_zns()).outcome == Outcome.ACCEPTED
