"""The outbox's one hook into the dossiers domain (``dossiers.hooks``):
inside the transaction of every dossier event, each registered destination
says which messages it wants, and they are written with one INSERT."""

from __future__ import annotations

from motcua.dossiers.hooks import register_event_hook
from motcua.dossiers.models import DossierEvent


def on_event(event: DossierEvent) -> None:
    from motcua.outbox import services

    services.messages_for_event(event=event)


def connect() -> None:
    register_event_hook("outbox", on_event)
