"""Sign-in lockout with django-axes: the backend every ``authenticate``
passes through, and the answer to a locked-out sign-in.

The rules (limits, cool-off, unlocking) are in
``docs/developers/security.md``; the choice of django-axes in decision
record 0007."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest, HttpResponse

from motcua.core.throttling import throttled_page


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes ships no types
    """First in ``AUTHENTICATION_BACKENDS``: refuses any sign-in attempt
    made with a request (the portal's and the admin's login forms, and any
    login view added later that calls ``authenticate(request=…)``) while the
    account or the address is locked out; failures are counted by axes'
    ``user_login_failed`` handler. A call without a request (the test
    client's ``login()``, a management command) has no address to count and
    is left to the next backend instead of crashing."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return
        super().authenticate(request, username=username, password=password, **kwargs)
        return


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes' answer to a locked-out sign-in (``AXES_LOCKOUT_CALLABLE``):
    the Vietnamese 429 page, waiting out the cool-off period."""
    seconds = int(settings.MOTCUA_LOGIN_COOLOFF_MINUTES) * 60
    return throttled_page(request, retry_after=seconds, login=True)
