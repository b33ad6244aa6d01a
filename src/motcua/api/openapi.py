"""What the committed OpenAPI document says beyond the success answers.

django-ninja documents the response each handler declares; the answers that
come from the layers around a handler (authentication, throttles, input
checks, the exception handlers of ``errors.py``) would otherwise be missing,
and a client — or schemathesis — would meet status codes the contract never
mentioned. This module adds them, once, from one table: each operation gets
the problem+json responses its shape allows (an operation with a path
parameter can answer 404, one that needs a token 401/403, one with a body
413 …) plus the ones its handler raises, listed in ``EXTRA``.
"""

from __future__ import annotations

from typing import Any

PROBLEM_CONTENT_TYPE = "application/problem+json"

PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "description": (
        "RFC 9457 problem details. `code` is stable and meant for programs; `title` and "
        "`detail` are Vietnamese text for people."
    ),
    "type": "object",
    "required": ["type", "title", "status", "code"],
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer", "minimum": 400, "maximum": 599},
        "code": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "detail": {"type": "string"},
        "instance": {"type": "string"},
        "correlation_id": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}},
            },
        },
    },
}

#: status → what it means; the stable codes are listed in the API docs page.
DESCRIPTIONS: dict[int, str] = {
    400: "Malformed request: control characters, invalid Unicode, an unusable parameter.",
    401: "No valid credentials (`not_authenticated`).",
    403: "Authenticated, but not allowed (`forbidden`, `insufficient_scope`, role codes).",
    404: "Not found, or not visible to the caller: the two are answered alike.",
    405: "Method not allowed on this path.",
    409: "Conflict: a stale `expected_version` or an Idempotency-Key reused with another body.",
    413: "The request body is larger than the configured limit (`payload_too_large`).",
    414: "The request line is longer than the web server accepts (answered by the server).",
    422: "The request is well-formed but invalid (`validation_error` and domain codes).",
    429: "Too many requests (`throttled`); retry after `Retry-After` seconds.",
    500: "Unexpected server error (`server_error`), with a `correlation_id` that is logged.",
    503: "A dependency (database, cache) is unavailable (`service_unavailable`).",
}

#: Answers every operation can give.
COMMON = frozenset({400, 422, 429, 500, 503})

#: Statuses raised by particular handlers, beyond what their shape implies.
#: Keyed by "METHOD /path" as it appears in the document.
EXTRA: dict[str, frozenset[int]] = {
    "POST /api/v1/dossiers": frozenset({404, 409}),
    "POST /api/v1/dossiers/{code}/actions/{action}": frozenset({409}),
}

_METHODS = ("get", "put", "post", "patch", "delete")


def _statuses(method: str, path: str, operation: dict[str, Any]) -> set[int]:
    statuses = set(COMMON)
    if operation.get("security"):
        statuses |= {401, 403}
    params = operation.get("parameters", [])
    if any(p.get("in") == "path" for p in params):
        statuses.add(404)
    if params:
        statuses.add(414)
    if "requestBody" in operation:
        statuses.add(413)
    statuses |= EXTRA.get(f"{method.upper()} {path}", frozenset())
    return statuses


def _response(status: int) -> dict[str, Any]:
    if status == 414:
        # Answered by gunicorn (or the proxy) before the application runs.
        return {"description": DESCRIPTIONS[status], "content": {"text/html": {"schema": {}}}}
    response: dict[str, Any] = {
        "description": DESCRIPTIONS[status],
        "content": {PROBLEM_CONTENT_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }
    if status in (429, 503):
        response["headers"] = {
            "Retry-After": {
                "description": "Seconds to wait before trying again.",
                "schema": {"type": "integer", "minimum": 0},
            }
        }
    return response


def document_problems(schema: dict[str, Any]) -> dict[str, Any]:
    """Add the problem+json responses to every operation of ``schema`` (in place)."""
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for status in sorted(_statuses(method, path, operation)):
                if status not in responses and str(status) not in responses:
                    responses[status] = _response(status)
    return schema
