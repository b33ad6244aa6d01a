"""The back office's door: every view of ``motcua.backoffice`` is wrapped in
:func:`staff_required`. A visitor who is not signed in is sent to the sign-in
page; a signed-in user without any staff role (an applicant, an account not
given a role yet) gets "not found", as for anything forbidden, so the back
office does not even confirm that a page or a dossier code exists."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest

from motcua.accounts.models import User
from motcua.accounts.selectors import user_is_staff

View = TypeVar("View", bound=Callable[..., Any])

#: Set on every wrapped view, so a test can check that no back-office URL
#: escapes the door (``functools.wraps`` carries it through outer decorators).
MARK = "backoffice_staff_only"


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not user_is_staff(user=cast(User, request.user)):
            raise Http404("Không tìm thấy trang.")
        return view(request, *args, **kwargs)

    setattr(wrapped, MARK, True)
    return cast(View, login_required(wrapped))
