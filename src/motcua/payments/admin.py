"""Admin: the fee policy and the exemption/reduction rules of a configured
procedure are edited here; obligations, payments and callbacks are read
only (they change through the payment state machine, never by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from motcua.payments.models import CallbackRecord, FeePolicy, FeeRule, Obligation, Payment


@admin.register(FeePolicy)
class FeePolicyAdmin(admin.ModelAdmin[FeePolicy]):
    list_display = ["configured", "due_at", "online_discount_percent"]
    raw_id_fields = ["configured"]


@admin.register(FeeRule)
class FeeRuleAdmin(admin.ModelAdmin[FeeRule]):
    list_display = ["label", "configured", "kind", "percent", "field", "value", "fee_name"]
    raw_id_fields = ["configured"]


class _ReadOnly(admin.ModelAdmin[Any]):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Obligation)
class ObligationAdmin(_ReadOnly):
    list_display = ["dossier", "amount_vnd", "stage", "state", "receipt_number", "created_at"]
    list_filter = ["state", "stage"]


@admin.register(Payment)
class PaymentAdmin(_ReadOnly):
    list_display = ["reference", "gateway", "amount_vnd", "state", "created_at", "paid_at"]
    list_filter = ["state", "gateway"]
    search_fields = ["reference"]


@admin.register(CallbackRecord)
class CallbackRecordAdmin(_ReadOnly):
    list_display = ["received_at", "gateway", "reference", "outcome", "remote_addr"]
    list_filter = ["outcome", "gateway"]
    search_fields = ["reference"]
