"""Stored files (every upload and every generated document) and the
applicant's reusable document store (Decree 45/2020: "kho dữ liệu điện tử")."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _


class StoredFile(models.Model):
    """A checked file in the default storage, under ``yyyy/mm/``. The file
    on disk is named by ``public_id`` (never by what the user typed);
    ``name`` is the sanitised name used for display and download. Identical
    content uploaded twice gives two rows (``sha256`` lets callers spot
    duplicates; nothing is merged behind their back)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    original_name = models.CharField(_("tên tệp gốc"), max_length=500)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(_("kiểu nội dung"), max_length=100)
    size = models.PositiveBigIntegerField(_("dung lượng (byte)"))
    sha256 = models.CharField(_("mã băm SHA-256"), max_length=64, db_index=True)
    file = models.FileField(_("tệp"), max_length=255)
    thumbnail = models.FileField(_("ảnh thu nhỏ"), max_length=255, blank=True)
    width = models.PositiveIntegerField(null=True, blank=True)
    height = models.PositiveIntegerField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="uploaded_files",
        verbose_name=_("người tải lên"),
    )
    created_at = models.DateTimeField(_("thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("tệp lưu trữ")
        verbose_name_plural = _("tệp lưu trữ")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def thumbnail_url(self) -> str:
        """The thumbnail of an image, or a generic PDF icon."""
        if self.thumbnail:
            return str(self.thumbnail.url)
        return static("documents/pdf-icon.svg")


class DocumentSource(models.TextChoices):
    UPLOAD = "upload", _("Công dân tải lên")
    RESULT = "result", _("Kết quả giải quyết")


class CitizenDocument(models.Model):
    """A document in an applicant's store, reusable in later dossiers while
    it is valid: an upload kept by the citizen, or a result (e-result)
    issued to them."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        "accounts.Applicant",
        on_delete=models.CASCADE,
        related_name="documents",
        verbose_name=_("chủ giấy tờ"),
    )
    kind = models.CharField(
        _("loại giấy tờ"),
        max_length=64,
        help_text=_("Mã loại giấy tờ, ví dụ giay_khai_sinh."),
    )
    name = models.CharField(_("tên giấy tờ"), max_length=255)
    number = models.CharField(_("số, ký hiệu"), max_length=100, blank=True)
    issuer = models.CharField(_("cơ quan cấp"), max_length=255, blank=True)
    file = models.ForeignKey(
        StoredFile, on_delete=models.PROTECT, related_name="+", verbose_name=_("tệp")
    )
    issued_on = models.DateField(_("ngày cấp"), null=True, blank=True)
    valid_until = models.DateField(_("có giá trị đến"), null=True, blank=True)
    source = models.CharField(_("nguồn"), max_length=10, choices=DocumentSource.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("giấy tờ của công dân")
        verbose_name_plural = _("giấy tờ của công dân")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "kind"], name="citizendoc_owner_kind")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(valid_until__gte=models.F("issued_on")),
                name="citizendoc_valid_after_issue",
            )
        ]

    def __str__(self) -> str:
        return self.name
