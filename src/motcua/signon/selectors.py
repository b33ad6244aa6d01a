"""Reads of national sign-on: is an account, or a dossier, identity-verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from motcua.accounts.models import User
from motcua.signon.models import SignOnIdentity

if TYPE_CHECKING:
    from motcua.dossiers.models import Dossier


def identity_verified(*, user: User) -> bool:
    """Whether ``user`` has signed in with a verified national identity."""
    if not user.is_authenticated:
        return False
    return SignOnIdentity.objects.filter(user_id=user.pk).exists()


def dossier_identity_verified(*, dossier: Dossier) -> bool:
    """Whether ``dossier`` was filed by an identity-verified account for the
    person that identity is: the filing account had signed in with the
    applicant's own verified personal identification number before the
    dossier was submitted."""
    personal_id = dossier.applicant.personal_id
    if not personal_id:
        return False
    return SignOnIdentity.objects.filter(
        user_id=dossier.submitted_by_id,
        personal_id=personal_id,
        verified_at__lte=dossier.submitted_at,
    ).exists()
