"""A local Zalo ZNS sandbox speaking the ZNS HTTP protocol:

``POST /message/template`` with the header ``access_token`` and the JSON
body ``{"phone": "84912345678", "template_id": "…", "template_data": {…},
"tracking_id": "…"}``. ZNS always answers HTTP 200; the outcome is in
``error``: ``0`` with ``data.msg_id`` (sent), ``-124`` (access token
invalid), ``-118`` (not a Zalo user), ``-108`` (phone invalid), ``-100``
(bad request). The same ``tracking_id`` twice is one message.

Test recipients: ``84900000118`` is not a Zalo user, ``84900000503``
always gets a 503."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from motcua.integrations.httpsandbox import Accepted, HttpSandbox, Reply, json_reply

_PHONE = re.compile(r"^84\d{9,10}$")


class ZaloSandbox(HttpSandbox):
    path = "/message/template"
    label = "zns"
    title = "Zalo ZNS thử nghiệm"

    def parse(self, body: Mapping[str, Any]) -> tuple[str, str, str, str]:
        phone, template, data = (
            body.get("phone"),
            body.get("template_id"),
            body.get("template_data"),
        )
        if (
            not isinstance(phone, str)
            or not isinstance(template, str)
            or not isinstance(data, dict)
        ):
            raise ValueError("phone, template_id and template_data are required")
        if not _PHONE.match(phone):
            raise ValueError("invalid phone")
        text = "; ".join(f"{k}={v}" for k, v in data.items())
        return str(body.get("tracking_id") or ""), phone, text, template

    def check_auth(self, headers: Mapping[str, str]) -> bool:
        given = {k.lower(): v for k, v in headers.items()}.get("access_token", "")
        return not self.secret or given == self.secret

    def unauthorised_reply(self) -> Reply:
        return json_reply(200, {"error": -124, "message": "Access token is invalid"})

    def named_failure(self, address: str) -> str:
        if address == "84900000118":
            return "reject"
        return "error" if address == "84900000503" else ""

    def accepted_reply(self, message: Accepted) -> Reply:
        data = {"msg_id": message.provider_id, "sent_time": "0"}
        return json_reply(200, {"error": 0, "message": "Success", "data": data})

    def reject_reply(self, reason: str) -> Reply:
        if reason == "malformed: invalid phone":
            return json_reply(200, {"error": -108, "message": "Phone number is invalid"})
        if reason.startswith("malformed"):
            return json_reply(200, {"error": -100, "message": reason})
        return json_reply(200, {"error": -118, "message": "Zalo account not existed"})
