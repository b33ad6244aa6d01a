"""Writes on accounts: granting and revoking roles, registering applicants,
issuing API tokens. Every function is keyword-only and checks its actor."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from motcua.accounts.models import (
    ApiToken,
    Applicant,
    ApplicantKind,
    Role,
    RoleAssignment,
    User,
)
from motcua.accounts.selectors import ROLE_MANAGERS, roles_grantable, user_has_role
from motcua.accounts.validators import validate_personal_id, validate_tax_code
from motcua.core.errors import Conflict, DomainError, NotFound
from motcua.core.limits import nfc
from motcua.units.models import Agency


def _check_manager(*, actor: User, agency: Agency) -> None:
    if actor.is_superuser:
        return
    if not user_has_role(user=actor, agency=agency, roles=ROLE_MANAGERS):
        # Not found, not forbidden: do not reveal agencies outside the scope.
        raise NotFound("Không tìm thấy cơ quan, đơn vị.", code="agency_not_found")


def _check_grantable(*, actor: User, agency: Agency, role: str) -> None:
    if role not in roles_grantable(user=actor, agency=agency):
        raise DomainError(
            "Chỉ quản trị tỉnh mới được cấp hoặc thu hồi vai trò quản trị tỉnh hoặc thanh tra.",
            code="role_not_grantable",
        )


def role_assignment_grant(*, actor: User, user: User, agency: Agency, role: str) -> RoleAssignment:
    if role not in Role.values:
        raise DomainError(f"Vai trò không hợp lệ: {role}.", code="invalid_role")
    _check_manager(actor=actor, agency=agency)
    _check_grantable(actor=actor, agency=agency, role=role)
    try:
        with transaction.atomic():
            return RoleAssignment.objects.create(user=user, agency=agency, role=role)
    except IntegrityError:
        raise Conflict(
            "Người này đã có vai trò đó tại đơn vị.", code="role_already_granted"
        ) from None


def role_assignment_revoke(*, actor: User, assignment: RoleAssignment) -> None:
    """Revoke a role the actor could have granted (a unit administrator
    cannot revoke the province administrator's role held in its unit)."""
    _check_manager(actor=actor, agency=assignment.agency)
    _check_grantable(actor=actor, agency=assignment.agency, role=assignment.role)
    assignment.delete()


def _validation_error(exc: ValidationError, field: str) -> DomainError:
    message = " ".join(exc.messages)
    return DomainError(
        message,
        code=exc.error_list[0].code or "invalid",
        errors=[{"field": field, "message": message}],
    )


@dataclass(frozen=True)
class _IdentityRule:
    kind: str
    field: str
    validate: Callable[[str], None]
    name_missing: str
    taken: str


_CITIZEN = _IdentityRule(
    kind=ApplicantKind.CITIZEN,
    field="personal_id",
    validate=validate_personal_id,
    name_missing="Họ và tên không được để trống.",
    taken="Số định danh cá nhân này đã được đăng ký.",
)
_ORGANISATION = _IdentityRule(
    kind=ApplicantKind.ORGANISATION,
    field="tax_code",
    validate=validate_tax_code,
    name_missing="Tên tổ chức không được để trống.",
    taken="Mã số thuế này đã được đăng ký.",
)


def _applicant_register(
    rule: _IdentityRule,
    *,
    user: User | None,
    name: str,
    identifier: str,
    phone: str,
    email: str,
    address: str,
) -> Applicant:
    identifier = identifier.strip()
    try:
        rule.validate(identifier)
    except ValidationError as exc:
        raise _validation_error(exc, rule.field) from None
    if not name.strip():
        raise DomainError(rule.name_missing, code="name_required")
    try:
        with transaction.atomic():
            return Applicant.objects.create(
                kind=rule.kind,
                user=user,
                name=nfc(name.strip()),
                phone=phone,
                email=email,
                address=nfc(address),
                **{rule.field: identifier},
            )
    except IntegrityError:
        raise Conflict(rule.taken, code=f"{rule.field}_taken") from None


def applicant_register_citizen(
    *,
    user: User | None,
    name: str,
    personal_id: str,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Applicant:
    """A citizen, identified by the 12-digit personal identification number."""
    return _applicant_register(
        _CITIZEN,
        user=user,
        name=name,
        identifier=personal_id,
        phone=phone,
        email=email,
        address=address,
    )


def applicant_register_organisation(
    *,
    user: User | None,
    name: str,
    tax_code: str,
    phone: str = "",
    email: str = "",
    address: str = "",
) -> Applicant:
    """An organisation, identified by its tax code."""
    return _applicant_register(
        _ORGANISATION,
        user=user,
        name=name,
        identifier=tax_code,
        phone=phone,
        email=email,
        address=address,
    )


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def api_token_issue(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new API token for ``user``. The raw token is returned once; only
    its SHA-256 is stored."""
    raw = "mc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, digest=_digest(raw), prefix=raw[:10])
    return token, raw


def api_token_authenticate(*, raw: str) -> User | None:
    # ``[:1]`` rather than ``.first()``: no ORDER BY on this hot path.
    found = list(
        ApiToken.objects.select_related("user").filter(
            digest=_digest(raw), revoked_at__isnull=True, user__is_active=True
        )[:1]
    )
    return found[0].user if found else None
