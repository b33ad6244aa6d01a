"""The notifications' receiver of the delivery domain's events
(``motcua.delivery.events``, sent after the delivery's transaction commits):
a failed delivery enqueues the applicant's "back at the counter" message.
A delivered result needs no receiver: it is handed over, and that dossier
event is told as ``post_delivered`` (planning), so the applicant gets one
message, not two."""

from __future__ import annotations

import logging
from typing import Any

from motcua.delivery.events import delivery_failed

logger = logging.getLogger(__name__)


def on_delivery_failed(sender: Any, *, order: Any, **kwargs: Any) -> None:
    from motcua.notifications.tasks import notify_delivery_failed_task

    try:
        notify_delivery_failed_task.enqueue(int(order.pk))
    except Exception:  # the carrier's update stays recorded; the failure is logged
        logger.exception("could not enqueue the failed-delivery message of order %s", order.pk)


def connect() -> None:
    delivery_failed.connect(on_delivery_failed, dispatch_uid="notifications.delivery_failed")
