"""Reads of the notifications domain."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.dossiers.models import Dossier
from motcua.notifications.models import Audience, Message


def messages_of_dossier(*, dossier: Dossier, applicant_only: bool = False) -> QuerySet[Message]:
    """The messages sent about ``dossier``, oldest first (the applicant sees
    only those addressed to them)."""
    rows = Message.objects.filter(dossier=dossier).order_by("created_at", "id")
    if applicant_only:
        rows = rows.filter(audience=Audience.APPLICANT)
    return rows
