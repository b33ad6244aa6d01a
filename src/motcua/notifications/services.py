"""Writes of the notifications domain: build the messages of an event or a
due date (idempotent: one row per occasion x recipient x channel), send
one message (checking its stored status first), record every attempt, and
schedule retries with exponential backoff for temporary failures."""

from __future__ import annotations

import datetime
import logging
import random

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Role, RoleAssignment, User
from motcua.core.errors import DomainError
from motcua.dossiers.models import DossierEvent, StepRun
from motcua.dossiers.states import OPEN_STATES
from motcua.integrations.channel import Outcome, Outgoing, SendResult
from motcua.integrations.zalo.client import FALL_BACK_TO_SMS
from motcua.notifications.channels import channel_for
from motcua.notifications.models import (
    FINAL_STATUSES,
    AttemptOutcome,
    ChannelAlert,
    ChannelKind,
    DeliveryAttempt,
    Message,
    MessageStatus,
    MessageTemplate,
)
from motcua.notifications.planning import (
    Plan,
    Route,
    absolute,
    plan_for_delivery_failure,
    plan_for_due,
    plan_for_feedback_answer,
    plan_for_rating,
    plans_for_event,
    render,
)
from motcua.notifications.seed import templates_load

logger = logging.getLogger(__name__)

#: How long a "sending" message belongs to the worker that took it; after
#: that a sweep may take it again (the worker died mid-way).
SENDING_LEASE = datetime.timedelta(minutes=5)


def backoff(attempt: int) -> datetime.timedelta:
    """The wait after the ``attempt``-th temporary failure: base x 2^(n-1),
    capped, with up to 10 % jitter (no retry storms)."""
    base = float(settings.NOTIFY_RETRY_BASE_SECONDS)
    cap = float(settings.NOTIFY_RETRY_MAX_SECONDS)
    seconds = min(cap, base * 2 ** max(attempt - 1, 0))
    return datetime.timedelta(seconds=seconds * (1 + random.random() / 10))  # noqa: S311


def current_template(key: str) -> MessageTemplate:
    """The latest active version of ``key`` (version 1 loaded from the data
    file if the table lacks it)."""
    found = MessageTemplate.objects.filter(key=key, active=True).order_by("-version").first()
    if found is None:
        templates_load(MessageTemplate)
        found = MessageTemplate.objects.filter(key=key, active=True).order_by("-version").first()
    if found is None:
        raise LookupError(f"no message template {key!r}")
    return found


def _create(plan: Plan, route: Route, template: MessageTemplate) -> Message:
    data = {**plan.data}
    fields = {
        "dossier": plan.dossier,
        "feedback": plan.feedback,
        "template": template,
        "audience": plan.audience,
        "recipient_user": route.user,
        "address": route.address,
        "subject": render(template.subject, data)[:200],
        "body": render(template.body, data),
        "short": render(template.short, data)[:480],
        "data": data,
        "link": data.get("link", ""),
    }
    try:
        with transaction.atomic():
            message, _created = Message.objects.get_or_create(
                occasion=plan.occasion,
                recipient=route.recipient,
                channel=route.channel,
                defaults=fields,
            )
    except IntegrityError:  # another worker created it first
        message = Message.objects.get(
            occasion=plan.occasion, recipient=route.recipient, channel=route.channel
        )
    return message


def messages_create(*, plans: list[Plan]) -> list[Message]:
    """The messages of ``plans`` (existing ones reused: a rerun creates
    nothing new)."""
    created: list[Message] = []
    for plan in plans:
        if not plan.routes:
            continue
        template = current_template(plan.template_key)
        created.extend(_create(plan, route, template) for route in plan.routes)
    return created


def notify_for_event(*, event_id: int, now: datetime.datetime | None = None) -> list[Message]:
    """Create the messages of one dossier event and send those not sent yet."""
    event = DossierEvent.objects.select_related(
        "dossier__applicant__user",
        "dossier__holder_agency",
        "dossier__holder_user",
        "dossier__configured_procedure_version__procedure_version",
    ).get(pk=event_id)
    messages = messages_create(plans=plans_for_event(event))
    for message in messages:
        message_send(message_id=message.pk, now=now)
    return messages


