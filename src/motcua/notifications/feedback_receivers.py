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


def _enqueue_after_commit(task_name: str, pk: int, what: str) -> None:
    """Enqueue ``motcua.notifications.tasks.<task_name>(pk)`` once the
    transaction commits; a failure to enqueue is logged, the rating or the
    answer stays recorded."""

    def enqueue() -> None:
        from motcua.notifications import tasks

        try:
            getattr(tasks, task_name).enqueue(pk)
        except Exception:
            logger.exception("could not enqueue the message of %s %s", what, pk)

    transaction.on_commit(enqueue)


def on_rating_given(sender: Any, *, rating: Any, **kwargs: Any) -> None:
    if not is_silenced(HOOK):
        _enqueue_after_commit("notify_rated_task", int(rating.pk), "rating")


def on_feedback_answered(sender: Any, *, feedback: Any, **kwargs: Any) -> None:
    if not is_silenced(HOOK):
        _enqueue_after_commit("notify_feedback_answered_task", int(feedback.pk), "feedback")


def connect() -> None:
    rating_given.connect(on_rating_given, dispatch_uid="notifications.rating_given")
    feedback_answered.connect(on_feedback_answered, dispatch_uid="notifications.feedback_answered")
