"""Writes of ratings and of feedback and complaints."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.accounts.selectors import agencies_for_user
from motcua.calendar import services as calendar
from motcua.catalog.models import ConfiguredProcedure, Procedure
from motcua.core.errors import Conflict, DomainError, NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.states import State
from motcua.feedback.events import feedback_answered, rating_given
from motcua.feedback.models import (
    CRITERIA_KEYS,
    Feedback,
    FeedbackStatus,
    Kind,
    Level,
    Rating,
    Subject,
)
from motcua.units.models import Agency

#: States in which the dossier has its result: it may be rated.
RATEABLE = frozenset({State.RESULT_READY, State.RETURNED})


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def _own_dossier(dossier: Dossier, actor: User) -> None:
    """Someone else's dossier is refused like a missing one."""
    if actor.pk is None or not (
        dossier.submitted_by_id == actor.pk or dossier.applicant.user_id == actor.pk
    ):
        raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")


def _checked(level: str, comment: str, criteria: Mapping[str, int] | None) -> dict[str, int]:
    if level not in Level.values:
        raise DomainError(_("Chọn mức độ hài lòng."), code="invalid_rating_level")
    if len(comment) > 2000:
        raise DomainError(_("Ý kiến dài quá 2000 ký tự."), code="comment_too_long")
    answers = dict(criteria or {})
    if answers and (
        set(answers) != CRITERIA_KEYS
        or any(type(v) is not int or v not in (0, 1, 2) for v in answers.values())
    ):
        raise DomainError(
            _("Phiếu đánh giá chi tiết cần đủ 9 tiêu chí, mỗi tiêu chí 0, 1 hoặc 2 điểm."),
            code="invalid_rating_criteria",
        )
    return answers


def rating_submit(
    *,
    dossier: Dossier,
    actor: User,
    level: str,
    comment: str = "",
    criteria: Mapping[str, int] | None = None,
    now: datetime.datetime | None = None,
) -> Rating:
    """The applicant rates a dossier that has its result: once."""
    now = _now(now)
    _own_dossier(dossier, actor)
    if dossier.state not in RATEABLE:
        raise DomainError(_("Chỉ đánh giá được khi hồ sơ đã có kết quả."), code="rating_not_open")
    answers = _checked(level, comment, criteria)
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                dossier=dossier,
                rated_by=actor,
                level=level,
                comment=comment.strip(),
                criteria=answers,
                rated_at=now,
            )
            rating_given.send(sender=Rating, rating=rating)
    except IntegrityError:
        raise Conflict(_("Hồ sơ này đã được đánh giá."), code="already_rated") from None
    return rating


def rating_change_until(*, rating: Rating) -> datetime.datetime:
    return rating.rated_at + datetime.timedelta(days=settings.RATING_CHANGE_DAYS)


def rating_change(
    *,
    dossier: Dossier,
    actor: User,
    level: str,
    comment: str = "",
    criteria: Mapping[str, int] | None = None,
    now: datetime.datetime | None = None,
) -> Rating:
    """The applicant changes their rating within ``RATING_CHANGE_DAYS``."""
    now = _now(now)
    _own_dossier(dossier, actor)
    answers = _checked(level, comment, criteria)
    with transaction.atomic():
        rating = Rating.objects.select_for_update().filter(dossier=dossier).first()
        if rating is None:
            raise NotFound(_("Hồ sơ này chưa được đánh giá."), code="rating_not_found")
        if now > rating_change_until(rating=rating):
            raise DomainError(_("Đã hết thời gian được sửa đánh giá."), code="rating_change_closed")
        rating.level = level
        rating.comment = comment.strip()
        rating.criteria = answers
        rating.changed_at = now
        rating.save(update_fields=["level", "comment", "criteria", "changed_at"])
    return rating


