"""The API's request parser: JSON bodies bounded and clean (size, keys,
depth, string length; no NUL, control characters or lone surrogates; text
in NFC) by :mod:`motcua.core.limits`, before any schema or database sees
them. Query parameters and forms are checked by the input middleware."""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpRequest
from ninja.parser import Parser

from motcua.core.limits import parse_json_body


class CheckedParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        # ninja wraps any error here in HttpError(400); the API's HttpError
        # handler answers with the InputRejected it carries as its cause.
        return cast(dict[str, Any], parse_json_body(request.body))
