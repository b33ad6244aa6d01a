"""Admin: outbox rows and their tries are read only (resend and skip are in
the back office, where they are recorded with who did them)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.outbox.models import OutboxAttempt, OutboxMessage


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class _Attempts(admin.TabularInline[OutboxAttempt, OutboxMessage]):
    model = OutboxAttempt
    extra = 0
    can_delete = False
    readonly_fields = ["at", "outcome", "reason", "answer", "duration_ms", "by"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(_ReadOnly):
    list_display = ["id", "destination", "dossier", "key", "state", "attempts", "created_at"]
    list_filter = ["state", "destination"]
    search_fields = ["key", "dossier__code"]
    raw_id_fields = ["dossier", "event"]
    inlines = [_Attempts]
