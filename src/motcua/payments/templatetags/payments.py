"""``{% load payments %}{% fee_due dossier as due %}``: the obligation a
dossier still owes (or ``None``), for the portal's pages."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.payments.models import Obligation
from motcua.payments.selectors import obligation_due, obligations_of_dossier

register = template.Library()


@register.simple_tag
def fee_due(dossier: Any) -> Obligation | None:
    return obligation_due(dossier_id=dossier.pk)


@register.simple_tag
def obligations_of(dossier: Any) -> list[Obligation]:
    """Every obligation of a dossier with its payments (back office page)."""
    return list(obligations_of_dossier(dossier_id=dossier.pk))
