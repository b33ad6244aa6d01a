"""The notifications' hook into the dossiers domain (``dossiers.hooks``):
after the transaction of a dossier event commits, the notify task is enqueued
for it. Never inside the transaction: a rolled-back action tells no one."""

from __future__ import annotations

import logging

from django.db import transaction

from motcua.dossiers.hooks import register_event_hook
from motcua.dossiers.models import DossierEvent

logger = logging.getLogger(__name__)


def _enqueue(event_id: int) -> None:
    from motcua.notifications.tasks import notify_event_task

    try:
        notify_event_task.enqueue(event_id)
    except Exception:  # the action stays committed; the failure is logged
        logger.exception("could not enqueue the notification of event %s", event_id)


def on_event(event: DossierEvent) -> None:
    event_id = int(event.pk)
    transaction.on_commit(lambda: _enqueue(event_id))


def connect() -> None:
    register_event_hook("notifications.notify", on_event)
