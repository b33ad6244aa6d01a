"""The applicant's satisfaction rating of a dossier (domain.md §8) and
feedback and complaints (phản ánh, kiến nghị) about a procedure, a unit or
a dossier."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Rất hài lòng")
    SATISFIED = "satisfied", _("Hài lòng")
    NOT_SATISFIED = "not_satisfied", _("Không hài lòng")


#: The 9 criteria of the detailed survey (TT 01/2018), each scored 2/1/0.
CRITERIA: tuple[tuple[str, str | Promise], ...] = (
    ("total_time", _("Tổng thời gian giải quyết so với quy định")),
    ("agency_time", _("Thời gian của từng cơ quan so với quy định")),
    ("contacts", _("Số lần phải liên hệ để hoàn thiện hồ sơ")),
    ("agencies", _("Số cơ quan phải liên hệ")),
    ("one_stop", _("Tiếp nhận, giải quyết, trả kết quả tại bộ phận một cửa")),
    ("publication", _("Công khai thủ tục hành chính")),
    ("attitude", _("Thái độ của cán bộ")),
    ("feedback_handling", _("Tiếp nhận, xử lý phản ánh, kiến nghị")),
    ("online_quality", _("Tiến độ, chất lượng dịch vụ trực tuyến")),
)
CRITERIA_KEYS = frozenset(key for key, _label in CRITERIA)


class Rating(models.Model):
    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.PROTECT, related_name="rating"
    )
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField(_("mức độ hài lòng"), max_length=20, choices=Level.choices)
    comment = models.CharField(_("ý kiến"), max_length=2000, blank=True)
    #: criterion key → 0, 1 or 2 (the detailed survey; empty when not taken).
    criteria = models.JSONField(_("đánh giá chi tiết"), default=dict, blank=True)
    rated_at = models.DateTimeField(_("thời điểm đánh giá"))
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("đánh giá hài lòng")
        verbose_name_plural = _("đánh giá hài lòng")

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.level}"

    @property
    def score(self) -> int | None:
        """Points on the 18-point scale, when the survey was taken."""
        return sum(int(v) for v in self.criteria.values()) if self.criteria else None


class Kind(models.TextChoices):
    FEEDBACK = "feedback", _("Phản ánh")
    PROPOSAL = "proposal", _("Kiến nghị")


class Subject(models.TextChoices):
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    AGENCY = "agency", _("Cơ quan, đơn vị")
    DOSSIER = "dossier", _("Hồ sơ")


class FeedbackStatus(models.TextChoices):
    OPEN = "open", _("Đang xử lý")
    ANSWERED = "answered", _("Đã trả lời")


class Feedback(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("loại"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("về"), max_length=10, choices=Subject.choices)
    procedure = models.ForeignKey(
        "catalog.Procedure", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    dossier = models.ForeignKey(
        "dossiers.Dossier", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: The unit that must answer (routed from the subject).
    agency = models.ForeignKey(
        "units.Agency", on_delete=models.PROTECT, related_name="feedback_items"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_name = models.CharField(_("người gửi"), max_length=200)
    title = models.CharField(_("tiêu đề"), max_length=200)
    content = models.TextField(_("nội dung"), max_length=5000)
    public = models.BooleanField(_("đồng ý công khai"), default=False)
    status = models.CharField(
        _("trạng thái"), max_length=10, choices=FeedbackStatus.choices, default=FeedbackStatus.OPEN
    )
    submitted_at = models.DateTimeField(_("thời điểm gửi"))
    due_at = models.DateTimeField(_("hạn trả lời"))
    answer = models.TextField(_("trả lời"), max_length=5000, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField(_("thời điểm trả lời"), null=True, blank=True)

    class Meta:
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        indexes = [models.Index(fields=["agency", "status", "due_at"], name="feedback_queue")]

    def __str__(self) -> str:
        return self.title

    @property
    def answered_late(self) -> bool:
        return self.answered_at is not None and self.answered_at > self.due_at
