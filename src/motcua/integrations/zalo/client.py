"""The Zalo ZNS channel: one template message per call.

ZNS errors differ in kind (integration-lessons.md §15): an invalid or
expired access token and a quota exceeded are temporary (retried with
backoff, never a storm); not a Zalo user, an invalid phone, a template not
approved or invalid data are permanent (no retry; the notifier falls back
to SMS for "not a Zalo user" and an invalid phone)."""

from __future__ import annotations

from motcua.integrations.channel import Outcome, Outgoing, SendResult
from motcua.integrations.http import post_json

#: ZNS error codes -> our stable codes; absent codes are temporary.
PERMANENT = {
    -100: "invalid_request",
    -108: "invalid_phone",
    -118: "not_zalo_user",
    -131: "template_not_approved",
    -133: "invalid_template_data",
}
TEMPORARY = {-124: "token_invalid", -144: "quota_exceeded"}
#: Permanent refusals after which the same message may go by SMS.
FALL_BACK_TO_SMS = frozenset({"not_zalo_user", "invalid_phone"})


def zalo_phone(phone: str) -> str:
    """``0912345678`` / ``+84912345678`` -> ``84912345678``."""
    digits = "".join(c for c in phone if c.isdigit())
    return "84" + digits[1:] if digits.startswith("0") else digits


class ZaloZnsChannel:
    name = "zalo"

    def __init__(self, *, url: str, access_token: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/") + "/message/template"
        self.access_token = access_token
        self.timeout = timeout

    def send(self, message: Outgoing) -> SendResult:
        answer = post_json(
            self.url,
            {
                "phone": zalo_phone(message.address),
                "template_id": message.template_id,
                "template_data": dict(message.data),
                "tracking_id": message.reference,
            },
            headers={"access_token": self.access_token},
            timeout=self.timeout,
        )
        if answer.failure is not None:
            return answer.failure
        if answer.status != 200:
            return SendResult(Outcome.TEMPORARY, code=f"http_{answer.status}")
        error, data = answer.body.get("error"), answer.body.get("data")
        if error == 0 and isinstance(data, dict) and isinstance(data.get("msg_id"), str):
            return SendResult(Outcome.ACCEPTED, provider_id=data["msg_id"])
        detail = str(answer.body.get("message", ""))
        if isinstance(error, int) and error in PERMANENT:
            return SendResult(Outcome.PERMANENT, code=PERMANENT[error], detail=detail)
        if isinstance(error, int) and error in TEMPORARY:
            return SendResult(Outcome.TEMPORARY, code=TEMPORARY[error], detail=detail)
        return SendResult(Outcome.TEMPORARY, code="garbage", detail=detail[:200])
