"""``{% dossier_messages dossier %}``: the messages sent about a dossier,
for the back office (every message) and the portal (``applicant_only``)."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.notifications.selectors import messages_of_dossier

register = template.Library()


@register.inclusion_tag("notifications/_dossier_messages.html")
def dossier_messages(dossier: Dossier, applicant_only: bool = False) -> dict[str, Any]:
    rows = list(messages_of_dossier(dossier=dossier, applicant_only=applicant_only))
    return {"rows": rows, "applicant_only": applicant_only}
