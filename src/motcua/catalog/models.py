"""The procedure catalogue: national procedures and their immutable published
versions, standard sets per level, procedures configured per agency (with
immutable configuration versions that dossiers pin), workflow templates,
e-form schemas and the catalogue's audit trail.

Models hold data only: every change goes through :mod:`motcua.catalog.services`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImplementingLevel(models.TextChoices):
    MINISTRY = "ministry", _("Cấp bộ")
    PROVINCE = "province", _("Cấp tỉnh")
    DISTRICT = "district", _("Cấp huyện")
    COMMUNE = "commune", _("Cấp xã")


class OnlineLevel(models.TextChoices):
    FULL = "full", _("Toàn trình")
    PARTIAL = "partial", _("Một phần")
    NONE = "none", _("Trực tiếp")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    ONLINE = "online", _("Trực tuyến")
    POST = "post", _("Dịch vụ bưu chính")


class TimeUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("ngày làm việc")
    CALENDAR_DAYS = "calendar_days", _("ngày")


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")


class DocumentMode(models.TextChoices):
    SUBMIT = "submit", _("Nộp")
    PRESENT = "present", _("Xuất trình")


class Procedure(models.Model):
    """A national administrative procedure (thủ tục hành chính), identified by
    its national code. Its content lives in :class:`ProcedureVersion`."""

    code = models.CharField(_("mã thủ tục"), max_length=20, unique=True)
    current_version = models.ForeignKey(
        "ProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("phiên bản hiện hành"),
    )
    #: False for the procedures the law excludes from the public postal
    #: service (Decision 45/2016/QĐ-TTg): the applicant must come in person.
    postal_eligible = models.BooleanField(
        _("thực hiện qua dịch vụ bưu chính công ích"), default=True, db_default=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]

    def __str__(self) -> str:
        version = self.current_version
        return f"{self.code} — {version.short_name}" if version else self.code


class ProcedureVersion(models.Model):
    """One version of a procedure's content. A published version is
    immutable: a change creates a new version."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("phiên bản"))
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    short_name = models.CharField(_("tên ngắn"), max_length=500)
    field = models.CharField(_("lĩnh vực"), max_length=300)
    ministry = models.CharField(_("bộ, ngành công bố"), max_length=200, blank=True)
    level = models.CharField(_("cấp thực hiện chính"), max_length=10, choices=ImplementingLevel)
    levels = models.CharField(
        _("các cấp thực hiện"),
        max_length=80,
        help_text=_("Danh sách cấp, dạng ,commune,province, để lọc nhanh"),
    )
    agency_text = models.CharField(_("cơ quan thực hiện"), max_length=1000, blank=True)
    processing_note = models.TextField(_("ghi chú thời hạn"), blank=True)
    fees_note = models.TextField(_("ghi chú phí, lệ phí, miễn giảm"), blank=True)
    result = models.TextField(_("kết quả thực hiện"), blank=True)
    legal_basis = models.JSONField(_("căn cứ pháp lý"), default=list, blank=True)
    announced_by = models.CharField(_("quyết định công bố"), max_length=500, blank=True)
    online_level = models.CharField(
        _("mức độ trực tuyến"), max_length=10, choices=OnlineLevel.choices
    )
    sources = models.JSONField(_("nguồn"), default=list, blank=True)
    code_confidence = models.CharField(max_length=20, blank=True)
    details_confidence = models.CharField(max_length=20, blank=True)
    valid_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    content_hash = models.CharField(max_length=64, editable=False, blank=True)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "number"], name="procedure_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} v{self.number} — {self.short_name}"

    @property
    def is_published(self) -> bool:
        return self.status == VersionStatus.PUBLISHED


class ProcessingTime(models.Model):
    """Statutory processing time for one channel. ``days`` null = unknown."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="processing_times"
    )
    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices)
    days = models.DecimalField(_("thời hạn"), max_digits=6, decimal_places=2, null=True, blank=True)
    unit = models.CharField(
        _("đơn vị"), max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    note = models.TextField(_("trường hợp, ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thời hạn giải quyết")
        verbose_name_plural = _("thời hạn giải quyết")
        constraints = [
            models.UniqueConstraint(fields=["version", "channel"], name="processing_time_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}: {self.days} {self.get_unit_display()}"


class Fee(models.Model):
    """A fee or charge. ``amount_vnd`` null = set by the provincial People's
    Council (or not stated); a province may then set a local amount.
    ``channel`` blank = every channel."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    channel = models.CharField(_("cách thức"), max_length=10, choices=Channel.choices, blank=True)
    amount_vnd = models.BigIntegerField(_("mức thu (đồng)"), null=True, blank=True)
    note = models.TextField(_("ghi chú, miễn giảm"), blank=True)

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name

    @property
    def set_locally(self) -> bool:
        return self.amount_vnd is None


