"""A sweep over every operation of the API (enumerated from its OpenAPI
schema) and every parameter it declares: NUL, control characters, lone
surrogates and integers beyond 64 bits are refused with a 4xx problem+json,
never a 500. Run on SQLite and PostgreSQL (``DATABASE_URL``)."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from motcua.accounts.services import api_token_issue
from motcua.api.api import api
from motcua.testing import Personas

HUGE = "9" * 30
#: (label, value as sent in a URL, value as a JSON string escape)
BAD_TEXT = [
    ("nul", "%00", "a\\u0000b"),
    ("escape", "%1B", "a\\u001bb"),
    ("surrogate", "%ED%A0%80", "a\\ud800b"),
]


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return [
        (method.upper(), path, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = schema["components"]["schemas"][name]
    return node


OPERATIONS = _operations()
SCHEMA = api.get_openapi_schema(path_prefix="/api/v1")


def _cases() -> list[Any]:
    cases = []
    for method, path, operation in OPERATIONS:
        params = [p for p in operation.get("parameters", []) if p["in"] in ("path", "query")]
        for param in params:
            for label, url_value, _json in BAD_TEXT:
                cases.append(
                    pytest.param(
                        method,
                        path,
                        param,
                        url_value,
                        id=f"{method} {path} {param['name']} {label}",
                    )
                )
            cases.append(
                pytest.param(method, path, param, HUGE, id=f"{method} {path} {param['name']} huge")
            )
    return cases


def _json_cases() -> list[Any]:
    cases = []
    for method, path, operation in OPERATIONS:
        content = operation.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        body = _resolve(SCHEMA, content["application/json"]["schema"])
        for name in body.get("properties", {}):
            for label, _url, escaped in BAD_TEXT:
                cases.append(
                    pytest.param(
                        method, path, name, f'"{escaped}"', id=f"{method} {path} {name} {label}"
                    )
                )
            cases.append(pytest.param(method, path, name, HUGE, id=f"{method} {path} {name} huge"))
    return cases


def _url(path: str, operation_params: list[dict[str, Any]], target: str, value: str) -> str:
    url = path
    query = []
    for param in operation_params:
        name = param["name"]
        raw = value if name == target else quote("x")
        if param["in"] == "path":
            url = url.replace("{" + name + "}", raw)
        elif param["in"] == "query" and (name == target or param.get("required")):
            query.append(f"{name}={raw}")
    return url + ("?" + "&".join(query) if query else "")


@pytest.fixture
def token(personas: Personas) -> str:
    _row, raw = api_token_issue(user=personas.officer, name="sweep")
    return raw


def _assert_refused_or_answered(response: Any, *, must_refuse: bool) -> None:
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if must_refuse:
        assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"].startswith("application/problem+json"), response.content[
            :300
        ]
        body = json.loads(response.content)
        assert body["code"] and body["status"] == response.status_code


def test_the_sweep_covers_every_operation() -> None:
    assert len(OPERATIONS) >= 15
    assert len(_cases()) > 4 * len(OPERATIONS)
    assert _json_cases()


@pytest.mark.parametrize(("method", "path", "param", "value"), _cases())
def test_bad_parameter_is_refused_not_a_crash(
    client: Client, token: str, method: str, path: str, param: dict[str, Any], value: str
) -> None:
    operation = SCHEMA["paths"][path][method.lower()]
    url = _url(path, operation.get("parameters", []), param["name"], value)
    response = client.generic(
        method,
        url,
        data="{}" if method == "POST" else "",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    # Text and control characters are refused; a huge number may be a
    # legitimate string value (a search term), but it never crashes.
    _assert_refused_or_answered(
        response, must_refuse=value != HUGE or param.get("schema", {}).get("type") == "integer"
    )


@pytest.mark.parametrize(("method", "path", "field", "raw"), _json_cases())
def test_bad_json_field_is_refused_not_a_crash(
    client: Client, token: str, method: str, path: str, field: str, raw: str
) -> None:
    operation = SCHEMA["paths"][path][method.lower()]
    url = _url(path, operation.get("parameters", []), "", "")
    response = client.generic(
        method,
        url,
        data=f'{{"{field}": {raw}}}',
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    _assert_refused_or_answered(response, must_refuse=True)
