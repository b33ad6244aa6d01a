"""API authentication: a bearer token (integrators, officers' tools) or the
browser session (the back office's htmx calls, CSRF-checked)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from motcua.accounts.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(raw=token)
        if user is not None:
            request.user = user
        return user


#: Use as ``auth=STAFF_AUTH`` on endpoints that need a signed-in person.
STAFF_AUTH = [TokenAuth(), SessionAuth()]
