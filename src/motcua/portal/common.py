"""Small helpers shared by the portal's views."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.documents.models import StoredFile


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def safe_next(request: HttpRequest) -> str:
    """The ``next`` address of the request (POST first, then GET) when it is
    safe to go to: on this site, same scheme; "" otherwise."""
    target = str(request.POST.get("next") or request.GET.get("next") or "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def thumbnail_of(stored: StoredFile) -> str:
    """Where the browser gets a file's thumbnail: through the portal's
    checked view for images (media is never public), the generic PDF icon
    otherwise."""
    if stored.thumbnail:
        return reverse("portal:thumbnail", args=[stored.public_id])
    return stored.thumbnail_url


View = Callable[..., HttpResponse]


def login_required_htmx(view: View) -> View:
    """Like ``login_required``, but an htmx call whose session has expired
    gets a short message in place (not the login page swapped into a
    fragment); what was saved before is kept on the server."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if is_htmx(request) and not request.user.is_authenticated:
            return HttpResponse(
                '<span class="error">'
                + _(
                    "Phiên đăng nhập đã hết hạn nên chưa lưu được. Hãy đăng nhập lại; "
                    "những gì đã lưu trước đó vẫn còn."
                )
                + "</span>"
            )
        response: HttpResponse = guarded(request, *args, **kwargs)
        return response

    return wrapper
