"""Writes of national sign-on: link a verified identity to an account."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.accounts.services import applicant_register_citizen
from motcua.accounts.validators import validate_personal_id
from motcua.core.errors import DomainError
from motcua.signon.models import SignOnIdentity


@dataclass(frozen=True)
class VerifiedClaims:
    """What a verified ID token says about the person."""

    issuer: str
    subject: str
    personal_id: str
    name: str


def _new_user(*, personal_id: str, name: str) -> User:
    username = personal_id
    if User.objects.filter(username=username).exists():
        username = f"dinhdanh-{personal_id}"
    user = User(username=username, full_name=name)
    user.set_unusable_password()
    user.save()
    return user


def identity_sign_in(*, claims: VerifiedClaims) -> User:
    """The account of the person ``claims`` describe: the one already linked
    to this identity; else the account of the applicant with the same
    verified personal identification number (an applicant without an
    account gets one); else a new account and applicant. The link records
    the identity as verified (first time) and the sign-in time."""
    try:
        validate_personal_id(claims.personal_id)
    except Exception:
        raise DomainError(
            "Nhà cung cấp định danh không trả về số định danh cá nhân hợp lệ.",
            code="signon_identity_invalid",
        ) from None
    now = timezone.now()
    with transaction.atomic():
        linked = (
            SignOnIdentity.objects.select_for_update(of=("self",))
            .filter(issuer=claims.issuer, subject=claims.subject)
            .select_related("user")
            .first()
        )
        if linked is not None:
            linked.last_sign_in_at = now
            linked.save(update_fields=["last_sign_in_at"])
            return linked.user
        applicant = (
            Applicant.objects.select_for_update(of=("self",))
            .filter(personal_id=claims.personal_id)
            .select_related("user")
            .first()
        )
        if applicant is not None and applicant.user is not None:
            user = applicant.user
        elif applicant is not None:
            user = _new_user(personal_id=claims.personal_id, name=applicant.name)
            applicant.user = user
            applicant.save(update_fields=["user"])
        else:
            user = _new_user(personal_id=claims.personal_id, name=claims.name)
            applicant_register_citizen(
                user=user, name=claims.name or claims.personal_id, personal_id=claims.personal_id
            )
        SignOnIdentity.objects.update_or_create(
            user=user,
            defaults={
                "issuer": claims.issuer,
                "subject": claims.subject,
                "personal_id": claims.personal_id,
                "last_sign_in_at": now,
            },
            create_defaults={
                "issuer": claims.issuer,
                "subject": claims.subject,
                "personal_id": claims.personal_id,
                "verified_at": now,
                "last_sign_in_at": now,
            },
        )
        return user
