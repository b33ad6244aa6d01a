"""Writes on accounts: granting and revoking roles, registering applicants,
issuing API tokens. Every function is keyword-only and checks its actor."""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.accounts.models import (
    ApiScope,
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
from motcua.core.prepared import PreparedRead
from motcua.units.models import AdministrativeUnit, Agency, Generation, Level


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


ALL_SCOPES: tuple[str, ...] = tuple(ApiScope.values)


def api_token_issue(
    *,
    user: User,
    name: str,
    scopes: Sequence[str] = ALL_SCOPES,
    expires_at: datetime.datetime | None = None,
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """A new API token for ``user`` with ``scopes`` (see :class:`ApiScope`),
    valid until ``expires_at`` (or for ``days``; default
    ``MOTCUA_API_TOKEN_DAYS``; ``days=0`` means no expiry). The raw token is
    returned once; only its SHA-256 is stored."""
    name = " ".join(name.split())
    if not name:
        raise DomainError("Vui lòng đặt tên cho mã truy cập.", code="token_name_required")
    wanted = sorted(set(scopes))
    unknown = [s for s in wanted if s not in ApiScope.values]
    if unknown or not wanted:
        raise DomainError(
            "Phạm vi không hợp lệ: " + (", ".join(unknown) or "chưa chọn phạm vi nào") + ".",
            code="invalid_scope",
            errors=[{"field": "scopes", "message": s} for s in unknown],
        )
    if expires_at is None:
        valid = settings.MOTCUA_API_TOKEN_DAYS if days is None else days
        if valid < 0:
            raise DomainError("Số ngày hiệu lực không hợp lệ.", code="invalid_expiry")
        expires_at = timezone.now() + datetime.timedelta(days=valid) if valid else None
    elif expires_at <= timezone.now():
        raise DomainError("Ngày hết hạn phải ở tương lai.", code="invalid_expiry")
    raw = "mc_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name[:100],
        digest=_digest(raw),
        prefix=raw[:10],
        scopes=wanted,
        expires_at=expires_at,
    )
    return token, raw


def api_token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke ``token`` (its owner, or a superuser; operators use the
    command). Revoking twice changes nothing."""
    if not actor.is_superuser and token.user_id != actor.pk:
        raise NotFound("Không tìm thấy mã truy cập.", code="token_not_found")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=token.revoked_at
        )
    return token


_TOKEN_BY_DIGEST = PreparedRead(
    lambda digest: ApiToken.objects.select_related("user").filter(
        digest=digest, revoked_at__isnull=True, user__is_active=True
    )[:1]
)


def api_token_check(*, raw: str) -> ApiToken | None:
    """The live token ``raw`` (not revoked, not expired, its user active),
    with its user; ``None`` otherwise. One ``SELECT`` compiled once per
    connection (:class:`~motcua.core.prepared.PreparedRead`), read fresh on
    every request so a revocation or a deactivated account counts at once;
    the expiry is compared here, not in SQL (no time parameter). No write:
    this runs on every API request."""
    found = _TOKEN_BY_DIGEST.objects(_digest(raw))
    if not found:
        return None
    token: ApiToken = found[0]
    if token.expires_at is not None and token.expires_at <= timezone.now():
        return None
    return token


def api_token_authenticate(*, raw: str) -> User | None:
    token = api_token_check(raw=raw)
    return token.user if token is not None else None


def applicant_update_contact(
    *,
    actor: User,
    applicant: Applicant,
    phone: str,
    email: str,
    address: str,
    address_unit: AdministrativeUnit | None,
) -> Applicant:
    """The applicant updates their own contact details (what the portal
    prefills into their next e-forms). The account's e-mail follows, as it
    is where password recovery writes to."""
    if applicant.user_id is None or applicant.user_id != actor.pk:
        raise NotFound("Không tìm thấy người nộp hồ sơ.", code="applicant_not_found")
    if address_unit is not None and (
        address_unit.level != Level.COMMUNE or address_unit.generation != Generation.CURRENT
    ):
        raise DomainError("Vui lòng chọn một xã, phường hiện hành.", code="commune_invalid")
    with transaction.atomic():
        applicant.phone = phone.strip()
        applicant.email = email.strip()
        applicant.address = address.strip()
        applicant.address_unit = address_unit
        applicant.save(update_fields=["phone", "email", "address", "address_unit"])
        User.objects.filter(pk=actor.pk).update(phone=applicant.phone, email=applicant.email)
    return applicant
