"""The officers' back office. Every page reads through the accounts
selectors, so a person sees only the agencies where they hold a role."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.accounts.selectors import (
    ROLE_MANAGERS,
    roles_grantable,
    roles_of_user,
    staff_of_agency_for_user,
    user_has_role,
)
from motcua.accounts.services import role_assignment_grant, role_assignment_revoke
from motcua.backoffice.access import staff_required
from motcua.backoffice.selectors import unit_counts_for_leader
from motcua.core.errors import DomainError, NotFound
from motcua.units.models import Agency


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    assignments = list(roles_of_user(user=_user(request)))
    by_agency: dict[int, dict[str, object]] = {}
    for a in assignments:
        entry = by_agency.setdefault(a.agency_id, {"agency": a.agency, "roles": []})
        cast(list[str], entry["roles"]).append(a.get_role_display())
    units = unit_counts_for_leader(user=_user(request))
    totals = {
        key: sum(getattr(u, key) for u in units) for key in ("open", "held", "near", "overdue")
    }
    from motcua.scorecards.views import dashboard_context

    return render(
        request,
        "backoffice/home.html",
        {
            "agencies": list(by_agency.values()),
            "units": units,
            "totals": totals,
            # Unit and province administrators: the outbox's and webhooks' pages.
            "is_admin": any(a.role in (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN) for a in assignments),
            # Leaders and inspectors: who holds what, and for how long.
            "is_reader": any(a.role in (Role.LEADER, Role.INSPECTOR) for a in assignments),
            # The unit's (or the province's) figures for leaders and inspectors.
            "dash": dashboard_context(user=_user(request)),
        },
    )


class GrantRoleForm(forms.Form):
    username = forms.CharField(label="Tên đăng nhập của cán bộ", max_length=150)
    role = forms.ChoiceField(
        label="Vai trò",
        choices=(),
        # Django's message repeats the posted value (a raw role code).
        error_messages={"invalid_choice": "Hãy chọn một lựa chọn hợp lệ trong danh sách."},
    )

    def __init__(self, *args: Any, grantable: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role = cast(forms.ChoiceField, self.fields["role"])
        role.choices = [("", "— Chọn vai trò —")] + [
            (value, label) for value, label in Role.choices if value in grantable
        ]


def _agency_or_404(user: User, public_id: str) -> tuple[Agency, list[RoleAssignment]]:
    try:
        return staff_of_agency_for_user(user=user, public_id=public_id)
    except NotFound:
        raise Http404("Không tìm thấy cơ quan, đơn vị.") from None


@staff_required
def agency_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    user = _user(request)
    agency, staff = _agency_or_404(user, public_id)
    can_manage = user_has_role(user=user, agency=agency, roles=ROLE_MANAGERS)
    grantable = roles_grantable(user=user, agency=agency) if can_manage else []
    form = GrantRoleForm(request.POST or None, grantable=grantable)
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
    rows = [(a, a.role in grantable) for a in staff]
    return render(
        request,
        "backoffice/agency.html",
        {"agency": agency, "rows": rows, "can_manage": can_manage, "form": form},
    )


@staff_required
@require_POST
def role_revoke(request: HttpRequest, public_id: str, assignment_id: int) -> HttpResponse:
    user = _user(request)
    agency, staff = _agency_or_404(user, public_id)
    assignment = next((a for a in staff if a.pk == assignment_id), None)
    if assignment is None or not user_has_role(user=user, agency=agency, roles=ROLE_MANAGERS):
        raise Http404("Không tìm thấy vai trò.")
    try:
        role_assignment_revoke(actor=user, assignment=assignment)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            f"Đã thu hồi vai trò {assignment.get_role_display()} của "
            f"{assignment.user.display_name}.",
        )
    return redirect("backoffice:agency", public_id=agency.public_id)
