"""Subscriptions: create, switch on again, and the alert when the outbox
switched one off after repeated failures. A change of whether a subscription
is active forgets the cached set of subscribed units (``selectors``):
``create`` through the model's signal, the ``update()`` calls here by hand."""

from __future__ import annotations

import logging

from django.utils import timezone

from motcua.accounts.models import Role, RoleAssignment
from motcua.integrations.channel import Outcome, Outgoing
from motcua.units.models import Agency
from motcua.webhooks.models import WebhookSubscription, new_secret
from motcua.webhooks.selectors import forget_active_units

logger = logging.getLogger(__name__)


def subscription_create(
    *, agency: Agency, name: str, url: str, event_types: list[str]
) -> WebhookSubscription:
    return WebhookSubscription.objects.create(
        agency=agency, name=name, url=url, event_types=sorted(set(event_types))
    )


def subscription_enable(*, subscription: WebhookSubscription) -> None:
    """Switch on again, with the failure count reset (rows that went dead
    while it was off are resent from the outbox's pages)."""
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        active=True, consecutive_failures=0, disabled_at=None, disabled_reason=""
    )
    forget_active_units()  # update() sends no signal


def subscription_disable(*, subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(active=False)
    forget_active_units()


def subscription_rotate_secret(*, subscription: WebhookSubscription) -> str:
    secret = new_secret()
    WebhookSubscription.objects.filter(pk=subscription.pk).update(secret=secret)
    return secret


def unit_admin_addresses(agency_id: int) -> list[str]:
    return sorted(
        {
            e
            for e in RoleAssignment.objects.filter(
                agency_id=agency_id, role=Role.UNIT_ADMIN, user__is_active=True
            ).values_list("user__email", flat=True)
            if e
        }
    )


def alert_disabled(sub: WebhookSubscription) -> int:
    """Tell the unit's administrators by e-mail (the notifications' e-mail
    channel); returns how many were told. A failure is logged, never raised:
    the subscription is off either way and its page says why."""
    from motcua.notifications.channels import channel_for

    channel = channel_for("email")
    text = (
        f"Webhook «{sub.name}» ({sub.url}) đã tự động tắt lúc "
        f"{timezone.localtime(sub.disabled_at or timezone.now()):%H:%M %d/%m/%Y} "
        f"sau {sub.consecutive_failures} lần gửi không thành công liên tiếp.\n"
        f"Lỗi gần nhất: {sub.disabled_reason}\n"
        "Sau khi hệ thống nhận hoạt động trở lại, hãy bật lại đăng ký và gửi lại các thư "
        "chưa gửi được trên trang Webhook của đơn vị."
    )
    told = 0
    for address in unit_admin_addresses(sub.agency_id):
        stamp = int((sub.disabled_at or timezone.now()).timestamp())
        result = channel.send(
            Outgoing(
                reference=f"webhook-{sub.pk}-{stamp}-{address}",
                address=address,
                subject="Webhook đã tự động tắt",
                text=text,
            )
        )
        if result.outcome == Outcome.ACCEPTED:
            told += 1
        else:
            logger.warning("webhook %s: could not alert %s: %s", sub.pk, address, result.detail)
    return told
