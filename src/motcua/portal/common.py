"""Small helpers shared by the portal's views."""

from __future__ import annotations

from django.http import Http404, HttpRequest
from django.urls import reverse

from motcua.accounts.models import User
from motcua.documents.models import StoredFile


def current_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def thumbnail_of(stored: StoredFile) -> str:
    """Where the browser gets a file's thumbnail: through the portal's
    checked view for images (media is never public), the generic PDF icon
    otherwise."""
    if stored.thumbnail:
        return reverse("portal:thumbnail", args=[stored.public_id])
    return stored.thumbnail_url
