"""The SMS adapter against the gateway sandbox over a real socket: each
answer of the gateway becomes accepted, temporary or permanent."""

from __future__ import annotations

import json
import urllib.request

from motcua.integrations.channel import Outcome, Outgoing
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.sms.client import SmsGatewayChannel
from motcua.integrations.testing import closed_port


def _client(sandbox: HttpSandbox, key: str = "khoa-thu") -> SmsGatewayChannel:
    return SmsGatewayChannel(url=sandbox.url, api_key=key, timeout=5)


def _sms(ref: str = "r1", to: str = "0912345678") -> Outgoing:
    return Outgoing(reference=ref, address=to, subject="", text="Hồ sơ H1 đã có kết quả")


def test_delivered_and_deduplicated_on_the_reference(sms_sandbox: HttpSandbox) -> None:
    first = _client(sms_sandbox).send(_sms())
    again = _client(sms_sandbox).send(_sms())
    assert first.outcome == Outcome.ACCEPTED and first.provider_id.startswith("sms-")
    assert again.provider_id == first.provider_id
    [kept] = sms_sandbox.accepted()
    assert kept.address == "0912345678" and "kết quả" in kept.text


def test_5xx_is_temporary_then_works(sms_sandbox: HttpSandbox) -> None:
    sms_sandbox.fail("error", times=1)
    assert _client(sms_sandbox).send(_sms()).outcome == Outcome.TEMPORARY
    assert _client(sms_sandbox).send(_sms()).outcome == Outcome.ACCEPTED


def test_garbage_answer_is_temporary(sms_sandbox: HttpSandbox) -> None:
    sms_sandbox.fail("garbage")
    result = _client(sms_sandbox).send(_sms())
    assert (result.outcome, result.code) == (Outcome.TEMPORARY, "garbage")
    assert sms_sandbox.accepted() == []


def test_dropped_connection_and_down_are_temporary(sms_sandbox: HttpSandbox) -> None:
    sms_sandbox.fail("drop")
    assert _client(sms_sandbox).send(_sms()).code == "unreachable"
    down = SmsGatewayChannel(url=f"http://127.0.0.1:{closed_port()}", api_key="k", timeout=2)
    assert down.send(_sms()).outcome == Outcome.TEMPORARY


def test_rejected_number_is_permanent(sms_sandbox: HttpSandbox) -> None:
    result = _client(sms_sandbox).send(_sms(to="0900000400"))
    assert (result.outcome, result.code) == (Outcome.PERMANENT, "INVALID_NUMBER")
    result = _client(sms_sandbox).send(_sms(to="khong-phai-so"))
    assert result.outcome == Outcome.PERMANENT


def test_wrong_key_is_temporary_not_a_loss(sms_sandbox: HttpSandbox) -> None:
    result = _client(sms_sandbox, key="sai").send(_sms())
    assert (result.outcome, result.code) == (Outcome.TEMPORARY, "http_401")


def test_control_endpoint_switches_modes(sms_sandbox: HttpSandbox) -> None:
    request = urllib.request.Request(  # noqa: S310 - local sandbox
        f"{sms_sandbox.url}/_control",
        data=json.dumps({"mode": "reject", "times": 1}).encode(),
        method="POST",
    )
    with urllib.request.urlopen(request) as response:  # noqa: S310 - local sandbox
        assert response.status == 200
    assert _client(sms_sandbox).send(_sms()).outcome == Outcome.PERMANENT
    assert _client(sms_sandbox).send(_sms()).outcome == Outcome.ACCEPTED
    with urllib.request.urlopen(f"{sms_sandbox.url}/messages") as response:  # noqa: S310
        assert len(json.loads(response.read())["messages"]) == 1
