"""Refuse malformed input at the door, for every page and API operation
alike: a body over its limit (413), and NUL, other control characters or
lone surrogates in the path, the query, the headers, the cookies or a
submitted form (400), too many form fields or files (413). Accepted text of
the query and of forms is normalised to NFC. JSON bodies are checked by the
API's parser (:mod:`motcua.api.parser`), which uses the same rules."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from urllib.parse import unquote_to_bytes

from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.multipartparser import MultiPartParserError

from motcua.core.http import error_response
from motcua.core.limits import InputRejected, limits, safe_field, text_problem

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Headers whose values are free text a client sets (checked for controls).
_SKIP_HEADERS = frozenset({"HTTP_COOKIE"})
#: Header values arrive decoded as Latin-1, so bytes of UTF-8 text may look
#: like C1 controls: only C0 controls (tab excepted) and DEL are refused.
_HEADER_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")


class InputMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            self._check(request)
        except InputRejected as exc:
            return error_response(
                request,
                status=exc.status,
                code=exc.code,
                detail=exc.message,
                errors=exc.errors or None,
            )
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        lim = limits()
        self._check_size(request, lim.body_bytes, lim.upload_body_bytes)
        _check_raw_utf8(request)
        _checked(request.path_info, "path", max_length=lim.param_length * 2, multiline=False)
        for name, value in request.META.items():
            if (
                name.startswith("HTTP_")
                and name not in _SKIP_HEADERS
                and isinstance(value, str)
                and _HEADER_CONTROL.search(value)
            ):
                raise InputRejected(
                    "Tiêu đề yêu cầu chứa ký tự không hợp lệ.",
                    code="invalid_header",
                    status=400,
                    field=name[5:].replace("_", "-").title(),
                )
        for name, value in request.COOKIES.items():
            if text_problem(name, multiline=False) or text_problem(value, multiline=False):
                raise InputRejected(
                    "Cookie chứa ký tự không hợp lệ.", code="invalid_cookie", status=400
                )
        # Django's stubs type these as immutable query dicts; ours are too.
        request.GET = _cleaned(  # type: ignore[assignment]
            request.GET, max_length=lim.param_length, multiline=False
        )
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH") and content_type in _FORM_TYPES:
            request.POST = _cleaned(  # type: ignore[assignment]
                _parsed_post(request), max_length=lim.string_length, multiline=True
            )
            for field, files in request.FILES.lists():
                for uploaded in files:
                    _checked(uploaded.name or "", field, max_length=255, multiline=False)

    @staticmethod
    def _check_size(request: HttpRequest, body_bytes: int, upload_bytes: int) -> None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            raise InputRejected(
                "Độ dài nội dung không hợp lệ.", code="invalid_content_length", status=400
            ) from None
        allowed = upload_bytes if request.content_type == "multipart/form-data" else body_bytes
        if length > allowed:
            raise InputRejected(
                f"Dữ liệu gửi lên quá lớn (tối đa {allowed} byte).",
                code="request_too_large",
                status=413,
            )


def _check_raw_utf8(request: HttpRequest) -> None:
    """Django replaces bytes that are not UTF-8 (a lone surrogate's
    encoding among them): in the query by U+FFFD, in the path by their
    percent-encoding. Refuse them instead."""
    for name, raw in (("path", request.path_info), ("query", request.META.get("QUERY_STRING"))):
        if not isinstance(raw, str) or "%" not in raw:
            continue
        try:
            unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
        except UnicodeDecodeError:
            raise InputRejected(
                "Địa chỉ chứa ký tự Unicode không hợp lệ.",
                code="invalid_unicode",
                status=400,
                field=name,
            ) from None


def _parsed_post(request: HttpRequest) -> QueryDict:
    try:
        return request.POST
    except TooManyFieldsSent:
        code, message = "too_many_fields", "Biểu mẫu có quá nhiều trường."
    except TooManyFilesSent:
        code, message = "too_many_files", "Gửi quá nhiều tệp trong một lần."
    except RequestDataTooBig:
        code, message = "request_too_large", "Dữ liệu gửi lên quá lớn."
    except (MultiPartParserError, UnicodeDecodeError):
        raise InputRejected(
            "Biểu mẫu gửi lên không hợp lệ.", code="invalid_form", status=400
        ) from None
    raise InputRejected(message, code=code, status=413)


def _cleaned(data: QueryDict, *, max_length: int, multiline: bool) -> QueryDict:
    """``data`` checked (400 on a bad character, 422 when too long), in NFC.
    The same object when nothing changes."""
    changed = False
    items: list[tuple[str, list[str]]] = []
    for key, values in data.lists():
        name = _checked(key, key, max_length=200, multiline=False)
        cleaned = [_checked(v, key, max_length=max_length, multiline=multiline) for v in values]
        changed = changed or name != key or cleaned != values
        items.append((name, cleaned))
    if not changed:
        return data
    result = QueryDict(mutable=True)
    for name, values in items:
        result.setlist(name, values)
    result._mutable = False
    return result


def _checked(value: str, field: str, *, max_length: int, multiline: bool) -> str:
    code = text_problem(value, multiline=multiline)
    if code is not None:
        raise InputRejected(
            "Dữ liệu chứa ký tự không hợp lệ.", code=code, status=400, field=safe_field(field)
        )
    normal = unicodedata.normalize("NFC", value)
    if len(normal) > max_length:
        raise InputRejected(
            f"Nội dung quá dài (tối đa {max_length} ký tự).",
            code="string_too_long",
            status=422,
            field=safe_field(field),
        )
    return normal
