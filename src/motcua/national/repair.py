"""Repairing what the reconciliation found: until the outbox is there, the
differences are only recorded (the report shows them); with the outbox, the
missing dossier record or the status it lacks is enqueued again."""

from __future__ import annotations

from collections.abc import Sequence

from motcua.national.reconciliation import Difference


def repair(differences: Sequence[Difference]) -> int:
    """How many dossiers were re-enqueued (none without the outbox)."""
    return 0
