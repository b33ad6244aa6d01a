"""What the site knows of each dossier's copy on the national portal."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncState(models.TextChoices):
    SYNCED = "synced", _("Đã đồng bộ")
    MISSING = "missing", _("Chưa có trên Cổng quốc gia")
    BEHIND = "behind", _("Trạng thái trên Cổng quốc gia chưa cập nhật")
    UNKNOWN = "unknown", _("Chưa đối soát")


class NationalSync(models.Model):
    """One row per dossier that has been sent or looked up. Written by the
    destinations after a delivery (``sent_*``, ``late``) and by the
    reconciliation (``remote_*``, ``state``); a row changes only when one of
    its values does (a reconciliation run twice writes nothing the second
    time)."""

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    sent_status = models.PositiveSmallIntegerField(_("trạng thái đã gửi"), null=True)
    first_synced_at = models.DateTimeField(_("lần đồng bộ đầu"), null=True, blank=True)
    last_synced_at = models.DateTimeField(_("lần đồng bộ gần nhất"), null=True, blank=True)
    late = models.BooleanField(_("đồng bộ trễ"), default=False)
    remote_status = models.PositiveSmallIntegerField(_("trạng thái trên Cổng quốc gia"), null=True)
    state = models.CharField(
        _("kết quả đối soát"), max_length=10, choices=SyncState.choices, default=SyncState.UNKNOWN
    )
    state_since = models.DateTimeField(_("kết quả đối soát từ"), null=True, blank=True)
    reason = models.CharField(_("lý do"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("đồng bộ Cổng Dịch vụ công quốc gia")
        verbose_name_plural = _("đồng bộ Cổng Dịch vụ công quốc gia")
        indexes = [models.Index(fields=["state"], name="national_sync_state")]

    def __str__(self) -> str:
        return f"{self.pk}: {self.state}"
