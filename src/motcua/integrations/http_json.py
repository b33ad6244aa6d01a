"""One JSON-over-HTTP POST for the gateway adapters (stdlib ``urllib``):
anything but a JSON object back is :class:`GatewayError`."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from motcua.payments.gateways import GatewayError


def post_json(url: str, message: Mapping[str, Any], *, timeout: float = 10) -> dict[str, Any]:
    if not url.startswith(("http://", "https://")):
        raise GatewayError(f"not an HTTP address: {url!r}")
    request = urllib.request.Request(  # noqa: S310  (scheme checked above)
        url,
        data=json.dumps(message, ensure_ascii=False).encode(),
        method="POST",
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            answer = json.loads(response.read())
    except (OSError, ValueError) as exc:
        raise GatewayError(f"{url}: {exc}") from exc
    if not isinstance(answer, dict):
        raise GatewayError(f"{url}: not an object")
    return answer
