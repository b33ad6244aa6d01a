"""Notification data: versioned message templates, one :class:`Message`
per event x recipient x channel (unique, so nothing is sent twice for one
event), one :class:`DeliveryAttempt` per try, and the applicant's channels
and verified contacts."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ChannelKind(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class Audience(models.TextChoices):
    APPLICANT = "applicant", _("Người nộp hồ sơ")
    OFFICER = "officer", _("Cán bộ")


class MessageTemplate(models.Model):
    """One version of the wording of one event's message. A new version is
    a new row (``version`` + 1); messages keep the version they were built
    from. ``subject``/``body`` use ``{name}`` fields; ``short`` is the SMS
    text; ``zalo_template_id`` the approved ZNS template."""

    key = models.CharField(_("sự kiện"), max_length=40)
    version = models.PositiveIntegerField(_("phiên bản"), default=1)
    audience = models.CharField(_("người nhận"), max_length=10, choices=Audience.choices)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung thư"))
    short = models.CharField(_("nội dung tin nhắn ngắn"), max_length=480)
    zalo_template_id = models.CharField(_("mã mẫu Zalo ZNS"), max_length=40, blank=True)
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["key", "version"], name="message_template_version")
        ]

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    RETRYING = "retrying", _("Chờ gửi lại")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


FINAL_STATUSES = frozenset({MessageStatus.SENT, MessageStatus.FAILED})


class Message(models.Model):
    """One message to one recipient in one channel for one occasion
    (``occasion``: ``event:<id>:<template>``, ``due:<step run>:<threshold>``,
    ``delivery:<order>:failed``, ``rating:<id>:rated`` or
    ``feedback:<id>:answered``). ``dossier`` is empty only for the answer to
    feedback about a unit or a procedure (``feedback`` is then set)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    occasion = models.CharField(max_length=80)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    feedback = models.ForeignKey(
        "feedback.Feedback",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
    )
    template = models.ForeignKey(MessageTemplate, on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recipient = models.CharField(_("người nhận"), max_length=64)
    channel = models.CharField(_("kênh"), max_length=10, choices=ChannelKind.choices)
    address = models.CharField(_("địa chỉ nhận"), max_length=254)
    subject = models.CharField(_("tiêu đề"), max_length=200)
    body = models.TextField(_("nội dung"))
    short = models.CharField(max_length=480)
    data = models.JSONField(default=dict, blank=True)
    link = models.URLField(_("đường dẫn hồ sơ"), max_length=500)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    provider_id = models.CharField(_("mã của nhà cung cấp"), max_length=200, blank=True)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    #: The attempts made before the latest manual resend: a resend gives the
    #: message a fresh budget of ``NOTIFY_MAX_ATTEMPTS`` tries.
    retry_base = models.PositiveSmallIntegerField(default=0)
    resent_at = models.DateTimeField(_("gửi lại lúc"), null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["dossier_id", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["occasion", "recipient", "channel"], name="message_once_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="message_due_idx")]

    def __str__(self) -> str:
        return f"{self.occasion} → {self.channel}:{self.address}"


class AttemptOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Nhà cung cấp đã nhận")
    TEMPORARY = "temporary", _("Lỗi tạm thời")
    PERMANENT = "permanent", _("Lỗi vĩnh viễn")


class DeliveryAttempt(models.Model):
    """One try to hand a message to its channel's provider."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attempts_log")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField()
    outcome = models.CharField(max_length=10, choices=AttemptOutcome.choices)
    provider_id = models.CharField(max_length=200, blank=True)
    code = models.CharField(max_length=60, blank=True)
    detail = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("lần gửi")
        verbose_name_plural = _("lần gửi")
        ordering = ["message_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["message", "number"], name="delivery_attempt_once")
        ]

    def __str__(self) -> str:
        return f"{self.message_id}#{self.number} {self.outcome}"


class ContactPoint(models.Model):
    """A phone number or e-mail address of an applicant's account, usable
    for notifications once verified (a code sent to it, typed back)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_points"
    )
    kind = models.CharField(max_length=10, choices=[("phone", "phone"), ("email", "email")])
    value = models.CharField(max_length=254)
    code_digest = models.CharField(max_length=64, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_tries = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("địa chỉ liên lạc")
        verbose_name_plural = _("địa chỉ liên lạc")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "value"], name="contact_point_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class Preference(models.Model):
    """The channels an applicant wants to be told in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("thư điện tử"), default=True)
    sms = models.BooleanField(_("tin nhắn SMS"), default=False)
    zalo = models.BooleanField(_("Zalo"), default=False)

    class Meta:
        verbose_name = _("kênh nhận thông báo")
        verbose_name_plural = _("kênh nhận thông báo")

    def __str__(self) -> str:
        return f"{self.user_id}"

    def channels(self) -> list[str]:
        return [c for c in ChannelKind.values if getattr(self, c)]


class ChannelAlert(models.Model):
    """A channel that keeps failing: opened when its latest
    ``NOTIFY_ALERT_AFTER`` attempts all failed (permanent refusals, or the
    provider down), closed by its next accepted message. Shown on the
    administrators' back-office home; e-mailed to them once when opened."""

    channel = models.CharField(_("kênh"), max_length=10, choices=ChannelKind.choices)
    opened_at = models.DateTimeField(_("bắt đầu"))
    failures = models.PositiveIntegerField(_("số lần lỗi liên tiếp"), default=0)
    last_code = models.CharField(_("mã lỗi gần nhất"), max_length=60, blank=True)
    last_failure_at = models.DateTimeField(_("lỗi gần nhất lúc"))
    emailed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(_("hết lỗi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("cảnh báo kênh gửi")
        verbose_name_plural = _("cảnh báo kênh gửi")
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["channel"],
                condition=models.Q(closed_at__isnull=True),
                name="channel_alert_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.opened_at:%Y-%m-%d %H:%M}"
