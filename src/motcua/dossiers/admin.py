"""Read-only admin views for support: the admin is for configuration, never
for changing a dossier (every change goes through a service). Opening a
dossier here is logged like any other read."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.dossiers.models import Dossier, DossierAccessLog, DossierCounter, DossierEvent


class ReadOnlyAdmin(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class EventInline(admin.TabularInline[DossierEvent, Dossier]):
    model = DossierEvent
    fields = ("seq", "action", "actor", "actor_role", "from_state", "to_state", "to_step", "at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("seq",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Dossier)
class DossierAdmin(ReadOnlyAdmin):
    list_display = ("code", "state", "national_status", "receiving_agency", "due_at")
    list_filter = ("state", "channel")
    search_fields = ("code",)
    inlines = (EventInline,)
    exclude = ("form_data", "tracking_token", "idempotency_key")

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            user = request.user if request.user.is_authenticated else None
            DossierAccessLog.objects.create(dossier=obj, user=user, channel="admin")
        return obj


@admin.register(DossierCounter)
class DossierCounterAdmin(ReadOnlyAdmin):
    list_display = ("agency", "day", "value")
    list_filter = ("day",)


@admin.register(DossierAccessLog)
class DossierAccessLogAdmin(ReadOnlyAdmin):
    list_display = ("at", "dossier", "user", "channel")
    list_filter = ("channel",)
