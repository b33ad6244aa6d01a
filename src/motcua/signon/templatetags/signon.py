"""Template access to national sign-on: whether it is offered, and whether
a dossier was filed by an identity-verified account (through the selector;
the dossier itself stores nothing)."""

from __future__ import annotations

from django import template

from motcua.dossiers.models import Dossier
from motcua.signon.client import oidc_config
from motcua.signon.selectors import dossier_identity_verified

register = template.Library()


@register.simple_tag
def signon_available() -> bool:
    return oidc_config() is not None


@register.simple_tag
def dossier_verified(dossier: Dossier) -> bool:
    return dossier_identity_verified(dossier=dossier)
