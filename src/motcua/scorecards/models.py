"""Scorecards (chỉ số phục vụ): per-unit, per-day, per-procedure counters
kept up to date by the dossiers' event hook (one upsert per event), and
rebuilt from the event log by ``motcua scorecards_rebuild``.

One row per (agency, local day, procedure, metric) with a count ``n``: the
long layout lets a new metric arrive without a migration, and a period's
figures are one ``SUM`` grouped by agency and metric."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DailyCount(models.Model):
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="+", verbose_name=_("đơn vị")
    )
    #: The local day (Asia/Ho_Chi_Minh) of the event that was counted.
    day = models.DateField(_("ngày"))
    procedure = models.ForeignKey(
        "catalog.Procedure", on_delete=models.PROTECT, related_name="+", verbose_name=_("thủ tục")
    )
    metric = models.CharField(_("chỉ tiêu"), max_length=32)
    n = models.BigIntegerField(_("số lượng"), default=0)

    class Meta:
        verbose_name = _("số liệu tổng hợp theo ngày")
        verbose_name_plural = _("số liệu tổng hợp theo ngày")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "day", "procedure", "metric"], name="scorecard_count_unique"
            )
        ]
        indexes = [
            models.Index(fields=["day", "agency", "metric"], name="scorecard_day_agency_idx")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day} {self.procedure_id} {self.metric}={self.n}"
