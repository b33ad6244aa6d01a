"""Reads of the notifications domain."""

from __future__ import annotations

from django.db.models import QuerySet

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.dossiers.models import Dossier
from motcua.notifications.models import Audience, ChannelAlert, Message


def messages_of_dossier(*, dossier: Dossier, applicant_only: bool = False) -> QuerySet[Message]:
    """The messages sent about ``dossier``, oldest first (the applicant sees
    only those addressed to them)."""
    rows = Message.objects.filter(dossier=dossier).order_by("created_at", "id")
    if applicant_only:
        rows = rows.filter(audience=Audience.APPLICANT)
    return rows


def is_notification_admin(*, user: User) -> bool:
    """Province or unit administrators (and superusers) are alerted when a
    channel keeps failing."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return RoleAssignment.objects.filter(
        user=user, role__in=[Role.PROVINCE_ADMIN, Role.UNIT_ADMIN]
    ).exists()


def open_channel_alerts() -> QuerySet[ChannelAlert]:
    return ChannelAlert.objects.filter(closed_at__isnull=True).order_by("channel")
