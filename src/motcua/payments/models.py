"""Fees and payments: the fee rules a unit sets for a configured procedure,
the obligation a dossier owes (amount frozen with its breakdown when it is
created), the payment attempts against a gateway, every state transition of
an attempt, and every callback received (applied or refused)."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from motcua.payments.states import (
    CallbackOutcome,
    DueAt,
    GatewayName,
    ObligationState,
    PaymentState,
)


class FeePolicy(models.Model):
    """When a configured procedure's fees fall due and the online discount
    the People's Council set (percent off for online submissions)."""

    configured = models.OneToOneField(
        "catalog.ConfiguredProcedure", on_delete=models.CASCADE, related_name="fee_policy"
    )
    due_at = models.CharField(
        _("thời điểm nộp phí"), max_length=12, choices=DueAt.choices, default=DueAt.SUBMISSION
    )
    online_discount_percent = models.PositiveSmallIntegerField(
        _("giảm khi nộp trực tuyến (%)"), default=0
    )

    class Meta:
        verbose_name = _("cách thu phí")
        verbose_name_plural = _("cách thu phí")
        constraints = [
            models.CheckConstraint(
                condition=Q(online_discount_percent__lte=100), name="fee_policy_discount_range"
            )
        ]

    def __str__(self) -> str:
        return f"{self.configured_id}: {self.due_at}"


class FeeRuleKind(models.TextChoices):
    EXEMPT = "exempt", _("Miễn")
    REDUCE = "reduce", _("Giảm")


class FeeRule(models.Model):
    """An exemption or reduction: applies when the declaration field
    ``field`` equals ``value`` (e.g. ``doi_tuong`` = ``nguoi_co_cong``).
    ``fee_name`` blank = every fee of the procedure."""

    configured = models.ForeignKey(
        "catalog.ConfiguredProcedure", on_delete=models.CASCADE, related_name="fee_rules"
    )
    label = models.CharField(_("căn cứ"), max_length=300)
    kind = models.CharField(_("loại"), max_length=8, choices=FeeRuleKind.choices)
    percent = models.PositiveSmallIntegerField(_("mức giảm (%)"), default=100)
    field = models.CharField(_("trường tờ khai"), max_length=100)
    value = models.CharField(_("giá trị"), max_length=200)
    fee_name = models.CharField(_("áp dụng cho phí"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("miễn, giảm phí")
        verbose_name_plural = _("miễn, giảm phí")
        ordering = ["configured", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="fee_rule_percent_range")
        ]

    def __str__(self) -> str:
        return self.label


class Obligation(models.Model):
    """What a dossier owes: the amount and its breakdown (frozen), due at
    submission or asked for mid-way (``ask_to_pay``)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="obligations"
    )
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    stage = models.CharField(max_length=12, choices=DueAt.choices)
    amount_vnd = models.BigIntegerField(_("số tiền (đồng)"))
    lines = models.JSONField(default=list, help_text="[{name, base_vnd, amount_vnd, notes}]")
    reason = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=10, choices=ObligationState.choices)
    created_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    receipt_number = models.CharField(max_length=40, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("nghĩa vụ tài chính")
        verbose_name_plural = _("nghĩa vụ tài chính")
        ordering = ["dossier", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(state="due"),
                name="obligation_one_due_per_dossier",
            ),
            models.CheckConstraint(condition=Q(amount_vnd__gte=0), name="obligation_amount_gte0"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.amount_vnd} ({self.state})"


class Payment(models.Model):
    """One attempt to pay an obligation through a gateway. ``reference`` is
    unique per attempt (what the gateway sees); ``idempotency_key`` is the
    client's key for the charge (one attempt per key and obligation)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    obligation = models.ForeignKey(Obligation, on_delete=models.PROTECT, related_name="payments")
    gateway = models.CharField(max_length=10, choices=GatewayName.choices)
    reference = models.CharField(max_length=40, unique=True)
    idempotency_key = models.CharField(max_length=100)
    amount_vnd = models.BigIntegerField()
    state = models.CharField(max_length=10, choices=PaymentState.choices)
    gateway_transaction = models.CharField(max_length=64, blank=True)
    pay_url = models.URLField(max_length=2000, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    paid_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("lần thanh toán")
        verbose_name_plural = _("lần thanh toán")
        ordering = ["created_at", "pk"]
        constraints = [
            # Never two successful charges for one obligation.
            models.UniqueConstraint(
                fields=["obligation"],
                condition=Q(state="paid"),
                name="payment_one_paid_per_obligation",
            ),
            models.UniqueConstraint(
                fields=["obligation", "idempotency_key"], name="payment_idempotency_unique"
            ),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="payment_state_created")]

    def __str__(self) -> str:
        return self.reference


class PaymentTransition(models.Model):
    """A row per state change of a payment (who or what moved it)."""

    payment = models.ForeignKey(Payment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=10)
    to_state = models.CharField(max_length=10)
    source = models.CharField(max_length=20)  # start | callback | sweep | return | user
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["payment", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.payment_id}: {self.from_state} → {self.to_state}"


class RefundState(models.TextChoices):
    REQUESTED = "requested", _("Đang gửi yêu cầu hoàn tiền")
    REFUNDED = "refunded", _("Đã hoàn tiền")
    FAILED = "failed", _("Cổng thanh toán từ chối hoàn tiền")


class Refund(models.Model):
    """The money of one payment sent back through its gateway: at most one
    per payment (never refunded twice), with the request id the gateway
    deduplicates on, every try counted, a temporary failure retried later
    and a refusal recorded."""

    payment = models.OneToOneField(Payment, on_delete=models.PROTECT, related_name="refund")
    request_id = models.CharField(max_length=40, unique=True)
    amount_vnd = models.BigIntegerField()
    reason = models.CharField(_("lý do"), max_length=500)
    requested_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=10, choices=RefundState.choices)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    gateway_transaction = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        verbose_name = _("hoàn tiền")
        verbose_name_plural = _("hoàn tiền")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="refund_due_idx")]

    def __str__(self) -> str:
        return f"{self.request_id}: {self.state}"


class CallbackRecord(models.Model):
    """Every callback received from a gateway, with what we did with it."""

    gateway = models.CharField(max_length=10, choices=GatewayName.choices)
    reference = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(max_length=20, choices=CallbackOutcome.choices)
    params = models.JSONField(default=dict)
    received_at = models.DateTimeField()
    remote_addr = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [models.Index(fields=["reference"], name="callback_reference")]

    def __str__(self) -> str:
        return f"{self.gateway} {self.reference}: {self.outcome}"
