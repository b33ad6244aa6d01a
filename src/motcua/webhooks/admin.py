from __future__ import annotations

from django.contrib import admin

from motcua.webhooks.models import WebhookSubscription


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    list_display = ["name", "agency", "url", "active", "consecutive_failures", "disabled_at"]
    list_filter = ["active"]
    search_fields = ["name", "url"]
    raw_id_fields = ["agency"]
    readonly_fields = [
        "consecutive_failures",
        "disabled_at",
        "disabled_reason",
        "last_delivered_at",
    ]
