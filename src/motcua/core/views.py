"""The project's error handlers (``handler400`` … ``handler500`` in
``motcua.urls``): a Vietnamese page for the portal and the back office,
problem+json under ``/api/`` (for what fails outside an API operation, such
as an unknown API path)."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse

from motcua.core.http import error_response, failure_response


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return error_response(request, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django calls this inside its ``except`` block: the exception is at
    hand, so an unreachable database answers 503 rather than 500."""
    exc = sys.exc_info()[1]
    if exc is None:
        return error_response(request, status=500)
    return failure_response(request, exc)
