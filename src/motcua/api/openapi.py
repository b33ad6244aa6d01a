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

from django.conf import settings

from motcua.core.http import PROBLEM_CONTENT_TYPE
from motcua.core.limits import FIELD_NAME_MAX_LENGTH

#: What the input checks (core/limits.py, core/middleware.py) refuse, as JSON
#: Schema patterns: control characters (single-line values: all but tab;
#: body text: all but tab, line feed and carriage return). Lone surrogates are
#: refused too, but are not text in JSON Schema's sense (they cannot be
#: encoded in UTF-8), so the patterns do not name them.
LINE_PATTERN = "^[^\\u0000-\\u0008\\u000a-\\u001f\\u007f-\\u009f]*$"
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f]*$"

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
    "GET /api/v1/payments/dossiers/{code}/obligations": frozenset({404}),
    "POST /api/v1/payments/obligations/{obligation}/payments": frozenset({403, 404, 503}),
    "GET /api/v1/payments/{reference}": frozenset({404}),
    "POST /api/v1/delivery/dossiers/{code}/orders": frozenset({404, 409}),
    "PUT /api/v1/delivery/dossiers/{code}/request": frozenset({404}),
    "POST /api/v1/feedback/ratings/{code}": frozenset({404, 409}),
    "PUT /api/v1/feedback/ratings/{code}": frozenset({404}),
    "POST /api/v1/feedback/items": frozenset({404}),  # the unit, procedure or dossier
    "POST /api/v1/feedback/items/{item_id}/answer": frozenset({404, 409}),
}

_METHODS = ("get", "put", "post", "patch", "delete")

#: A moment as the calendar endpoints take it: ISO 8601 or "YYYY-MM-DD HH:MM"
#: (local time), in the calendar's years 1990–2199.
MOMENT_PATTERN = (
    "^(199[0-9]|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    "([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{1,6})?)?"
    "(Z|[+-]([01][0-9]|1[0-4]):[0-5][0-9])?)?$"
)

#: Constraints a handler enforces on a parameter that its signature cannot
#: state, keyed by ("METHOD /path", parameter name).
PARAMETER_RULES: dict[tuple[str, str], dict[str, Any]] = {
    ("GET /api/v1/calendar/days-off", "year"): {"minimum": 1990, "maximum": 2199},
    ("GET /api/v1/calendar/due", "start"): {"pattern": MOMENT_PATTERN},
    ("GET /api/v1/calendar/due", "days"): {"type": "number", "minimum": 0, "maximum": 3650},
    ("GET /api/v1/calendar/working-time", "at"): {"pattern": MOMENT_PATTERN},
    ("GET /api/v1/catalog/procedures/{code}/estimate", "at"): {
        "type": "string",
        "pattern": MOMENT_PATTERN,
    },
}

#: JSON integers the parser accepts (64-bit signed).
INT64 = {"minimum": -(2**63), "maximum": 2**63 - 1}


def _free_value_schema() -> dict[str, Any]:
    """What a free-form JSON value (form data, extras) may hold at its top:
    text without control characters, 64-bit numbers, plain keys. Deeper
    levels are limited by depth, key count and size over the whole document
    (docs/developers/input-limits.md), which JSON Schema cannot state per
    value — and a recursive schema here breaks the fuzzers' generators."""
    return {
        "title": "FreeValue",
        "description": (
            "A JSON value: text without control characters (tab and line breaks allowed), "
            "numbers within 64 bits, objects whose keys are plain text. Depth, key count and "
            "size are limited over the whole body (see the input limits)."
        ),
        "anyOf": [
            {"type": "string", "pattern": TEXT_PATTERN},
            {"type": "number", **INT64},
            {"type": "boolean"},
            {"type": "null"},
            {"type": "array"},
            {"type": "object", "propertyNames": {"pattern": TEXT_PATTERN}},
        ],
    }


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


def _constrain_string(node: dict[str, Any], *, pattern: str, max_length: int) -> None:
    """State the character rule and the length limit on a string schema that
    has no stricter shape of its own (enum, format, pattern)."""
    if node.get("type") == "string" and not ({"enum", "format", "pattern", "const"} & node.keys()):
        node["pattern"] = pattern
        node["maxLength"] = min(node.get("maxLength", max_length), max_length)
    if node.get("type") == "object":
        node.setdefault("propertyNames", {"pattern": pattern, "maxLength": max_length})
        if node.get("additionalProperties", True) is True:  # extras are parsed too
            node["additionalProperties"] = {"$ref": "#/components/schemas/FreeValue"}
    if node.get("type") == "integer":
        node.setdefault("minimum", INT64["minimum"])
        node.setdefault("maximum", INT64["maximum"])
    for key in ("anyOf", "oneOf", "allOf"):
        for branch in node.get(key, []):
            _constrain_string(branch, pattern=pattern, max_length=max_length)
    if isinstance(node.get("items"), dict):
        _constrain_string(node["items"], pattern=pattern, max_length=max_length)
    for child in node.get("properties", {}).values():
        _constrain_string(child, pattern=pattern, max_length=max_length)
    extra = node.get("additionalProperties")
    if isinstance(extra, dict):
        _constrain_string(extra, pattern=pattern, max_length=max_length)


def _request_schemas(schema: dict[str, Any]) -> set[str]:
    """Names of the component schemas reachable from a request body."""
    components = schema.get("components", {}).get("schemas", {})
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            ref = node.get("$ref", "")
            if ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[1]
                if name not in found:
                    found.add(name)
                    walk(components.get(name, {}))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for item in schema.get("paths", {}).values():
        for method in _METHODS:
            if method in item:
                walk(item[method].get("requestBody", {}))
    return found


def document_input_rules(schema: dict[str, Any]) -> dict[str, Any]:
    """State the input checks in the document: every free string parameter
    and every free string of a request body gets the character rule and the
    configured length limit."""
    for path, item in schema.get("paths", {}).items():
        for method in _METHODS:
            for param in item.get(method, {}).get("parameters", []):
                rule = PARAMETER_RULES.get((f"{method.upper()} {path}", param["name"]))
                if rule is not None and "type" in rule:  # replaces a loose union
                    param["schema"] = {"title": param["schema"].get("title", ""), **rule}
                elif rule is not None:
                    param["schema"].update(rule)
                if "schema" in param:
                    _constrain_string(
                        param["schema"],
                        pattern=LINE_PATTERN,
                        max_length=settings.MOTCUA_MAX_PARAM_LENGTH,
                    )
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    for name in _request_schemas(schema):
        _constrain_string(
            components[name], pattern=TEXT_PATTERN, max_length=settings.MOTCUA_MAX_STRING_LENGTH
        )
    for item in schema.get("paths", {}).values():  # inline bodies (multipart forms)
        for method in _METHODS:
            content = item.get(method, {}).get("requestBody", {}).get("content", {})
            for media in content.values():
                if "$ref" not in media.get("schema", {"$ref": ""}):
                    _constrain_string(
                        media["schema"],
                        pattern=TEXT_PATTERN,
                        max_length=settings.MOTCUA_MAX_STRING_LENGTH,
                    )
                    # Form fields beyond the declared ones are text (no JSON types
                    # in a multipart body: a "number" is its digits).
                    media["schema"]["propertyNames"] = {
                        "pattern": LINE_PATTERN,
                        "maxLength": FIELD_NAME_MAX_LENGTH,
                    }
                    media["schema"]["additionalProperties"] = {
                        "pattern": TEXT_PATTERN,
                        "maxLength": settings.MOTCUA_MAX_STRING_LENGTH,
                    }
    components["FreeValue"] = _free_value_schema()
    return schema


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
