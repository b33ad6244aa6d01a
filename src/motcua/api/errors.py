"""One error format for the whole API: RFC 9457 (problem+json) with a
stable machine code in ``code``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.core.errors import DomainError, NotFound, PermissionDenied
from motcua.core.http import PROBLEM_CONTENT_TYPE, problem_response
from motcua.core.throttling import Throttled

__all__ = ["PROBLEM_CONTENT_TYPE", "install", "problem"]


#: The API's problem+json builder (shared with the pages' error handlers).
problem = problem_response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(NinjaValidationError)
    def _validation(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
        errors = [
            {"field": ".".join(str(p) for p in e.get("loc", [])), "message": e.get("msg", "")}
            for e in exc.errors
        ]
        return problem(
            request,
            status=422,
            code="validation_error",
            title="Dữ liệu gửi lên không hợp lệ",
            errors=errors,
        )

    @api.exception_handler(AuthenticationError)
    def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, status=401, code="not_authenticated", title="Chưa đăng nhập")

    @api.exception_handler(NotFound)
    def _not_found(request: HttpRequest, exc: NotFound) -> HttpResponse:
        return problem(
            request, status=404, code=exc.code, title="Không tìm thấy", detail=exc.message
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return problem(
            request, status=403, code=exc.code, title="Không có quyền", detail=exc.message
        )

    @api.exception_handler(DomainError)
    def _domain(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return problem(
            request,
            status=exc.status,
            code=exc.code,
            title=exc.title,
            detail=exc.message,
            errors=exc.errors or None,
        )

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        response = problem(
            request,
            status=429,
            code=exc.code,
            title="Quá nhiều yêu cầu",
            detail=f"Vui lòng thử lại sau {exc.retry_after} giây.",
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(HttpError)
    def _http(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, DomainError):  # the body parser's refusal
            return _domain(request, exc.__cause__)
        return problem(request, status=exc.status_code, code="http_error", title=str(exc))
