"""A local SMS gateway sandbox speaking the gateway's HTTP protocol:

``POST /v1/sms`` with ``Authorization: Bearer <key>`` and the JSON body
``{"to": "0912345678", "text": "…", "client_ref": "…"}`` answers
``200 {"status": "queued", "message_id": "sms-000001"}``; a permanent
refusal is ``400 {"status": "rejected", "error_code": "INVALID_NUMBER"}``.
The same ``client_ref`` twice is one message (the same ``message_id``).

Test recipients: ``0900000503`` always gets a 503, ``0900000400`` is always
refused. See :mod:`motcua.integrations.httpsandbox` for the failure modes."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from motcua.integrations.httpsandbox import Accepted, HttpSandbox, Reply, json_reply

_PHONE = re.compile(r"^(0|\+?84)\d{9,10}$")


class SmsSandbox(HttpSandbox):
    path = "/v1/sms"
    label = "sms"
    title = "Cổng tin nhắn SMS thử nghiệm"

    def parse(self, body: Mapping[str, Any]) -> tuple[str, str, str, str]:
        to, text = body.get("to"), body.get("text")
        if not isinstance(to, str) or not isinstance(text, str) or not text:
            raise ValueError("to and text are required")
        if not _PHONE.match(to):
            return str(body.get("client_ref") or ""), "", text, ""
        return str(body.get("client_ref") or ""), to, text, ""

    def named_failure(self, address: str) -> str:
        if not address or address == "0900000400":
            return "reject"
        return "error" if address == "0900000503" else ""

    def check_auth(self, headers: Mapping[str, str]) -> bool:
        if not self.secret:
            return True
        given = {k.lower(): v for k, v in headers.items()}.get("authorization", "")
        return given == f"Bearer {self.secret}"

    def accepted_reply(self, message: Accepted) -> Reply:
        return json_reply(200, {"status": "queued", "message_id": message.provider_id})

    def reject_reply(self, reason: str) -> Reply:
        code = "MALFORMED" if reason.startswith("malformed") else "INVALID_NUMBER"
        return json_reply(400, {"status": "rejected", "error_code": code, "message": reason})
