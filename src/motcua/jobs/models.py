"""One row per periodic job: when it was last enqueued and when it is due
next. The scheduler moves ``next_due_at`` with a compare-and-set in the same
transaction as the enqueue, so a job is enqueued once per period however
many schedulers run and however often they restart."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledJob(models.Model):
    name = models.CharField(_("tên tác vụ"), max_length=100, unique=True)
    next_due_at = models.DateTimeField(_("đến hạn lần tới"))
    last_enqueued_at = models.DateTimeField(_("lần đưa vào hàng đợi gần nhất"), null=True)
    last_task_id = models.CharField(max_length=64, blank=True)
    runs = models.PositiveIntegerField(_("số lần"), default=0)

    class Meta:
        verbose_name = _("tác vụ định kỳ")
        verbose_name_plural = _("tác vụ định kỳ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
