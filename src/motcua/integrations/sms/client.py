"""The SMS channel: one HTTP call to the gateway per message."""

from __future__ import annotations

from motcua.integrations.channel import Outcome, Outgoing, SendResult
from motcua.integrations.http import post_json


class SmsGatewayChannel:
    name = "sms"

    def __init__(self, *, url: str, api_key: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/v1/sms"
        self.api_key = api_key
        self.timeout = timeout

    def send(self, message: Outgoing) -> SendResult:
        answer = post_json(
            self.url,
            {"to": message.address, "text": message.text, "client_ref": message.reference},
            headers={"Authorization": f"Bearer {self.api_key}"},
            timeout=self.timeout,
        )
        if answer.failure is not None:
            return answer.failure
        body = answer.body
        if answer.status == 200 and isinstance(body.get("message_id"), str):
            return SendResult(Outcome.ACCEPTED, provider_id=body["message_id"])
        if answer.status == 200:
            return SendResult(Outcome.TEMPORARY, code="garbage", detail="no message_id")
        if 400 <= answer.status < 500 and answer.status not in (401, 403, 408, 429):
            code = str(body.get("error_code") or f"http_{answer.status}")
            return SendResult(Outcome.PERMANENT, code=code, detail=str(body.get("message", "")))
        return SendResult(Outcome.TEMPORARY, code=f"http_{answer.status}")
