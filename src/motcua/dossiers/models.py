"""Dossiers (hồ sơ): the cached current state of each dossier, its
append-only, hash-chained event log, pauses, appointment changes, step runs,
the per-agency daily code counter and the access log.

Models hold data only: every change goes through
:mod:`motcua.dossiers.services`; reads that check who may see what go
through :mod:`motcua.dossiers.selectors`.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from motcua.dossiers.states import OPEN_STATES, QUEUE_STATES, State


class Channel(models.TextChoices):
    ONLINE = "online", _("Trực tuyến")
    COUNTER = "counter", _("Trực tiếp tại bộ phận một cửa")
    POST = "post", _("Dịch vụ bưu chính công ích")


class Delivery(models.TextChoices):
    ONLINE = "online", _("Nhận kết quả trực tuyến")
    COUNTER = "counter", _("Nhận tại bộ phận một cửa")
    POST = "post", _("Nhận qua dịch vụ bưu chính")


class FormSet(models.TextChoices):
    CIRCULAR_03_2025 = "2025", _("Thông tư 03/2025/TT-VPCP")
    CIRCULAR_01_2018 = "2018", _("Thông tư 01/2018/TT-VPCP")


class PauseKind(models.TextChoices):
    SUPPLEMENTING = "supplementing", _("Chờ bổ sung hồ sơ")
    AWAITING_PAYMENT = "awaiting_payment", _("Chờ thực hiện nghĩa vụ tài chính")
    COMPLETING = "completing", _("Chờ hoàn thiện hồ sơ trước khi tiếp nhận")


class AccessChannel(models.TextChoices):
    API = "api", _("API")
    WEB = "web", _("Trang web")
    TRACKING = "tracking", _("Tra cứu công khai")
    ADMIN = "admin", _("Quản trị")
    SYSTEM = "system", _("Hệ thống")


_OPEN = models.Q(state__in=sorted(OPEN_STATES))
_QUEUE = models.Q(state__in=sorted(QUEUE_STATES))


class Dossier(models.Model):
    """One dossier. The row is a cache of the latest state; the truth is the
    event log (:class:`DossierEvent`). ``version`` guards every change
    (compare-and-set) and equals the sequence number of the latest event."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.PROTECT,
        related_name="dossiers",
        verbose_name=_("người nộp hồ sơ"),
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="dossiers_submitted",
        verbose_name=_("người nhập hồ sơ"),
    )
    channel = models.CharField(_("kênh nộp"), max_length=10, choices=Channel.choices)
    assisted = models.BooleanField(_("nộp hộ"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("người hỗ trợ nộp hộ"),
    )
    consent_note = models.CharField(_("ghi nhận đồng ý nộp hộ"), max_length=500, blank=True)
    configured_procedure_version = models.ForeignKey(
        "catalog.ConfiguredProcedureVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("phiên bản cấu hình thủ tục"),
    )
    receiving_agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="dossiers_received",
        verbose_name=_("đơn vị tiếp nhận"),
    )
    processing_agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="dossiers_processed",
        verbose_name=_("đơn vị xử lý"),
    )
    #: GSO code of the province whose working hours apply (denormalised).
    province_code = models.CharField(max_length=5, blank=True)

    state = models.CharField(_("trạng thái"), max_length=20, choices=State.choices)
    national_status = models.PositiveSmallIntegerField(_("trạng thái DVCQG"), null=True)
    version = models.PositiveIntegerField(default=0)
    last_event_at = models.DateTimeField(null=True, blank=True)
    last_hash = models.CharField(max_length=64, blank=True)

    current_step = models.CharField(_("bước hiện tại"), max_length=60, blank=True)
    holder_agency = models.ForeignKey(
        "units.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_held",
        verbose_name=_("đơn vị đang giữ"),
    )
    holder_role = models.CharField(_("vai trò đang giữ"), max_length=20, blank=True)
    holder_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dossiers_held",
        verbose_name=_("người đang giữ"),
    )

    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    #: Folded (``core.text.fold``) code, applicant's name and identifiers and
    #: procedure name as filed: the back office's search finds names typed
    #: without diacritics, decomposed or in capitals on every database.
    search_text = models.TextField(editable=False, blank=True, default="")
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"), max_length=10, choices=Delivery.choices
    )
    form_set = models.CharField(
        _("bộ biểu mẫu"), max_length=4, choices=FormSet.choices, default=FormSet.CIRCULAR_03_2025
    )

    submitted_at = models.DateTimeField(_("thời điểm nộp"))
    accepted_at = models.DateTimeField(_("thời điểm tiếp nhận"), null=True, blank=True)
    first_appointment_at = models.DateTimeField(_("ngày hẹn trả lần đầu"), null=True, blank=True)
    appointment_at = models.DateTimeField(_("ngày hẹn trả hiện tại"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn của bước hiện tại"), null=True, blank=True)
    finished_at = models.DateTimeField(_("thời điểm kết thúc"), null=True, blank=True)

    tracking_token = models.CharField(max_length=32, unique=True)
    idempotency_key = models.CharField(max_length=100, null=True, blank=True)
    #: SHA-256 of the request that first used ``idempotency_key`` (method,
    #: path, canonical body): the same key with another request is refused.
    idempotency_fingerprint = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        constraints = [
            models.UniqueConstraint(
                fields=["submitted_by", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="dossier_idempotency_per_submitter",
            ),
        ]
        indexes = [
            # Keyset lists (dossiers.paging): every list's sort key ends in id,
            # so a page is one index range even when thousands share a due.
            models.Index(fields=["due_at", "id"], condition=_OPEN, name="dossier_open_due_idx"),
            models.Index(
                fields=["holder_agency", "holder_role", "due_at", "id"],
                condition=_QUEUE,
                name="dossier_queue_idx",
            ),
            models.Index(
                fields=["receiving_agency", "submitted_at", "id"], name="dossier_recv_idx"
            ),
            models.Index(fields=["submitted_by", "submitted_at", "id"], name="dossier_filer_idx"),
            models.Index(fields=["processing_agency", "state"], name="dossier_proc_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class DossierCounter(models.Model):
    """The daily sequence of dossier codes of one receiving agency (local
    day, Asia/Ho_Chi_Minh)."""

    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("bộ đếm mã hồ sơ")
        verbose_name_plural = _("bộ đếm mã hồ sơ")
        constraints = [
            models.UniqueConstraint(fields=["agency", "day"], name="dossier_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.day}: {self.value}"


class DossierEvent(models.Model):
    """One action on a dossier. Append-only: rows are never updated or
    deleted. ``hash`` is the SHA-256 of the canonical JSON encoding of the
    row including ``prev_hash`` (see :func:`motcua.dossiers.hashing.event_hash`)."""

    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20, blank=True)
    actor_agency = models.ForeignKey(
        "units.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_state = models.CharField(max_length=20)
    to_state = models.CharField(max_length=20)
    from_step = models.CharField(max_length=60, blank=True)
    to_step = models.CharField(max_length=60, blank=True)
    at = models.DateTimeField()
    working_seconds = models.IntegerField(default=0)
    payload = models.JSONField(default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        ordering = ["dossier_id", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["dossier", "seq"], name="dossier_event_seq_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}#{self.seq} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Append-only: a stored event is never saved again.
        if self.pk is not None and not self._state.adding:
            raise RuntimeError("DossierEvent is append-only")
        super().save(*args, **kwargs)


class PauseInterval(models.Model):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="pauses")
    kind = models.CharField(max_length=20, choices=PauseKind.choices)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("thời gian tạm dừng")
        verbose_name_plural = _("thời gian tạm dừng")
        ordering = ["dossier_id", "started_at"]

    def __str__(self) -> str:
        return f"{self.kind} {self.started_at:%Y-%m-%d %H:%M}"


class AppointmentChange(models.Model):
    dossier = models.ForeignKey(
        Dossier, on_delete=models.CASCADE, related_name="appointment_changes"
    )
    previous = models.DateTimeField(null=True, blank=True)
    new = models.DateTimeField()
    reason = models.CharField(max_length=500, blank=True)
    lateness = models.BooleanField(default=False)
    at = models.DateTimeField()

    class Meta:
        verbose_name = _("thay đổi ngày hẹn")
        verbose_name_plural = _("thay đổi ngày hẹn")
        ordering = ["dossier_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.previous} → {self.new}"


class StepRun(models.Model):
    """One stay of a dossier in one workflow step: its budget deadline and
    the working time it consumed (pauses excluded). A consultation opens a
    parallel run (``parent_step`` set) that the consulted unit closes."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="step_runs")
    step_key = models.CharField(max_length=60)
    #: For a consultation branch: the step that asked; blank on the main line.
    parent_step = models.CharField(max_length=60, blank=True, default="")
    agency = models.ForeignKey("units.Agency", on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    consumed_seconds = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("lượt xử lý bước")
        verbose_name_plural = _("lượt xử lý bước")
        ordering = ["dossier_id", "started_at", "id"]

    def __str__(self) -> str:
        return f"{self.step_key} {self.started_at:%Y-%m-%d %H:%M}"


class DossierAccessLog(models.Model):
    """Who read which dossier, when, through which channel."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(max_length=10, choices=AccessChannel.choices)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký truy cập hồ sơ")
        verbose_name_plural = _("nhật ký truy cập hồ sơ")
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_access_idx")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.dossier_id} ({self.channel})"


class DocumentKind(models.TextChoices):
    INPUT = "input", _("Thành phần hồ sơ")
    SUPPLEMENT = "supplement", _("Giấy tờ bổ sung")
    RESULT = "result", _("Kết quả giải quyết")


class SignatureMark(models.TextChoices):
    """A result file's digital signature, as checked when it was uploaded."""

    NOT_CHECKED = "", _("không kiểm tra")
    SIGNED = "signed", _("đã ký số")
    UNSIGNED = "unsigned", _("chưa ký số")


class DossierDocument(models.Model):
    """A file that belongs to a dossier: a document component submitted with
    it (or scanned at the counter), one added when completing or
    supplementing, or the result. Added only by the action that records it
    (``event_seq``); never changed afterwards."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dossier = models.ForeignKey(Dossier, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("loại"), max_length=12, choices=DocumentKind.choices)
    component = models.ForeignKey(
        "catalog.DocumentComponent",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thành phần hồ sơ"),
    )
    title = models.CharField(_("tên giấy tờ"), max_length=500)
    file = models.ForeignKey(
        "documents.StoredFile", on_delete=models.PROTECT, related_name="+", verbose_name=_("tệp")
    )
    reused_from = models.ForeignKey(
        "documents.CitizenDocument",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("lấy từ kho dữ liệu"),
    )
    signature = models.CharField(
        _("chữ ký số"), max_length=8, choices=SignatureMark.choices, default="", blank=True
    )
    signed_by = models.CharField(_("người ký"), max_length=200, blank=True)
    event_seq = models.PositiveIntegerField(_("sự kiện ghi nhận"))
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_at = models.DateTimeField()

    class Meta:
        verbose_name = _("tài liệu của hồ sơ")
        verbose_name_plural = _("tài liệu của hồ sơ")
        ordering = ["dossier_id", "event_seq", "id"]
        indexes = [models.Index(fields=["dossier", "kind"], name="dossier_doc_kind_idx")]

    def __str__(self) -> str:
        return self.title


class DraftStep(models.TextChoices):
    FORM = "form", _("Tờ khai")
    DOCUMENTS = "documents", _("Giấy tờ")
    DELIVERY = "delivery", _("Nhận kết quả")
    REVIEW = "review", _("Xem lại và nộp")


class DossierDraft(models.Model):
    """A dossier being filled in by an applicant (lifecycle state ``draft``),
    kept on the server so it survives a closed browser and resumes on
    another device. Saved after every field; becomes a :class:`Dossier` by
    :func:`motcua.dossiers.drafts.draft_submit` (``dossier`` is then set).

    ``attachments`` lists ``{"component": <DocumentComponent pk>, "file":
    <StoredFile public_id>, "reused": <CitizenDocument public_id or null>}``."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="dossier_drafts",
        verbose_name=_("người soạn"),
    )
    applicant = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("người nộp hồ sơ"),
    )
    procedure = models.ForeignKey(
        "catalog.ConfiguredProcedure",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("thủ tục tại đơn vị"),
    )
    form_data = models.JSONField(_("dữ liệu tờ khai"), default=dict, blank=True)
    attachments = models.JSONField(_("giấy tờ đính kèm"), default=list, blank=True)
    result_delivery = models.CharField(
        _("hình thức nhận kết quả"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.ONLINE,
    )
    step = models.CharField(
        _("bước đã đến"), max_length=10, choices=DraftStep.choices, default=DraftStep.FORM
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(_("lưu lần cuối"))
    dossier = models.ForeignKey(
        Dossier,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("hồ sơ đã nộp"),
    )

    class Meta:
        verbose_name = _("hồ sơ đang soạn")
        verbose_name_plural = _("hồ sơ đang soạn")
        ordering = ["-updated_at", "-id"]
        indexes = [models.Index(fields=["owner", "procedure"], name="dossier_draft_owner_idx")]

    def __str__(self) -> str:
        return str(self.public_id)
