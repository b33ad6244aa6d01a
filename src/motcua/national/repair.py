"""Repairing what the reconciliation found, through the outbox: the
dossier record as it stands now (create when the portal does not hold it,
update otherwise) and a progress entry with the current status, in the
dossier's stream (behind anything of it still waiting). Keys carry the
dossier's version, and a dossier with rows still waiting is left to them,
so a reconciliation run twice enqueues nothing the second time."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from motcua.dossiers.models import Dossier, DossierEvent
from motcua.national import delivery
from motcua.national.reconciliation import Difference
from motcua.outbox import services as outbox
from motcua.outbox.models import OutboxMessage
from motcua.outbox.models import State as RowState

WAITING = (RowState.PENDING, RowState.SENDING)


def repair(differences: Sequence[Difference]) -> int:
    """How many dossiers were re-enqueued."""
    ids = [d.dossier_id for d in differences]
    waiting = set(
        OutboxMessage.objects.filter(
            destination=delivery.PORTAL, dossier_id__in=ids, state__in=WAITING
        ).values_list("dossier_id", flat=True)
    )
    repaired = 0
    for difference in differences:
        if difference.dossier_id in waiting:
            continue
        dossier = (
            Dossier.objects.filter(pk=difference.dossier_id)
            .only("pk", "code", "version", "national_status")
            .first()
        )
        event_id = (
            DossierEvent.objects.filter(dossier_id=difference.dossier_id)
            .order_by("-seq")
            .values_list("pk", flat=True)
            .first()
        )
        if dossier is None or event_id is None or dossier.national_status is None:
            continue
        base = f"{dossier.code}.v{dossier.version}.repair"
        stream = f"d{dossier.pk}"
        with transaction.atomic():
            sync = outbox.message_enqueue(
                destination=delivery.PORTAL,
                key=f"{base}.sync",
                payload={
                    "service": delivery.SYNC,
                    "updating": difference.remote_status is not None,
                    "status": dossier.national_status,
                },
                stream=stream,
                dossier_id=dossier.pk,
                event_id=event_id,
            )
            outbox.message_enqueue(
                destination=delivery.PORTAL,
                key=f"{base}.progress",
                payload={"service": delivery.PROGRESS, "status": dossier.national_status},
                stream=stream,
                dossier_id=dossier.pk,
                event_id=event_id,
            )
        repaired += sync.state == RowState.PENDING
    return repaired