def notify_delivery_failed(*, order_id: int, now: datetime.datetime | None = None) -> list[Message]:
    """Tell the applicant that the carrier could not deliver the result and
    that it is back at the counter (once per order: a rerun sends nothing new)."""
    from motcua.delivery.models import DeliveryOrder, Direction, OrderStatus

    order = DeliveryOrder.objects.select_related(
        "dossier__applicant__user",
        "dossier__receiving_agency",
        "dossier__configured_procedure_version__procedure_version",
    ).get(pk=order_id)
    if order.status != OrderStatus.FAILED or order.direction != Direction.RECEIVE_RESULT:
        return []
    messages = messages_create(plans=[plan_for_delivery_failure(order)])
    for message in messages:
        message_send(message_id=message.pk, now=now)
    return messages


def _send_all(messages: list[Message], now: datetime.datetime | None) -> list[Message]:
    for message in messages:
        message_send(message_id=message.pk, now=now)
    return messages


def notify_rated(*, rating_id: int, now: datetime.datetime | None = None) -> list[Message]:
    """Thank the applicant for their rating (once per rating: a rerun sends
    nothing new; a rating since removed tells no one)."""
    from motcua.feedback.models import Rating

    rating = (
        Rating.objects.select_related(
            "dossier__applicant__user",
            "dossier__configured_procedure_version__procedure_version",
        )
        .filter(pk=rating_id)
        .first()
    )
    if rating is None:
        return []
    return _send_all(messages_create(plans=[plan_for_rating(rating)]), now)


def notify_feedback_answered(
    *, feedback_id: int, now: datetime.datetime | None = None
) -> list[Message]:
    """Tell the author of feedback or a complaint the unit's answer, with a
    link to it (once per feedback; only an answered one)."""
    from motcua.feedback.models import Feedback, FeedbackStatus

    feedback = (
        Feedback.objects.select_related("author__applicant", "agency", "dossier")
        .filter(pk=feedback_id, status=FeedbackStatus.ANSWERED)
        .first()
    )
    if feedback is None:
        return []
    return _send_all(messages_create(plans=[plan_for_feedback_answer(feedback)]), now)


def warn_due(
    *, now: datetime.datetime | None = None, window: datetime.timedelta | None = None
) -> list[Message]:
    """Tell the holders of every open step that falls due within ``window``
    (near due) or is past due (overdue): once per step run per threshold."""
    now = now or timezone.now()
    window = (
        window if window is not None else datetime.timedelta(hours=settings.NOTIFY_DUE_WINDOW_HOURS)
    )
    runs = StepRun.objects.filter(
        ended_at__isnull=True,
        due_at__isnull=False,
        due_at__lte=now + window,
        dossier__state__in=sorted(OPEN_STATES),
    ).select_related(
        "agency",
        "user",
        "dossier__applicant",
        "dossier__configured_procedure_version__procedure_version",
    )
    plans = [
        plan_for_due(run, overdue=run.due_at is not None and run.due_at <= now) for run in runs
    ]
    messages = messages_create(plans=plans)
    for message in messages:
        message_send(message_id=message.pk, now=now)
    return messages


def _take(message_id: int, now: datetime.datetime) -> Message | None:
    """Mark the message "sending" for this worker (one attempt more), or
    ``None`` when it is final, not due yet, or held by another worker."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status in FINAL_STATUSES:
            return None
        waiting = message.status in (MessageStatus.RETRYING, MessageStatus.SENDING)
        if waiting and message.next_attempt_at is not None and message.next_attempt_at > now:
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.next_attempt_at = now + SENDING_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt_at"])
    return message


def _outgoing(message: Message) -> Outgoing:
    text = message.body if message.channel == ChannelKind.EMAIL else message.short
    return Outgoing(
        reference=str(message.public_id),
        address=message.address,
        subject=message.subject,
        text=text,
        template_id=message.template.zalo_template_id,
        data={k: str(v) for k, v in message.data.items()},
    )


def message_send(*, message_id: int, now: datetime.datetime | None = None) -> str:
    """Send one message once: its stored status is checked first, the
    provider gets the same reference on every try (it deduplicates), every
    try is recorded. Returns the message's status afterwards."""
    now = now or timezone.now()
    message = _take(message_id, now)
    if message is None:
        return str(Message.objects.values_list("status", flat=True).get(pk=message_id))
    try:
        result = channel_for(message.channel).send(_outgoing(message))
    except Exception as exc:  # an adapter bug must not lose the message
        logger.exception("channel %s failed on message %s", message.channel, message.pk)
        result = SendResult(Outcome.TEMPORARY, code="adapter_error", detail=str(exc)[:300])
    return _record(message, result, now)