class DocumentComponent(models.Model):
    """One document of the dossier (thành phần hồ sơ)."""

    version = models.ForeignKey(
        ProcedureVersion, on_delete=models.CASCADE, related_name="documents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    name = models.TextField(_("tên giấy tờ"))
    copies = models.PositiveSmallIntegerField(_("số bản"), default=1)
    original_required = models.BooleanField(_("bản chính"), default=False)
    required = models.BooleanField(_("bắt buộc"), default=True)
    form_ref = models.TextField(_("mẫu đơn, tờ khai"), blank=True)
    mode = models.CharField(
        _("hình thức"), max_length=10, choices=DocumentMode.choices, default=DocumentMode.SUBMIT
    )
    reusable = models.BooleanField(
        _("được tái sử dụng từ kho dữ liệu"),
        default=False,
        help_text=_("Có thể lấy từ kho dữ liệu của người nộp (Nghị định 45/2020/NĐ-CP)"),
    )
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return self.name


class WorkflowTemplate(models.Model):
    key = models.SlugField(max_length=60, unique=True)
    name = models.CharField(_("tên quy trình"), max_length=200)
    description = models.TextField(_("mô tả"), blank=True)

    class Meta:
        verbose_name = _("quy trình mẫu")
        verbose_name_plural = _("quy trình mẫu")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class WorkflowTemplateVersion(models.Model):
    """A workflow graph: ``definition`` holds ``start``, ``steps`` and
    ``transitions`` (see :mod:`motcua.catalog.workflows`). Immutable once
    published."""

    template = models.ForeignKey(
        WorkflowTemplate, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    definition = models.JSONField(_("sơ đồ quy trình"), default=dict)
    max_processing_days = models.DecimalField(
        _("dùng cho thời hạn tối thiểu (ngày làm việc)"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Nếu có, tổng thời gian các bước không được vượt quá số ngày này × 8 giờ"),
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản quy trình")
        verbose_name_plural = _("phiên bản quy trình")
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="workflow_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template.name} v{self.number}"

    @property
    def budget_hours(self) -> Decimal:
        return sum(
            (Decimal(str(s.get("budget_hours", 0))) for s in self.definition.get("steps", [])),
            Decimal(0),
        )


class EForm(models.Model):
    """A procedure's application form as a JSON Schema subset (see
    :mod:`motcua.catalog.eforms`). Immutable once published."""

    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="eforms")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    schema = models.JSONField(_("lược đồ biểu mẫu"), default=dict)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("biểu mẫu điện tử")
        verbose_name_plural = _("biểu mẫu điện tử")
        constraints = [
            models.UniqueConstraint(fields=["procedure", "number"], name="eform_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} — biểu mẫu v{self.number}"


class StandardSetLevel(models.TextChoices):
    COMMUNE = "commune", _("Cấp xã")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    PUBLIC_SERVICE_CENTRE = "public_service_centre", _("Trung tâm Phục vụ hành chính công")


class StandardSet(models.Model):
    """A standard set of procedures for one level of a province, published to
    every matching agency in one action."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("tên bộ thủ tục"), max_length=200)
    level = models.CharField(_("cấp áp dụng"), max_length=30, choices=StandardSetLevel.choices)
    province = models.ForeignKey(
        "units.AdministrativeUnit", on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "units.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("chỉ áp dụng cho đơn vị"),
        help_text=_(
            "Để trống: mọi đơn vị cùng cấp của tỉnh (ví dụ mọi xã). "
            "Chọn một sở: bộ thủ tục riêng của sở đó."
        ),
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bộ thủ tục chuẩn")
        verbose_name_plural = _("bộ thủ tục chuẩn")
        ordering = ["province", "level", "name"]

    def __str__(self) -> str:
        return self.name


class StandardSetItem(models.Model):
    """One procedure version in a standard set with its default settings.
    ``processing_days`` null = the statutory time; ``fees`` maps a fee name to
    the province's amount for fees the law lets the province set."""

    standard_set = models.ForeignKey(StandardSet, on_delete=models.CASCADE, related_name="items")
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+"
    )
    channels = models.JSONField(_("cách thức nộp"), default=list)
    processing_days = models.DecimalField(
        _("thời hạn giải quyết (ngày)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    fees = models.JSONField(_("mức phí do tỉnh quy định"), default=dict, blank=True)
    workflow = models.ForeignKey(
        WorkflowTemplateVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("quy trình"),
    )

    class Meta:
        verbose_name = _("thủ tục trong bộ chuẩn")
        verbose_name_plural = _("thủ tục trong bộ chuẩn")
        constraints = [
            models.UniqueConstraint(
                fields=["standard_set", "procedure_version"], name="standard_item_unique"
            )
        ]

    def __str__(self) -> str:
        return str(self.procedure_version)


class UnsignedResultPolicy(models.TextChoices):
    """What the back office does with a result PDF that carries no digital
    signature (decision record 0022)."""

    MARK = "mark", _("Nhận, ghi rõ “chưa ký số” (người nộp cũng thấy)")
    REFUSE = "refuse", _("Không nhận: kết quả phải được ký số")


class ConfiguredProcedure(models.Model):
    """A procedure as one agency offers it. Holds the agency's local
    overrides (kept within the law) and points at its current
    :class:`ConfiguredProcedureVersion`, the immutable snapshot dossiers pin."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    agency = models.ForeignKey(
        "units.Agency",
        on_delete=models.PROTECT,
        related_name="configured_procedures",
        db_index=False,  # the (agency, procedure) unique index covers it
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT, related_name="configured")
    standard_set = models.ForeignKey(
        StandardSet, null=True, blank=True, on_delete=models.SET_NULL, related_name="configured"
    )
    current_version = models.ForeignKey(
        "ConfiguredProcedureVersion",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    local_processing_days = models.DecimalField(
        _("thời hạn tại đơn vị (ngày)"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    local_fees = models.JSONField(_("mức phí tại đơn vị"), default=dict, blank=True)
    local_channels = models.JSONField(_("cách thức tại đơn vị"), null=True, blank=True)
    local_workflow = models.ForeignKey(
        WorkflowTemplateVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(default=True)
    unsigned_result_policy = models.CharField(
        _("kết quả chưa ký số"),
        max_length=8,
        choices=UnsignedResultPolicy.choices,
        default=UnsignedResultPolicy.MARK,
        db_default=UnsignedResultPolicy.MARK,
        help_text=_("Khi tệp kết quả (PDF) tải lên không có chữ ký số."),
    )

    class Meta:
        verbose_name = _("thủ tục tại đơn vị")
        verbose_name_plural = _("thủ tục tại đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "procedure"], name="configured_procedure_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.procedure.code} @ {self.agency_id}"


class ConfiguredProcedureVersion(models.Model):
    """An immutable configuration snapshot. A dossier pins exactly one;
    a change always creates a new row."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    configured = models.ForeignKey(
        ConfiguredProcedure,
        on_delete=models.PROTECT,
        related_name="versions",
        db_index=False,  # the (configured, number) unique index covers it
    )
    number = models.PositiveIntegerField(_("phiên bản cấu hình"))
    procedure_version = models.ForeignKey(
        ProcedureVersion, on_delete=models.PROTECT, related_name="+"
    )
    processing_days = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    processing_unit = models.CharField(
        max_length=15, choices=TimeUnit.choices, default=TimeUnit.WORKING_DAYS
    )
    channels = models.JSONField(default=list)
    fees = models.JSONField(default=list, help_text=_("[{name, amount_vnd, note, local}]"))
    workflow = models.ForeignKey(
        WorkflowTemplateVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    eform = models.ForeignKey(
        EForm, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    settings_digest = models.CharField(
        max_length=64,
        default="",
        editable=False,
        help_text=_("Dấu vân tay của cấu hình, để so sánh nhanh"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("phiên bản cấu hình thủ tục")
        verbose_name_plural = _("phiên bản cấu hình thủ tục")
        constraints = [
            models.UniqueConstraint(
                fields=["configured", "number"], name="configured_version_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.configured} v{self.number}"


class CatalogAuditEvent(models.Model):
    """Append-only audit trail, written by every catalogue service in the same
    transaction as the change."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=80)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    moment = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("nhật ký danh mục")
        verbose_name_plural = _("nhật ký danh mục")
        ordering = ["-moment", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.moment:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"


class SearchSynonym(models.Model):
    """How people say it → how the catalogue says it, for the procedure
    search ("lam giay khai sinh" → "dang ky khai sinh"; "ubnd" → "uy ban
    nhan dan"). Kept as data in ``data/search/synonyms.csv`` and reloaded
    with ``motcua load_synonyms``; phrases and replacements are stored
    folded (lower case, no diacritics). An empty replacement drops the
    phrase (filler words such as "làm", "xin", "thủ tục")."""

    phrase = models.CharField(_("cụm từ người dân gõ"), max_length=200, unique=True)
    replacement = models.CharField(_("thay bằng"), max_length=200, blank=True)
    note = models.CharField(_("ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("từ đồng nghĩa khi tìm kiếm")
        verbose_name_plural = _("từ đồng nghĩa khi tìm kiếm")
        ordering = ["phrase"]

    def __str__(self) -> str:
        return f"{self.phrase} → {self.replacement or '∅'}"
