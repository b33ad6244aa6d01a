"""Who works in the admin site, with which model permissions: derived from
the roles a person holds (``RoleAssignment``), not from hand-kept groups.

Only the province administrator ("Quản trị tỉnh") works in the admin site,
with the permissions below; every other role works in the back office
(``/can-bo/``). Superusers keep every permission (Django's ModelBackend).
The decision record is docs/developers/decisions/0023-admin-permissions-from-roles.md."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

from motcua.accounts.models import Role, RoleAssignment, User

_VIEW = ("view",)
_EDIT = ("view", "add", "change")
_ALL = ("view", "add", "change", "delete")

#: model (app_label.model) → actions, per role that works in the admin site.
ROLE_ADMIN_PERMISSIONS: dict[str, dict[str, tuple[str, ...]]] = {
    Role.PROVINCE_ADMIN: {
        # Agencies, staff and their roles.
        "units.agency": _EDIT,
        "units.administrativeunit": _VIEW,
        "units.unitsuccession": _VIEW,
        "accounts.user": _EDIT,
        "accounts.roleassignment": _ALL,
        "accounts.applicant": _VIEW,
        # Catalogue, workflows, e-forms, standard sets and their publication.
        "catalog.procedure": _VIEW,
        "catalog.procedureversion": _VIEW,
        "catalog.workflowtemplate": _EDIT,
        "catalog.workflowtemplateversion": _EDIT,
        "catalog.eform": _EDIT,
        "catalog.standardset": _ALL,
        "catalog.configuredprocedure": ("view", "change"),
        "catalog.catalogauditevent": _VIEW,
        # The working calendar.
        "workcalendar.calendaroverride": _ALL,
        "workcalendar.workinghours": _EDIT,
        # Dossiers: read only (they change through their workflow, never here).
        "dossiers.dossier": _VIEW,
        "dossiers.dossieraccesslog": _VIEW,
        # Fees: when they fall due, exemptions and reductions; payments read only.
        "payments.feepolicy": _ALL,
        "payments.feerule": _ALL,
        "payments.obligation": _VIEW,
        "payments.payment": _VIEW,
        "payments.callbackrecord": _VIEW,
        # What leaves the system: read only (resend and skip are in the back office).
        "outbox.outboxmessage": _VIEW,
        "outbox.outboxattempt": _VIEW,
        # Notifications: new template versions; messages read only, with the
        # "resend" action (change permission); channel alerts read only.
        "notifications.messagetemplate": _EDIT,
        "notifications.message": ("view", "change"),
        "notifications.deliveryattempt": _VIEW,
        "notifications.channelalert": _VIEW,
        # Sign-in lockouts (django-axes): read the logs, lift a lockout.
        "axes.accessattempt": ("view", "delete"),
        "axes.accesslog": _VIEW,
        "axes.accessfailurelog": _VIEW,
    },
}


def admin_permissions_of_roles(roles: set[str]) -> set[str]:
    """``app_label.action_model`` permission names that ``roles`` give."""
    out: set[str] = set()
    for role in roles:
        for model, actions in ROLE_ADMIN_PERMISSIONS.get(role, {}).items():
            app_label, model_name = model.split(".")
            out.update(f"{app_label}.{action}_{model_name}" for action in actions)
    return out


def _admin_roles(user: User) -> set[str]:
    cached: set[str] | None = getattr(user, "_motcua_admin_roles", None)
    if cached is None:
        cached = set(
            RoleAssignment.objects.filter(
                user=user, role__in=list(ROLE_ADMIN_PERMISSIONS)
            ).values_list("role", flat=True)
        )
        user._motcua_admin_roles = cached  # type: ignore[attr-defined]
    return cached


class RolePermissionBackend(BaseBackend):
    """Model permissions from roles. Authenticates nobody (ModelBackend
    does); only answers permission questions."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if obj is not None or not isinstance(user_obj, User) or not user_obj.is_active:
            return set()
        return admin_permissions_of_roles(_admin_roles(user_obj))

    def has_perm(self, user_obj: Any, perm: str, obj: Any = None) -> bool:
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj: Any, app_label: str) -> bool:
        return any(p.startswith(f"{app_label}.") for p in self.get_all_permissions(user_obj))


def user_works_in_admin(user: Any) -> bool:
    """Staff flag (superusers, technical staff) or a role that works there."""
    if not isinstance(user, User) or not user.is_active:
        return False
    return user.is_staff or bool(_admin_roles(user))


class RoleAdminAuthenticationForm(AdminAuthenticationForm):
    """The admin sign-in also admits the roles that work there."""

    def confirm_login_allowed(self, user: Any) -> None:
        if not user_works_in_admin(user):
            raise self.get_invalid_login_error()


class MotCuaAdminSite(admin.AdminSite):
    login_form = RoleAdminAuthenticationForm
    site_header = "Quản trị Một Cửa"
    site_title = "Quản trị Một Cửa"
    index_title = "Cấu hình hệ thống"

    def has_permission(self, request: HttpRequest) -> bool:
        return user_works_in_admin(request.user)
