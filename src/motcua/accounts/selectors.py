"""Authorisation-aware reads. A staff member sees the agencies where they
hold a role (a province-wide role: every agency of that province); anything
else is "not found", alike for missing and forbidden."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from motcua.accounts.models import (
    PROVINCE_WIDE_ROLES,
    ApiToken,
    Applicant,
    Role,
    RoleAssignment,
    User,
)
from motcua.core.errors import NotFound
from motcua.core.prepared import INT_MARKER, UUID_MARKER, PreparedRead
from motcua.units.models import Agency


def roles_of_user(*, user: User) -> QuerySet[RoleAssignment]:
    return RoleAssignment.objects.filter(user=user).select_related("agency", "agency__province")


def agencies_for_user(*, user: User, roles: Iterable[str] | None = None) -> QuerySet[Agency]:
    """The agencies ``user`` may act in, optionally only through ``roles``."""
    if not user.is_authenticated:
        return Agency.objects.none()
    assignments = RoleAssignment.objects.filter(user=user)
    if roles is not None:
        assignments = assignments.filter(role__in=list(roles))
    direct = assignments.values("agency_id")
    province_wide = assignments.filter(role__in=PROVINCE_WIDE_ROLES).values("agency__province_id")
    return Agency.objects.filter(Q(id__in=direct) | Q(province_id__in=province_wide))


def agency_get_for_user(
    *, user: User, public_id: str, roles: Iterable[str] | None = None
) -> Agency:
    try:
        return agencies_for_user(user=user, roles=roles).get(public_id=public_id)
    except Agency.DoesNotExist:
        raise NotFound("Không tìm thấy cơ quan, đơn vị.", code="agency_not_found") from None


def user_has_role(*, user: User, agency: Agency, roles: Iterable[str]) -> bool:
    return agencies_for_user(user=user, roles=roles).filter(pk=agency.pk).exists()


def staff_of_agency(*, agency: Agency) -> QuerySet[RoleAssignment]:
    return (
        RoleAssignment.objects.filter(agency=agency)
        .select_related("user")
        .order_by("user__full_name", "user__username", "role")
    )


def staff_of_agency_for_user(*, user: User, public_id: str) -> tuple[Agency, list[RoleAssignment]]:
    """The staff list of an agency, for a member of that agency (or of the
    province's administration)."""
    agency = agency_get_for_user(user=user, public_id=public_id)
    return agency, list(staff_of_agency(agency=agency))


#: Who may grant and revoke roles in an agency.
ROLE_MANAGERS = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)


def api_tokens_of_user(*, user: User, include_revoked: bool = False) -> QuerySet[ApiToken]:
    """``user``'s API tokens, newest first (revoked ones only when asked)."""
    qs = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
    return qs if include_revoked else qs.filter(revoked_at__isnull=True)


def api_token_get_for_user(*, user: User, token_id: int) -> ApiToken:
    try:
        return ApiToken.objects.get(pk=token_id, user=user)
    except ApiToken.DoesNotExist:
        raise NotFound("Không tìm thấy mã truy cập.", code="token_not_found") from None


def roles_grantable(*, user: User, agency: Agency) -> list[str]:
    """The roles ``user`` may grant and revoke in ``agency``, in the order of
    :class:`Role`: everything for a superuser or the province's
    administrator; the unit's working roles (not the province-wide ones) for
    its unit administrator; nothing for anyone else."""
    if user.is_superuser or user_has_role(user=user, agency=agency, roles=[Role.PROVINCE_ADMIN]):
        return list(Role.values)
    if user_has_role(user=user, agency=agency, roles=[Role.UNIT_ADMIN]):
        return [r for r in Role.values if r not in PROVINCE_WIDE_ROLES]
    return []


def user_is_staff(*, user: User) -> bool:
    """Whether ``user`` may enter the back office: a superuser, or anyone
    holding a role in some agency. An applicant (or an account not yet given
    a role) is not staff, whatever Django's ``is_staff`` flag says."""
    return user.is_superuser or RoleAssignment.objects.filter(user=user).exists()


_APPLICANT_OF_USER = PreparedRead(
    lambda user_id: Applicant.objects.filter(user_id=user_id)[:1], markers=(INT_MARKER,)
)
_APPLICANT_BY_PUBLIC_ID = PreparedRead(
    lambda public_id: Applicant.objects.filter(public_id=public_id)[:1], markers=(UUID_MARKER,)
)


def applicant_of_user(*, user_id: int) -> Applicant | None:
    """The applicant record of the account ``user_id`` (one ``SELECT``
    compiled once per connection, no ORDER BY)."""
    found = _APPLICANT_OF_USER.models(Applicant, user_id)
    return found[0] if found else None


def applicant_by_public_id(*, public_id: object) -> Applicant | None:
    """The applicant ``public_id`` (one compiled ``SELECT``)."""
    found = _APPLICANT_BY_PUBLIC_ID.models(Applicant, public_id)
    return found[0] if found else None
