"""The one hook into the dossiers domain: every :class:`DossierEvent` is
written once (append-only ``save``), and after its transaction commits the
notify task is enqueued for it. Never inside the transaction: a rolled-back
action tells no one."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from django.db.models.signals import post_save

logger = logging.getLogger(__name__)


def _enqueue(event_id: int) -> None:
    from motcua.notifications.tasks import notify_event_task

    try:
        notify_event_task.enqueue(event_id)
    except Exception:  # the action stays committed; the failure is logged
        logger.exception("could not enqueue the notification of event %s", event_id)


def _event_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        event_id = int(instance.pk)
        transaction.on_commit(lambda: _enqueue(event_id))


def connect() -> None:
    post_save.connect(
        _event_saved, sender="dossiers.DossierEvent", dispatch_uid="notifications_event"
    )
