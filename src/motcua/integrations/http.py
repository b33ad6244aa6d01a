"""One JSON POST over HTTP for the channel adapters (stdlib only), turning
every transport problem into a temporary :class:`SendResult`."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from motcua.integrations.channel import Outcome, SendResult


@dataclass(frozen=True)
class Answer:
    status: int = 0
    body: dict[str, Any] = field(default_factory=dict)
    #: Set when there is no usable answer (down, timeout, not JSON).
    failure: SendResult | None = None


def post_json(
    url: str, payload: Mapping[str, Any], *, headers: Mapping[str, str], timeout: float
) -> Answer:
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - configured http(s) address
        url,
        data=data,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read(1_000_000)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(1_000_000)
    except (OSError, ValueError) as exc:  # refused, reset, timeout, bad URL
        return Answer(failure=SendResult(Outcome.TEMPORARY, code="unreachable", detail=str(exc)))
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        if status >= 500 or status in (401, 403, 408, 429):
            return Answer(failure=SendResult(Outcome.TEMPORARY, code=f"http_{status}"))
        return Answer(
            failure=SendResult(
                Outcome.TEMPORARY, code="garbage", detail=raw[:200].decode("utf-8", "replace")
            )
        )
    return Answer(status=status, body=body)
