"""The payments' hook into the dossiers domain (``dossiers.hooks``): when a
dossier event is written (inside the dossier's own transaction), an obligation
is created for a submission with fees due then, or for the holder's
``ask_to_pay``."""

from __future__ import annotations

from motcua.dossiers.hooks import register_event_hook
from motcua.dossiers.models import DossierEvent


def on_event(event: DossierEvent) -> None:
    if event.action not in ("submit", "ask_to_pay"):
        return
    from motcua.payments import services

    if event.action == "submit":
        services.obligation_for_submission(dossier=event.dossier, now=event.at)
    else:
        payload = event.payload or {}
        services.obligation_for_request(
            dossier=event.dossier,
            amount_vnd=int(payload.get("amount_vnd") or 0),
            reason=str(payload.get("reason") or ""),
            now=event.at,
        )


def connect() -> None:
    register_event_hook("payments.obligation", on_event)
