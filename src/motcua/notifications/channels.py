"""The channel adapters the notifier sends through, built from settings
(``NOTIFY_*``); one instance per channel and process."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed

from motcua.integrations.channel import Channel
from motcua.integrations.sms.client import SmsGatewayChannel
from motcua.integrations.smtp.client import EmailChannel
from motcua.integrations.zalo.client import ZaloZnsChannel


@cache
def channel_for(kind: str) -> Channel:
    timeout = float(settings.NOTIFY_CHANNEL_TIMEOUT)
    if kind == "email":
        return EmailChannel()
    if kind == "sms":
        return SmsGatewayChannel(
            url=settings.NOTIFY_SMS_URL, api_key=settings.NOTIFY_SMS_KEY, timeout=timeout
        )
    if kind == "zalo":
        return ZaloZnsChannel(
            url=settings.NOTIFY_ZALO_URL, access_token=settings.NOTIFY_ZALO_TOKEN, timeout=timeout
        )
    raise ValueError(kind)


def _reset(*, setting: str, **_kwargs: object) -> None:
    if setting.startswith("NOTIFY_"):
        channel_for.cache_clear()


setting_changed.connect(_reset)
