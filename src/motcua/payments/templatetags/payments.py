"""``{% load payments %}{% fee_due dossier as due %}``: the obligation a
dossier still owes (or ``None``), for the portal's pages."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.payments.models import Obligation
from motcua.payments.selectors import obligation_due

register = template.Library()


@register.simple_tag
def fee_due(dossier: Any) -> Obligation | None:
    return obligation_due(dossier_id=dossier.pk)
