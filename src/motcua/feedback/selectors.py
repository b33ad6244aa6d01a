"""Reads of ratings and feedback: the officers' queue and the public list
(personal data masked)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db.models import QuerySet

from motcua.accounts.models import User
from motcua.accounts.selectors import agencies_for_user
from motcua.core.errors import NotFound
from motcua.feedback.models import Feedback, FeedbackStatus

_ID_NUMBER = re.compile(r"\d{9,12}")
_PHONE = re.compile(r"(?:\+?84|0)(?:[\s.-]?\d){8,10}")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_name(name: str) -> str:
    """``Nguyễn Văn An`` → ``N*** V*** A***``."""
    return " ".join(f"{word[0]}***" for word in name.split() if word)


def mask_text(text: str) -> str:
    """Phone numbers, ID numbers and e-mail addresses hidden."""
    text = _EMAIL.sub("***@***", text)
    text = _PHONE.sub("*** *** ***", text)
    return _ID_NUMBER.sub("************", text)


@dataclass(frozen=True)
class PublicFeedback:
    public_id: str
    kind: str
    title: str
    content: str
    author: str
    agency: str
    submitted_at: str
    answer: str
    answered_at: str | None


def feedback_public_list(*, limit: int = 50) -> list[PublicFeedback]:
    """Answered feedback whose author agreed to publication, masked."""
    rows = (
        Feedback.objects.filter(public=True, status=FeedbackStatus.ANSWERED)
        .select_related("agency")
        .order_by("-answered_at")[:limit]
    )
    return [
        PublicFeedback(
            public_id=str(f.public_id),
            kind=f.get_kind_display(),
            title=mask_text(f.title),
            content=mask_text(f.content),
            author=mask_name(f.author_name),
            agency=f.agency.name,
            submitted_at=f.submitted_at.isoformat(),
            answer=mask_text(f.answer),
            answered_at=f.answered_at.isoformat() if f.answered_at else None,
        )
        for f in rows
    ]


def feedback_queue_for_user(*, user: User) -> QuerySet[Feedback]:
    """Feedback the officer's units must answer, the nearest due first."""
    return (
        Feedback.objects.filter(agency__in=agencies_for_user(user=user))
        .select_related("agency")
        .order_by("status", "due_at")
    )


def feedback_get_for_officer(*, user: User, public_id: str) -> Feedback:
    found = feedback_queue_for_user(user=user).filter(public_id=public_id).first()
    if found is None:
        raise NotFound("Không tìm thấy phản ánh, kiến nghị.", code="feedback_not_found")
    return found


def feedback_of_author(*, user: User) -> QuerySet[Feedback]:
    return Feedback.objects.filter(author=user).select_related("agency").order_by("-submitted_at")
