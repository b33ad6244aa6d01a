"""Admin for the calendar's configuration. Every write goes through the
services, so the overlap check and the cache invalidation always apply."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.calendar import services
from motcua.calendar.forms import CalendarOverrideForm
from motcua.calendar.models import CalendarOverride, WorkingHours


def _actor(request: HttpRequest) -> User | None:
    user = request.user
    return user if isinstance(user, User) else None


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin[CalendarOverride]):
    form = CalendarOverrideForm
    list_display = ("start_date", "end_date", "kind", "reason", "reference", "updated_at")
    list_filter = ("kind",)
    search_fields = ("reason", "reference")
    date_hierarchy = "start_date"
    fields = ("start_date", "end_date", "kind", "reason", "reference")
    readonly_fields = ()

    def save_model(
        self, request: HttpRequest, obj: CalendarOverride, form: ModelForm[Any], change: bool
    ) -> None:
        kind: Any = obj.kind
        values: dict[str, Any] = {
            "actor": _actor(request),
            "start_date": obj.start_date,
            "end_date": obj.end_date,
            "kind": kind,
            "reason": obj.reason,
            "reference": obj.reference,
        }
        if change:
            saved = services.calendar_override_update(override=obj, **values)
        else:
            saved = services.calendar_override_create(**values)
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: CalendarOverride) -> None:
        services.calendar_override_delete(actor=_actor(request), override=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CalendarOverride]) -> None:
        for obj in queryset:
            services.calendar_override_delete(actor=_actor(request), override=obj)


@admin.register(WorkingHours)
class WorkingHoursAdmin(admin.ModelAdmin[WorkingHours]):
    list_display = (
        "province_code",
        "morning_start",
        "morning_end",
        "afternoon_start",
        "afternoon_end",
        "updated_at",
    )
    fields = ("province_code", "morning_start", "morning_end", "afternoon_start", "afternoon_end")

    def save_model(
        self, request: HttpRequest, obj: WorkingHours, form: ModelForm[Any], change: bool
    ) -> None:
        if change:
            original = WorkingHours.objects.get(pk=obj.pk)
            if original.province_code != obj.province_code:
                services.working_hours_delete(actor=_actor(request), hours=original)
        saved = services.working_hours_set(
            actor=_actor(request),
            province_code=obj.province_code,
            morning_start=obj.morning_start,
            morning_end=obj.morning_end,
            afternoon_start=obj.afternoon_start,
            afternoon_end=obj.afternoon_end,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: WorkingHours) -> None:
        services.working_hours_delete(actor=_actor(request), hours=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[WorkingHours]) -> None:
        for obj in queryset:
            services.working_hours_delete(actor=_actor(request), hours=obj)
