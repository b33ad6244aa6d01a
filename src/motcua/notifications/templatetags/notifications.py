"""``{% dossier_messages dossier %}``: the messages sent about a dossier,
for the back office (every message) and the portal (``applicant_only``);
``{% channel_alerts user %}``: the channels that keep failing, for the
administrators' back-office home."""

from __future__ import annotations

from typing import Any

from django import template

from motcua.dossiers.models import Dossier
from motcua.notifications.selectors import (
    is_notification_admin,
    messages_of_dossier,
    open_channel_alerts,
)

register = template.Library()


@register.inclusion_tag("notifications/_dossier_messages.html")
def dossier_messages(dossier: Dossier, applicant_only: bool = False) -> dict[str, Any]:
    rows = list(messages_of_dossier(dossier=dossier, applicant_only=applicant_only))
    return {"rows": rows, "applicant_only": applicant_only}


@register.inclusion_tag("notifications/_channel_alerts.html")
def channel_alerts(user: Any) -> dict[str, Any]:
    """The open alerts of channels that keep failing, for the
    administrators' back-office home (nothing for other roles)."""
    if not is_notification_admin(user=user):
        return {"alerts": []}
    return {
        "alerts": list(open_channel_alerts()),
        "in_admin": bool(user.is_superuser or user.has_perm("notifications.change_message")),
    }
