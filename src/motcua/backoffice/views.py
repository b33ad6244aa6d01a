"""The officers' back office. Every page reads through the accounts
selectors, so a person sees only the agencies where they hold a role."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import (
    ROLE_MANAGERS,
    roles_of_user,
    staff_of_agency_for_user,
    user_has_role,
)
from motcua.accounts.services import role_assignment_grant
from motcua.core.errors import DomainError, NotFound


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = list(roles_of_user(user=_user(request)))
    by_agency: dict[int, dict[str, object]] = {}
    for a in assignments:
        entry = by_agency.setdefault(a.agency_id, {"agency": a.agency, "roles": []})
        cast(list[str], entry["roles"]).append(a.get_role_display())
    return render(request, "backoffice/home.html", {"agencies": list(by_agency.values())})


class GrantRoleForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập của cán bộ", max_length=150)
    role = forms.ChoiceField(label="Vai trò", choices=Role.choices)


@login_required
def agency_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    try:
        agency, staff = staff_of_agency_for_user(user=user, public_id=public_id)
    except NotFound:
        raise Http404("Không tìm thấy cơ quan, đơn vị.") from None
    can_manage = user_has_role(user=user, agency=agency, roles=ROLE_MANAGERS)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404("Không tìm thấy cơ quan, đơn vị.")
        if form.is_valid():
            target = User.objects.filter(username=form.cleaned_data["username"]).first()
            if target is None:
                form.add_error("username", "Không có tài khoản với tên đăng nhập này.")
            else:
                try:
                    role_assignment_grant(
                        actor=user, user=target, agency=agency, role=form.cleaned_data["role"]
                    )
                except DomainError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "Đã cấp vai trò.")
                    return redirect("backoffice:agency", public_id=agency.public_id)
    return render(
        request,
        "backoffice/agency.html",
        {"agency": agency, "staff": staff, "can_manage": can_manage, "form": form},
    )
