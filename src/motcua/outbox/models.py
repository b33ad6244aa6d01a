"""The outbox: one row per message a destination outside the system must
receive, written in the same transaction as the dossier event it tells of
(:mod:`motcua.outbox.hooks`), delivered later by ``motcua outbox_worker``.

Models hold data only: changes go through :mod:`motcua.outbox.services`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class State(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    DELIVERED = "delivered", _("Đã gửi")
    DEAD = "dead", _("Gửi không thành công (đã dừng)")
    SKIPPED = "skipped", _("Đã bỏ qua")


#: States that hold back the later rows of the same stream (a later status
#: never overtakes an earlier one): a dead row waits to be resent or skipped.
BLOCKING_STATES = (State.PENDING, State.SENDING, State.DEAD)


class OutboxMessage(models.Model):
    destination = models.CharField(_("nơi nhận"), max_length=40)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hồ sơ"),
    )
    event = models.ForeignKey(
        "dossiers.DossierEvent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sự kiện"),
    )
    #: Rows of one destination and one stream are delivered in ``id`` order;
    #: a dossier's rows share the stream ``d<dossier id>`` unless the
    #: destination names another (webhooks: one stream per subscription and
    #: dossier). Blank: no ordering.
    stream = models.CharField(max_length=80, blank=True, default="")
    #: The idempotency key sent to the other side, stable across retries.
    key = models.CharField(_("khóa chống trùng"), max_length=120)
    payload = models.JSONField(_("nội dung"), default=dict)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần gửi"), default=0)
    permanent_failures = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(_("lần gửi tiếp theo"))
    #: The claim of the worker sending the row: ``lease_until`` passed, the
    #: row is taken back; ``claim`` fences a late answer of a worker whose
    #: lease ran out.
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=40, blank=True, default="")
    last_error = models.TextField(_("lỗi gần nhất"), blank=True, default="")
    last_answer = models.TextField(_("phản hồi gần nhất"), blank=True, default="")
    remote_id = models.CharField(max_length=120, blank=True, default="")
    delivered_at = models.DateTimeField(_("thời điểm gửi thành công"), null=True, blank=True)
    created_at = models.DateTimeField(_("thời điểm tạo"))

    class Meta:
        verbose_name = _("thư đi")
        verbose_name_plural = _("thư đi")
        constraints = [
            models.UniqueConstraint(fields=["destination", "key"], name="outbox_key_unique"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                condition=models.Q(state__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            models.Index(
                fields=["destination", "stream", "id"],
                condition=models.Q(state__in=["pending", "sending", "dead"]),
                name="outbox_blocking_idx",
            ),
            models.Index(fields=["dossier", "id"], name="outbox_dossier_idx"),
            models.Index(
                fields=["destination", "id"],
                condition=models.Q(state="dead"),
                name="outbox_dead_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.destination} {self.key}"


class Outcome(models.TextChoices):
    DELIVERED = "delivered", _("Thành công")
    TEMPORARY = "temporary", _("Lỗi tạm thời, sẽ gửi lại")
    PERMANENT = "permanent", _("Bị từ chối")
    RESENT = "resent", _("Quản trị gửi lại")
    SKIPPED = "skipped", _("Quản trị bỏ qua")


class OutboxAttempt(models.Model):
    """One try (or one administrator's decision) on an outbox row."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("thời điểm"))
    outcome = models.CharField(_("kết quả"), max_length=10, choices=Outcome.choices)
    reason = models.TextField(_("lý do"), blank=True, default="")
    answer = models.TextField(_("phản hồi"), blank=True, default="")
    duration_ms = models.PositiveIntegerField(_("thời gian (ms)"), default=0)
    by = models.CharField(_("bởi"), max_length=150, blank=True, default="")

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("lần gửi")
        ordering = ["message_id", "id"]

    def __str__(self) -> str:
        return f"{self.message_id} {self.at:%Y-%m-%d %H:%M:%S} {self.outcome}"
