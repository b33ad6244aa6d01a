"""The notifications' receivers of the feedback domain's events
(``motcua.feedback.events``, sent inside the rating's or the answer's
transaction): each enqueues its notify task **after the commit**, so the
applicant is thanked for a rating (``rated``) and told the unit's answer to
their feedback or complaint (``feedback_answered``) through the normal path:
template, message per recipient and channel, delivery record, no duplicates.
Silenced with the dossier hook ``notifications.notify`` (the history import:
old ratings tell no one)."""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction

from motcua.dossiers.hooks import is_silenced
from motcua.feedback.events import feedback_answered, rating_given

logger = logging.getLogger(__name__)

#: The dossier hook whose silencing also silences these receivers.
HOOK = "notifications.notify"


def _enqueue_rated(rating_id: int) -> None:
    from motcua.notifications.tasks import notify_rated_task

    try:
        notify_rated_task.enqueue(rating_id)
    except Exception:  # the rating stays recorded; the failure is logged
        logger.exception("could not enqueue the rating message of rating %s", rating_id)


def _enqueue_answered(feedback_id: int) -> None:
    from motcua.notifications.tasks import notify_feedback_answered_task

    try:
        notify_feedback_answered_task.enqueue(feedback_id)
    except Exception:  # the answer stays recorded; the failure is logged
        logger.exception("could not enqueue the answer message of feedback %s", feedback_id)


def on_rating_given(sender: Any, *, rating: Any, **kwargs: Any) -> None:
    if not is_silenced(HOOK):
        rating_id = int(rating.pk)
        transaction.on_commit(lambda: _enqueue_rated(rating_id))


def on_feedback_answered(sender: Any, *, feedback: Any, **kwargs: Any) -> None:
    if not is_silenced(HOOK):
        feedback_id = int(feedback.pk)
        transaction.on_commit(lambda: _enqueue_answered(feedback_id))


def connect() -> None:
    rating_given.connect(on_rating_given, dispatch_uid="notifications.rating_given")
    feedback_answered.connect(on_feedback_answered, dispatch_uid="notifications.feedback_answered")
