"""The officer's API tokens (tài khoản → mã truy cập API): issue with
scopes and an expiry (the secret is shown once, on the answer to the form),
list, revoke. Operators use ``motcua api_token`` instead."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from motcua.accounts.models import ApiScope, User
from motcua.accounts.selectors import api_token_get_for_user, api_tokens_of_user
from motcua.accounts.services import api_token_issue, api_token_revoke
from motcua.backoffice.access import staff_required
from motcua.core.errors import DomainError, NotFound

VALIDITY_CHOICES = [
    ("30", "30 ngày"),
    ("90", "90 ngày"),
    ("180", "180 ngày"),
    ("365", "1 năm"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Tên gợi nhớ",
        max_length=100,
        help_text="Ví dụ: Phần mềm tích hợp của phòng Tư pháp.",
    )
    scopes = forms.MultipleChoiceField(
        label="Phạm vi được phép",
        choices=ApiScope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[ApiScope.READ],
        error_messages={"invalid_choice": "Hãy chọn phạm vi trong danh sách."},
    )
    days = forms.ChoiceField(
        label="Thời hạn",
        choices=VALIDITY_CHOICES,
        initial="90",
        error_messages={"invalid_choice": "Hãy chọn thời hạn trong danh sách."},
    )


def _officer(request: HttpRequest) -> User:
    """The signed-in staff member (:func:`staff_required` let them in)."""
    return cast(User, request.user)


def _page(
    request: HttpRequest, user: User, form: TokenForm, secret: str = "", status: int = 200
) -> HttpResponse:
    response = render(
        request,
        "backoffice/api_tokens.html",
        {
            "form": form,
            "tokens": list(api_tokens_of_user(user=user)),
            "secret": secret,
            "now": timezone.now(),
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


@staff_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    user = _officer(request)
    if request.method != "POST":
        return _page(request, user, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _page(request, user, form, status=422)
    try:
        _token, raw = api_token_issue(
            user=user,
            name=form.cleaned_data["name"],
            scopes=form.cleaned_data["scopes"],
            days=int(form.cleaned_data["days"]),
        )
    except DomainError as exc:
        form.add_error(None, exc.message)
        return _page(request, user, form, status=422)
    return _page(request, user, TokenForm(), secret=raw)


@staff_required
@require_POST
def api_token_revoke_view(request: HttpRequest, token_id: int) -> HttpResponse:
    user = _officer(request)
    try:
        token = api_token_get_for_user(user=user, token_id=token_id)
    except NotFound:
        raise Http404("Không tìm thấy mã truy cập.") from None
    api_token_revoke(actor=user, token=token)
    messages.success(request, f"Đã thu hồi mã truy cập “{token.name}”.")
    return redirect("backoffice:api_tokens")
