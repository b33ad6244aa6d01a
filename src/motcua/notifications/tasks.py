"""Background tasks of the notifications app (django-tasks; run by
``motcua db_worker``). Each is safe to run twice: messages are unique per
occasion, and a message's stored status is checked before it is sent."""

from __future__ import annotations

from django_tasks import task

from motcua.notifications import services


@task()
def notify_event_task(event_id: int) -> dict[str, int]:
    """Notify for one dossier event (enqueued after the event commits)."""
    messages = services.notify_for_event(event_id=event_id)
    return {"messages": len(messages)}


@task()
def notify_delivery_failed_task(order_id: int) -> dict[str, int]:
    """Tell the applicant a delivery failed (enqueued after it committed)."""
    return {"messages": len(services.notify_delivery_failed(order_id=order_id))}


@task()
def notify_rated_task(rating_id: int) -> dict[str, int]:
    """Thank the applicant for a rating (enqueued after it committed)."""
    return {"messages": len(services.notify_rated(rating_id=rating_id))}


@task()
def notify_feedback_answered_task(feedback_id: int) -> dict[str, int]:
    """Tell the author the answer to their feedback (enqueued after it committed)."""
    return {"messages": len(services.notify_feedback_answered(feedback_id=feedback_id))}


@task()
def send_message_task(message_id: int) -> str:
    """One more try of one message (a retry after a temporary failure)."""
    return services.message_send(message_id=message_id)


@task()
def warn_due_task() -> dict[str, int]:
    """The scheduled due-date warnings to officers (near due, overdue)."""
    return {"messages": len(services.warn_due())}


@task()
def resend_due_task() -> dict[str, int]:
    """The scheduled sweep of messages whose retry no queued job carries."""
    return {"tried": services.messages_resend_due()}


@task()
def channel_alerts_task() -> dict[str, int]:
    """The scheduled check of channels that keep failing (alerts the admins)."""
    return {"open": len(services.channel_alerts_check())}
