"""One row per imported legacy dossier: the stable legacy id of its line
(unique: importing the same file twice adds nothing) and the dossier the
services built from it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportedDossier(models.Model):
    legacy_id = models.CharField(_("mã hồ sơ ở hệ thống cũ"), max_length=100, unique=True)
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, related_name="imported_from"
    )
    #: The result kind the legacy system recorded (``issued``, ``refused`` …).
    result_kind = models.CharField(_("loại kết quả"), max_length=20, blank=True)
    source = models.CharField(_("tệp nguồn"), max_length=200, blank=True)
    line_digest = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hồ sơ nhập từ hệ thống cũ")
        verbose_name_plural = _("hồ sơ nhập từ hệ thống cũ")

    def __str__(self) -> str:
        return self.legacy_id
