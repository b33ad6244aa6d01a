"""The API's answers to what no domain handler covers, so that every failure
is problem+json: Django's 404/403/400 exceptions, and anything unexpected
(500 with a correlation id, logged and sent as ``X-Correlation-ID``; 503
``service_unavailable`` when the database or the cache is unreachable)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI

from motcua.core.http import error_response, failure_response


def install(api: NinjaAPI) -> None:
    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(request, status=404)

    @api.exception_handler(DjangoPermissionDenied)
    def _forbidden(request: HttpRequest, exc: DjangoPermissionDenied) -> HttpResponse:
        return error_response(request, status=403)

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        if isinstance(exc, RequestDataTooBig):
            return error_response(request, status=413, code="request_too_large")
        return error_response(request, status=400)

    @api.exception_handler(Exception)
    def _unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        return failure_response(request, exc)
