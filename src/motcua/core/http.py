"""Error answers in the right shape for where they are going: RFC 9457
problem+json for the API (``/api/``), a Vietnamese page for the portal and
the back office. Used by the input middleware and the project's error
handlers (``handler400`` … ``handler500``), and by the API's own handlers."""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template import loader

PROBLEM_CONTENT_TYPE = "application/problem+json"
API_PREFIX = "/api/"
CORRELATION_HEADER = "X-Correlation-ID"

logger = logging.getLogger("motcua.errors")

#: Title (problem+json) and page text (HTML) per status.
PAGES: dict[int, tuple[str, str]] = {
    400: ("Yêu cầu không hợp lệ", "Yêu cầu gửi lên không hợp lệ. Vui lòng kiểm tra lại."),
    403: ("Không có quyền", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy", "Trang bạn tìm không tồn tại hoặc bạn không có quyền xem."),
    413: (
        "Dữ liệu gửi lên quá lớn",
        "Dữ liệu gửi lên vượt quá giới hạn cho phép. Vui lòng giảm bớt nội dung hoặc tệp.",
    ),
    422: ("Dữ liệu gửi lên không hợp lệ", "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra lại."),
    500: (
        "Lỗi hệ thống",
        "Hệ thống đang gặp sự cố. Dữ liệu của bạn không bị mất. Vui lòng thử lại sau ít phút.",
    ),
    503: (
        "Dịch vụ tạm thời không khả dụng",
        "Hệ thống tạm thời không phục vụ được. Vui lòng thử lại sau ít phút.",
    ),
}

CODES = {400: "bad_request", 403: "forbidden", 404: "not_found", 413: "request_too_large"}
CODES |= {422: "invalid_input", 500: "server_error", 503: "service_unavailable"}


def is_api(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def problem_response(
    request: HttpRequest,
    *,
    status: int,
    code: str,
    title: str,
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    correlation_id: str = "",
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": f"https://motcua.example/problems/{code}",
        "title": title,
        "status": status,
        "code": code,
        # The path as received may hold what was refused (NUL, surrogates).
        "instance": request.path.encode("utf-8", "backslashreplace").decode("utf-8"),
    }
    if detail:
        body["detail"] = detail
    if errors:
        body["errors"] = errors
    if correlation_id:
        body["correlation_id"] = correlation_id
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    if correlation_id:
        response[CORRELATION_HEADER] = correlation_id
    return response


def page_response(
    request: HttpRequest, *, status: int, detail: str = "", correlation_id: str = ""
) -> HttpResponse:
    """A Vietnamese error page. 500 and 503 use a standalone template that
    needs neither the database nor the session."""
    heading, text = PAGES.get(status, PAGES[400])
    standalone = status >= 500
    template = "errors/standalone.html" if standalone else "errors/page.html"
    context = {
        "status": status,
        "heading": heading,
        "text": text,
        "detail": detail,
        "correlation_id": correlation_id,
    }
    html = loader.render_to_string(template, context, None if standalone else request)
    response = HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
    if correlation_id:
        response[CORRELATION_HEADER] = correlation_id
    return response


def error_response(
    request: HttpRequest,
    *,
    status: int,
    code: str = "",
    detail: str = "",
    errors: list[dict[str, Any]] | None = None,
    correlation_id: str = "",
) -> HttpResponse:
    """problem+json under ``/api/``, a page elsewhere."""
    if is_api(request):
        title = PAGES.get(status, PAGES[400])[0]
        return problem_response(
            request,
            status=status,
            code=code or CODES.get(status, "error"),
            title=title,
            detail=detail,
            errors=errors,
            correlation_id=correlation_id,
        )
    return page_response(request, status=status, detail=detail, correlation_id=correlation_id)


def new_correlation_id() -> str:
    return uuid.uuid4().hex


def is_unavailable(exc: BaseException) -> bool:
    """The database or the cache cannot be reached (answer 503, not 500)."""
    from django.db import InterfaceError, OperationalError

    if isinstance(exc, InterfaceError | OperationalError | ConnectionError):
        return True
    # A cache client's connection errors (redis-py's do not subclass the
    # built-in ConnectionError), recognised without importing the client.
    return any(
        cls.__module__.startswith("redis") and cls.__name__ in ("ConnectionError", "TimeoutError")
        for cls in type(exc).__mro__
    )


def failure_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The answer to an unexpected exception: 503 when a backing service is
    down, else 500; both logged with a correlation id that the answer
    carries (body and ``X-Correlation-ID``)."""
    correlation_id = new_correlation_id()
    unavailable = is_unavailable(exc)
    logger.error(
        "%s %s failed [correlation_id=%s]",
        request.method,
        request.path.encode("utf-8", "backslashreplace").decode(),
        correlation_id,
        exc_info=(type(exc), exc, exc.__traceback__),
        extra={"correlation_id": correlation_id},
    )
    return error_response(
        request, status=503 if unavailable else 500, correlation_id=correlation_id
    )