def _route(
    *,
    actor: User,
    subject: str,
    procedure_code: str,
    agency_id: str,
    dossier_code: str,
) -> tuple[Agency, Procedure | None, Dossier | None]:
    """The unit that must answer: the dossier's processing agency, the unit
    itself, or the unit that offers the procedure."""
    if subject == Subject.DOSSIER:
        dossier = (
            Dossier.objects.select_related("applicant", "processing_agency")
            .filter(code=dossier_code)
            .first()
        )
        if dossier is None:
            raise NotFound(_("Không tìm thấy hồ sơ."), code="dossier_not_found")
        _own_dossier(dossier, actor)
        return dossier.processing_agency, None, dossier
    agency = Agency.objects.filter(public_id=agency_id).first() if agency_id else None
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan, đơn vị."), code="agency_not_found")
    if subject == Subject.AGENCY:
        return agency, None, None
    if subject == Subject.PROCEDURE:
        procedure = Procedure.objects.filter(code=procedure_code).first()
        if (
            procedure is None
            or not ConfiguredProcedure.objects.filter(agency=agency, procedure=procedure).exists()
        ):
            raise NotFound(
                _("Đơn vị này không thực hiện thủ tục đã chọn."), code="procedure_not_offered"
            )
        return agency, procedure, None
    raise DomainError(_("Chọn nội dung phản ánh về điều gì."), code="invalid_subject")


def feedback_due(*, agency: Agency, start: datetime.datetime) -> datetime.datetime:
    """The answer's due moment: ``FEEDBACK_ANSWER_DAYS`` working days on the
    province's calendar."""
    return calendar.add_working_days(
        start=start, days=settings.FEEDBACK_ANSWER_DAYS, province_code=agency.province.code
    )


def feedback_submit(
    *,
    actor: User,
    kind: str,
    subject: str,
    title: str,
    content: str,
    public: bool = False,
    procedure_code: str = "",
    agency_id: str = "",
    dossier_code: str = "",
    now: datetime.datetime | None = None,
) -> Feedback:
    """A signed-in person sends feedback or a complaint; it is routed to the
    responsible unit with its own due date."""
    now = _now(now)
    if kind not in Kind.values:
        raise DomainError(_("Chọn phản ánh hoặc kiến nghị."), code="invalid_kind")
    title, content = title.strip(), content.strip()
    if not title or not content:
        raise DomainError(_("Cần ghi tiêu đề và nội dung."), code="feedback_content_required")
    if len(title) > 200 or len(content) > 5000:
        raise DomainError(_("Tiêu đề hoặc nội dung dài quá."), code="feedback_too_long")
    agency, procedure, dossier = _route(
        actor=actor,
        subject=subject,
        procedure_code=procedure_code,
        agency_id=agency_id,
        dossier_code=dossier_code,
    )
    applicant = getattr(actor, "applicant", None)
    author_name = applicant.name if applicant is not None else actor.get_full_name()
    return Feedback.objects.create(
        kind=kind,
        subject=subject,
        procedure=procedure,
        dossier=dossier,
        agency=agency,
        author=actor,
        author_name=author_name or actor.get_username(),
        title=title,
        content=content,
        public=public,
        submitted_at=now,
        due_at=feedback_due(agency=agency, start=now),
    )


def feedback_answer(
    *, feedback: Feedback, actor: User, answer: str, now: datetime.datetime | None = None
) -> Feedback:
    """An officer of the responsible unit answers (once)."""
    now = _now(now)
    if not agencies_for_user(user=actor).filter(pk=feedback.agency_id).exists():
        raise NotFound(_("Không tìm thấy phản ánh, kiến nghị."), code="feedback_not_found")
    answer = answer.strip()
    if not answer or len(answer) > 5000:
        raise DomainError(_("Cần ghi nội dung trả lời."), code="answer_required")
    with transaction.atomic():
        locked = Feedback.objects.select_for_update().get(pk=feedback.pk)
        if locked.status == FeedbackStatus.ANSWERED:
            raise Conflict(_("Phản ánh này đã được trả lời."), code="already_answered")
        locked.status = FeedbackStatus.ANSWERED
        locked.answer = answer
        locked.answered_by = actor
        locked.answered_at = now
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        feedback_answered.send(sender=Feedback, feedback=locked)
    return locked
