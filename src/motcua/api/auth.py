"""API authentication: a bearer token (integrators, officers' tools) or the
browser session (the back office's htmx calls, CSRF-checked).

Every operation needs a scope from a token (:class:`~motcua.accounts.models.ApiScope`):
by default ``read`` for GET/HEAD/OPTIONS and ``act`` for every other method;
operations that file dossiers or upload files say ``submit``
(:data:`SUBMIT_AUTH`). A valid token without the scope is answered 403
problem+json ``insufficient_scope``. The browser session carries the rights
of the signed-in person (no scopes: scopes narrow tokens only)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.models import ApiScope
from motcua.accounts.services import api_token_check
from motcua.core.errors import PermissionDenied

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def required_scope(request: HttpRequest, declared: str | None) -> str:
    """The scope an operation needs: the declared one, else by method."""
    if declared is not None:
        return declared
    return ApiScope.READ if request.method in _READ_METHODS else ApiScope.ACT


class TokenAuth(HttpBearer):
    """A bearer token; ``scope`` is the scope the operation needs (``None``:
    by method)."""

    def __init__(self, scope: str | None = None) -> None:
        super().__init__()
        if scope is not None and scope not in ApiScope.values:
            raise ValueError(f"unknown scope {scope!r}")
        self.scope = scope

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_check(raw=token)
        if found is None:
            return None
        needed = required_scope(request, self.scope)
        if needed not in found.scopes:
            raise PermissionDenied(
                f"Mã truy cập không có phạm vi “{needed}” cần cho thao tác này.",
                code="insufficient_scope",
            )
        request.user = found.user
        return found.user


#: Use as ``auth=STAFF_AUTH`` on endpoints that need a signed-in person
#: (token scope by method: ``read`` for GET, ``act`` otherwise).
STAFF_AUTH = [TokenAuth(), SessionAuth()]
#: Operations that file a dossier or upload a file: token scope ``submit``.
SUBMIT_AUTH = [TokenAuth(ApiScope.SUBMIT), SessionAuth()]
