"""Admin: message templates (a new wording is a new version), the messages
(read only) with the action "Gửi lại" for failed ones, and the channel
alerts (read only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.notifications import services
from motcua.notifications.models import (
    ChannelAlert,
    DeliveryAttempt,
    Message,
    MessageStatus,
    MessageTemplate,
)


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin[MessageTemplate]):
    list_display = ["key", "version", "audience", "subject", "active"]
    list_filter = ["key", "active"]


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AttemptInline(admin.TabularInline[DeliveryAttempt, Message]):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("number", "at", "outcome", "provider_id", "code", "detail")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Message)
class MessageAdmin(_ReadOnly):
    list_display = ["occasion", "channel", "address", "status", "attempts", "created_at"]
    list_filter = ["status", "channel", "audience"]
    search_fields = ["occasion", "address", "dossier__code"]
    raw_id_fields = ["dossier", "feedback"]
    inlines = [AttemptInline]
    actions = ["resend"]

    def has_resend_permission(self, request: HttpRequest) -> bool:
        """Who may resend: the holders of "change message" (the province
        administrator, superusers); the message itself stays read only."""
        return bool(request.user.has_perm("notifications.change_message"))

    @admin.action(description="Gửi lại các thông báo đã gửi không được", permissions=["resend"])
    def resend(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        actor = request.user
        assert isinstance(actor, User)
        done = 0
        for message in queryset.filter(status=MessageStatus.FAILED):
            try:
                services.message_resend(message_id=message.pk, actor=actor)
            except DomainError:
                continue
            done += 1
        skipped = queryset.count() - done
        self.message_user(request, f"Đã xếp {done} thông báo vào hàng gửi lại.", messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                f"Bỏ qua {skipped} thông báo không ở trạng thái gửi không được.",
                messages.WARNING,
            )


@admin.register(ChannelAlert)
class ChannelAlertAdmin(_ReadOnly):
    list_display = ["channel", "opened_at", "failures", "last_code", "emailed_at", "closed_at"]
    list_filter = ["channel"]
