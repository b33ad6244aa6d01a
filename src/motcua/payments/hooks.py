"""The ONE hook into the dossiers domain: when a dossier event is written
(inside the dossier's own transaction), an obligation is created for a
submission with fees due then, or for the holder's ``ask_to_pay``."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from motcua.dossiers.models import DossierEvent


@receiver(post_save, sender=DossierEvent, dispatch_uid="payments_obligation_hook")
def _on_event(sender: type[DossierEvent], instance: DossierEvent, created: bool, **_: Any) -> None:
    if not created or instance.action not in ("submit", "ask_to_pay"):
        return
    from motcua.payments import services

    if instance.action == "submit":
        services.obligation_for_submission(dossier=instance.dossier, now=instance.at)
    else:
        payload = instance.payload or {}
        services.obligation_for_request(
            dossier=instance.dossier,
            amount_vnd=int(payload.get("amount_vnd") or 0),
            reason=str(payload.get("reason") or ""),
            now=instance.at,
        )
