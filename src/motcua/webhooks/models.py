"""Webhook subscriptions: another provincial system asks to be told, at its
URL, of the events of one unit's dossiers. Deliveries go through the outbox
(destination ``webhooks``), signed with the subscription's secret."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("cơ quan, đơn vị"),
    )
    name = models.CharField(_("tên hệ thống nhận"), max_length=120)
    url = models.URLField(_("địa chỉ nhận"), max_length=500)
    #: Dossier actions (``submit``, ``accept``, …) to send; empty: all.
    event_types = models.JSONField(_("loại sự kiện"), default=list, blank=True)
    secret = models.CharField(_("khóa bí mật"), max_length=100, default=new_secret)
    active = models.BooleanField(_("đang bật"), default=True)
    consecutive_failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    disabled_at = models.DateTimeField(_("thời điểm tự động tắt"), null=True, blank=True)
    disabled_reason = models.CharField(_("lý do tắt"), max_length=500, blank=True, default="")
    last_delivered_at = models.DateTimeField(
        _("lần gửi thành công gần nhất"), null=True, blank=True
    )
    created_at = models.DateTimeField(_("thời điểm tạo"), auto_now_add=True)

    class Meta:
        verbose_name = _("đăng ký webhook")
        verbose_name_plural = _("đăng ký webhook")
        indexes = [
            models.Index(
                fields=["agency"], condition=models.Q(active=True), name="webhook_active_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.url})"

    def wants(self, action: str) -> bool:
        return not self.event_types or action in self.event_types
