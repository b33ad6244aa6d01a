"""Sign-in with the user name or with the number printed on the citizen's
ID card (personal ID) or an organisation's tax code.

An authentication backend rather than a custom login view, so that
``django.contrib.auth.authenticate()`` still runs every backend in
``AUTHENTICATION_BACKENDS`` (a lock-out backend placed in front of this one
keeps working)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from motcua.accounts.models import Applicant, User


def user_for_login(login: str) -> User | None:
    """The account ``login`` names: its user name first, else the account of
    the applicant with that personal ID or tax code (spaces ignored)."""
    login = login.strip()
    if not login:
        return None
    user = User.objects.filter(username=login).first()
    if user is not None:
        return user
    number = login.replace(" ", "").replace(".", "")
    if not number.isdigit():
        return None
    applicant = (
        Applicant.objects.filter(personal_id=number).select_related("user").first()
        if len(number) == 12
        else Applicant.objects.filter(tax_code=number).select_related("user").first()
    )
    return applicant.user if applicant is not None else None


class UsernameOrIdentifierBackend(ModelBackend):
    """:class:`ModelBackend` that also accepts the personal ID or tax code of
    the account's applicant as the login."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> User | None:
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if not username or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            # Spend the same time as for a wrong password (timing attack).
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
