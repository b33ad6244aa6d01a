"""The scorecards' hook into the dossiers domain (``dossiers.hooks``): every
event adds to the per-unit, per-day, per-procedure summaries inside the
event's own transaction (a rolled-back action counts nothing)."""

from __future__ import annotations

from motcua.dossiers.hooks import register_event_hook
from motcua.dossiers.models import DossierEvent


def on_event(event: DossierEvent) -> None:
    from motcua.scorecards import services

    services.count_event(event)


def connect() -> None:
    register_event_hook("scorecards.count", on_event)