def _record(message: Message, result: SendResult, now: datetime.datetime) -> str:
    retry_at: datetime.datetime | None = None
    fallback = False
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            message=message,
            number=message.attempts,
            at=now,
            outcome=str(result.outcome),
            provider_id=result.provider_id[:200],
            code=result.code[:60],
            detail=result.detail[:300],
        )
        message.last_error = result.code[:200]
        if result.outcome == Outcome.ACCEPTED:
            message.status, message.provider_id, message.sent_at = (
                MessageStatus.SENT,
                result.provider_id[:200],
                now,
            )
            message.next_attempt_at = None
        elif (
            result.outcome == Outcome.PERMANENT
            or message.attempts - message.retry_base >= settings.NOTIFY_MAX_ATTEMPTS
        ):
            message.status, message.next_attempt_at = MessageStatus.FAILED, None
            fallback = message.channel == ChannelKind.ZALO and result.code in FALL_BACK_TO_SMS
        else:
            retry_at = now + backoff(message.attempts)
            message.status, message.next_attempt_at = MessageStatus.RETRYING, retry_at
        message.save(
            update_fields=["status", "provider_id", "sent_at", "next_attempt_at", "last_error"]
        )
        if retry_at is not None:
            transaction.on_commit(lambda: _enqueue_send(message.pk, retry_at))
    if fallback:
        _fall_back_to_sms(message)
    return str(message.status)


def _enqueue_send(message_id: int, at: datetime.datetime) -> None:
    from motcua.notifications.tasks import send_message_task

    send_message_task.using(run_after=at).enqueue(message_id)


def _fall_back_to_sms(message: Message) -> None:
    """Zalo refused for good (not a Zalo user, bad phone): the same message
    by SMS, once."""
    fields = {
        f: getattr(message, f)
        for f in ("dossier", "template", "audience", "recipient_user", "address", "subject")
    }
    fields.update(body=message.body, short=message.short, data=message.data, link=message.link)
    try:
        with transaction.atomic():
            sms, _ = Message.objects.get_or_create(
                occasion=message.occasion,
                recipient=message.recipient,
                channel=ChannelKind.SMS,
                defaults=fields,
            )
    except IntegrityError:
        return
    transaction.on_commit(lambda: _enqueue_send(sms.pk, timezone.now()))


