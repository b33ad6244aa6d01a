"""Configuration of the working-time calendar: overrides of the holiday
library (government swaps it lacks, corrections) and working hours."""

from __future__ import annotations

import uuid
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from motcua.calendar.engine import WORKING_DAY, validate_sessions


class OverrideKind(models.TextChoices):
    DAY_OFF = "day_off", _("Ngày nghỉ")
    WORKING_DAY = "working_day", _("Ngày làm việc")


def overlap_error(
    *, start_date: object, end_date: object, existing: CalendarOverride
) -> ValidationError:
    return ValidationError(
        gettext(
            "Khoảng ngày %(start)s–%(end)s trùng với điều chỉnh lịch đã có "
            "%(other_start)s–%(other_end)s (%(other_reason)s). "
            "Hãy sửa hoặc xóa điều chỉnh đó trước."
        )
        % {
            "start": f"{start_date:%d/%m/%Y}",
            "end": f"{end_date:%d/%m/%Y}",
            "other_start": f"{existing.start_date:%d/%m/%Y}",
            "other_end": f"{existing.end_date:%d/%m/%Y}",
            "other_reason": existing.reason,
        },
        code="overlap",
    )


class CalendarOverride(models.Model):
    """A range of days forced to be off or working, on top of the holidays
    library. Ranges never overlap."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    start_date = models.DateField(_("từ ngày"))
    end_date = models.DateField(_("đến ngày (tính cả ngày này)"))
    kind = models.CharField(_("loại"), max_length=16, choices=OverrideKind.choices)
    reason = models.CharField(_("lý do"), max_length=255)
    reference = models.CharField(
        _("căn cứ pháp lý"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Thông báo 9441/TB-BNV"),
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")
        ordering = ["start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="workcalendar_override_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}: {self.get_kind_display()}"

    def clean(self) -> None:
        if self.start_date is None or self.end_date is None:
            return
        if self.end_date < self.start_date:
            raise ValidationError(
                {"end_date": gettext("Ngày kết thúc phải bằng hoặc sau ngày bắt đầu.")},
                code="invalid_range",
            )
        existing = (
            CalendarOverride.objects.filter(
                start_date__lte=self.end_date, end_date__gte=self.start_date
            )
            .exclude(pk=self.pk)
            .first()
        )
        if existing is not None:
            raise overlap_error(
                start_date=self.start_date, end_date=self.end_date, existing=existing
            )


class WorkingHours(models.Model):
    """Two sessions a day. ``province_code`` is the GSO code of the province
    (e.g. "86"); blank is the default for every province."""

    province_code = models.CharField(
        _("mã tỉnh (TCTK)"),
        max_length=8,
        blank=True,
        unique=True,
        help_text=_("Để trống: giờ làm việc mặc định cho mọi tỉnh."),
    )
    morning_start = models.TimeField(_("sáng bắt đầu"), default=time(7, 0))
    morning_end = models.TimeField(_("sáng kết thúc"), default=time(11, 30))
    afternoon_start = models.TimeField(_("chiều bắt đầu"), default=time(13, 30))
    afternoon_end = models.TimeField(_("chiều kết thúc"), default=time(17, 0))
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["province_code"]

    def __str__(self) -> str:
        where = self.province_code or gettext("mặc định")
        return (
            f"{where}: {self.morning_start:%H:%M}-{self.morning_end:%H:%M}, "
            f"{self.afternoon_start:%H:%M}-{self.afternoon_end:%H:%M}"
        )

    @property
    def sessions(self) -> tuple[tuple[time, time], tuple[time, time]]:
        return (
            (self.morning_start, self.morning_end),
            (self.afternoon_start, self.afternoon_end),
        )

    def clean(self) -> None:
        if None in (self.morning_start, self.morning_end, self.afternoon_start, self.afternoon_end):
            return
        try:
            validate_sessions(self.sessions)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid_sessions") from exc
        total = sum(
            (
                (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
                for start, end in self.sessions
            ),
            0,
        )
        if total * 60 != WORKING_DAY.total_seconds():
            raise ValidationError(
                gettext(
                    "Tổng thời gian hai buổi phải đúng 8 giờ (một ngày làm việc); "
                    "hiện là %(hours)s giờ %(minutes)s phút."
                )
                % {"hours": total // 60, "minutes": total % 60},
                code="invalid_total",
            )
