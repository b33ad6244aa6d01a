"""Reads of the outbox for the back office: who may administer a dossier's
rows (the unit administrator of its receiving or processing unit, the
province administrator of its province), a dossier's rows with their tries,
and the dead letters of an administrator's units."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from motcua.accounts.models import Role, User
from motcua.accounts.selectors import agencies_for_user
from motcua.dossiers.access import holds_role, roles_of
from motcua.dossiers.models import Dossier
from motcua.outbox.models import OutboxAttempt, OutboxMessage, State
from motcua.units.models import Agency

ADMIN_ROLES = (Role.UNIT_ADMIN, Role.PROVINCE_ADMIN)


def admin_agencies(*, user: User) -> QuerySet[Agency]:
    return agencies_for_user(user=user, roles=ADMIN_ROLES)


def is_outbox_admin(*, user: User) -> bool:
    return any(role in {str(r) for r in ADMIN_ROLES} for _a, role, _p in roles_of(user))


def may_administer(*, user: User, dossier: Dossier) -> bool:
    rows = roles_of(user, dossier=dossier)
    for agency in (dossier.receiving_agency, dossier.processing_agency):
        if holds_role(rows, agency_id=agency.pk, province_id=agency.province_id, roles=ADMIN_ROLES):
            return True
    return False


def messages_of_dossier(*, dossier: Dossier) -> list[OutboxMessage]:
    return list(
        OutboxMessage.objects.filter(dossier=dossier)
        .select_related("event")
        .prefetch_related(Prefetch("history", queryset=OutboxAttempt.objects.order_by("id")))
        .order_by("destination", "id")
    )


def dead_letters(*, user: User, agency: Agency | None = None) -> QuerySet[OutboxMessage]:
    """Dead rows of the dossiers of ``user``'s units (``agency`` narrows to
    one of them); the province administrator also sees rows of no dossier."""
    units = admin_agencies(user=user)
    if agency is not None:
        units = units.filter(pk=agency.pk)
    mine = Q(dossier__receiving_agency__in=units) | Q(dossier__processing_agency__in=units)
    if agency is None and any(r == Role.PROVINCE_ADMIN for _a, r, _p in roles_of(user)):
        mine |= Q(dossier__isnull=True)
    return (
        OutboxMessage.objects.filter(state=State.DEAD)
        .filter(mine)
        .select_related("dossier")
        .order_by("-id")
    )


def message_for_admin(*, user: User, message_id: int) -> OutboxMessage | None:
    """The row if ``user`` administers its dossier (or, for a row of no
    dossier, is a province administrator)."""
    row = (
        OutboxMessage.objects.select_related(
            "dossier__receiving_agency", "dossier__processing_agency"
        )
        .filter(pk=message_id)
        .first()
    )
    if row is None:
        return None
    if row.dossier is None:
        return row if any(r == Role.PROVINCE_ADMIN for _a, r, _p in roles_of(user)) else None
    return row if may_administer(user=user, dossier=row.dossier) else None