def messages_resend_due(*, now: datetime.datetime | None = None, limit: int = 500) -> int:
    """The sweep: send messages whose turn came but that no queued job
    carries any more (a lost enqueue, a worker killed mid-send). Returns
    how many were tried."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(
            status__in=[MessageStatus.PENDING, MessageStatus.RETRYING, MessageStatus.SENDING],
            next_attempt_at__lte=now,
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    stale_pending = Message.objects.filter(
        status=MessageStatus.PENDING,
        next_attempt_at__isnull=True,
        created_at__lte=now - SENDING_LEASE,
    ).values_list("pk", flat=True)[:limit]
    ids.extend(stale_pending)
    for message_id in ids:
        message_send(message_id=message_id, now=now)
    return len(ids)


def message_resend(
    *, message_id: int, actor: User, now: datetime.datetime | None = None
) -> Message:
    """An administrator sends a failed message again (after the address was
    corrected or the channel came back): it gets a fresh budget of tries
    and is queued after commit; the same provider reference is kept, so a
    gateway that had accepted it deduplicates. Only a failed message."""
    now = now or timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message_id)
        if message.status != MessageStatus.FAILED:
            raise DomainError(
                _("Chỉ gửi lại được thông báo đã gửi không được."), code="message_not_failed"
            )
        message.status = MessageStatus.RETRYING
        message.next_attempt_at = now
        message.retry_base = message.attempts
        message.resent_at, message.resent_by = now, actor
        message.save(
            update_fields=["status", "next_attempt_at", "retry_base", "resent_at", "resent_by"]
        )
        logger.info("message %s resent by user %s", message.pk, actor.pk)
        transaction.on_commit(lambda: _enqueue_send(message.pk, now))
    return message


def _failure_streak(channel: str, limit: int = 200) -> tuple[int, list[DeliveryAttempt]]:
    """The channel's latest attempts up to the first accepted one, and how
    many different messages they were (one message retrying is not yet a
    channel failing: several messages in a row are)."""
    latest = list(
        DeliveryAttempt.objects.filter(message__channel=channel).order_by("-at", "-id")[:limit]
    )
    streak: list[DeliveryAttempt] = []
    for attempt in latest:
        if attempt.outcome == AttemptOutcome.ACCEPTED:
            break
        streak.append(attempt)
    return len({a.message_id for a in streak}), streak


def channel_alerts_check(*, now: datetime.datetime | None = None) -> list[ChannelAlert]:
    """Open an alert for each channel whose latest attempts failed for
    ``NOTIFY_ALERT_AFTER`` different messages in a row (permanent refusals,
    the provider down or answering garbage), close it when the channel accepted a message again,
    and e-mail the administrators once per opened alert. Run twice, the
    second run opens and e-mails nothing. Returns the open alerts."""
    now = now or timezone.now()
    after = int(settings.NOTIFY_ALERT_AFTER)
    for channel in ChannelKind.values:
        failing, streak = _failure_streak(channel)
        open_alert = ChannelAlert.objects.filter(channel=channel, closed_at__isnull=True).first()
        if failing >= after:
            if open_alert is None:
                try:
                    with transaction.atomic():
                        open_alert = ChannelAlert.objects.create(
                            channel=channel,
                            opened_at=now,
                            failures=failing,
                            last_code=streak[0].code[:60],
                            last_failure_at=streak[0].at,
                        )
                except IntegrityError:  # another run opened it
                    continue
                logger.error(
                    "notification channel %s keeps failing: %s messages in a row (last %s)",
                    channel,
                    failing,
                    streak[0].code,
                )
            else:
                open_alert.last_code = streak[0].code[:60]
                open_alert.last_failure_at = streak[0].at
                open_alert.failures = max(open_alert.failures, failing)
                open_alert.save(update_fields=["last_code", "last_failure_at", "failures"])
        elif open_alert is not None and _accepted_since(channel, open_alert):
            open_alert.closed_at = now
            open_alert.save(update_fields=["closed_at"])
    alerts = list(ChannelAlert.objects.filter(closed_at__isnull=True))
    for alert in alerts:
        if alert.emailed_at is None:
            _email_admins(alert, now)
    return alerts


def _accepted_since(channel: str, alert: ChannelAlert) -> bool:
    return DeliveryAttempt.objects.filter(
        message__channel=channel, outcome=AttemptOutcome.ACCEPTED, at__gte=alert.opened_at
    ).exists()


def _email_admins(alert: ChannelAlert, now: datetime.datetime) -> None:
    """The alert by e-mail to the province's and units' administrators
    (marked sent only when the mail server accepted it; else tried again
    on the next run)."""
    from django.core.mail import send_mail

    addresses = sorted(
        {
            a.user.email
            for a in RoleAssignment.objects.filter(
                role__in=[Role.PROVINCE_ADMIN, Role.UNIT_ADMIN], user__is_active=True
            ).select_related("user")
            if a.user.email
        }
    )
    if not addresses:
        return
    label = ChannelKind(alert.channel).label
    try:
        send_mail(
            subject=f"Cảnh báo: kênh {label} gửi thông báo không được",
            message=(
                f"Kênh {label} đã gửi không được {alert.failures} thông báo liên tiếp "
                f"(lỗi gần nhất lúc "
                f"{timezone.localtime(alert.last_failure_at):%H:%M ngày %d/%m/%Y}).\n\n"
                "Kiểm tra nhà cung cấp dịch vụ và cấu hình kênh; sau đó gửi lại các thông báo "
                "đã gửi không được trong trang quản trị (Thông báo → Gửi lại).\n\n"
                + absolute(reverse("backoffice:home"))
            ),
            from_email=None,
            recipient_list=addresses,
        )
    except Exception:  # the mail server may be the channel that is down
        logger.exception("could not e-mail the channel alert %s", alert.pk)
        return
    ChannelAlert.objects.filter(pk=alert.pk).update(emailed_at=now)
    alert.emailed_at = now
