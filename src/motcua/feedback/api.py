"""The ratings and feedback API (``/api/v1/feedback``)."""

from __future__ import annotations

import datetime
import uuid
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from motcua.accounts.models import User
from motcua.api.auth import STAFF_AUTH, SUBMIT_AUTH
from motcua.api.schemas import StrictIn
from motcua.core.throttling import throttle_request
from motcua.dossiers.selectors import dossier_get_for_user
from motcua.feedback import selectors, services
from motcua.feedback.models import Feedback, Rating

router = Router(tags=["Đánh giá, phản ánh kiến nghị"])


LevelIn = Literal["very_satisfied", "satisfied", "not_satisfied"]


class RatingIn(StrictIn):
    level: LevelIn
    comment: str = Field(default="", max_length=2000)
    criteria: dict[str, Literal[0, 1, 2]] = Field(
        default_factory=dict, description="9 tiêu chí (tùy chọn), mỗi tiêu chí 0, 1 hoặc 2"
    )


class RatingOut(Schema):
    level: str
    comment: str
    criteria: dict[str, int]
    score: int | None
    rated_at: datetime.datetime
    changeable_until: datetime.datetime


class _FeedbackBase(StrictIn):
    kind: Literal["feedback", "proposal"]
    title: str = Field(min_length=1, max_length=200)
    content: str = Field(min_length=1, max_length=5000)
    public: bool = Field(default=False, description="đồng ý công khai (thông tin cá nhân được che)")


class AboutAgency(_FeedbackBase):
    subject: Literal["agency"]
    agency: str = Field(min_length=1, max_length=60, description="mã công khai của đơn vị")


class AboutProcedure(_FeedbackBase):
    subject: Literal["procedure"]
    agency: str = Field(min_length=1, max_length=60, description="đơn vị thực hiện thủ tục")
    procedure_code: str = Field(min_length=1, max_length=20)


class AboutDossier(_FeedbackBase):
    subject: Literal["dossier"]
    dossier_code: str = Field(min_length=1, max_length=64)


FeedbackIn = Annotated[AboutAgency | AboutProcedure | AboutDossier, Field(discriminator="subject")]


class FeedbackOut(Schema):
    id: uuid.UUID
    kind: str
    subject: str
    title: str
    status: str
    agency: str
    submitted_at: datetime.datetime
    due_at: datetime.datetime
    answer: str


class AnswerIn(StrictIn):
    answer: str = Field(min_length=1, max_length=5000)


class PublicFeedbackOut(Schema):
    id: str
    kind: str
    title: str
    content: str
    author: str
    agency: str
    submitted_at: str
    answer: str
    answered_at: str | None


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _rating_out(rating: Rating) -> RatingOut:
    return RatingOut(
        level=rating.level,
        comment=rating.comment,
        criteria=dict(rating.criteria),
        score=rating.score,
        rated_at=rating.rated_at,
        changeable_until=services.rating_change_until(rating=rating),
    )


def _feedback_out(f: Feedback) -> FeedbackOut:
    return FeedbackOut(
        id=f.public_id,
        kind=f.kind,
        subject=f.subject,
        title=f.title,
        status=f.status,
        agency=f.agency.public_id,
        submitted_at=f.submitted_at,
        due_at=f.due_at,
        answer=f.answer,
    )


@router.post(
    "/ratings/{code}", response={201: RatingOut}, auth=SUBMIT_AUTH, summary="Đánh giá hồ sơ"
)
def rating_create(request: HttpRequest, code: str, payload: RatingIn) -> Status[RatingOut]:
    user = _user(request)
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    dossier = dossier_get_for_user(user=user, code=code)
    rating = services.rating_submit(dossier=dossier, actor=user, **payload.dict())
    return Status(201, _rating_out(rating))


@router.put("/ratings/{code}", response=RatingOut, auth=SUBMIT_AUTH, summary="Sửa đánh giá")
def rating_update(request: HttpRequest, code: str, payload: RatingIn) -> RatingOut:
    user = _user(request)
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    dossier = dossier_get_for_user(user=user, code=code)
    return _rating_out(services.rating_change(dossier=dossier, actor=user, **payload.dict()))


@router.post(
    "/items", response={201: FeedbackOut}, auth=SUBMIT_AUTH, summary="Gửi phản ánh, kiến nghị"
)
def feedback_create(request: HttpRequest, payload: FeedbackIn) -> Status[FeedbackOut]:
    user = _user(request)
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    data = payload.dict()
    feedback = services.feedback_submit(actor=user, agency_id=data.pop("agency", ""), **data)
    return Status(201, _feedback_out(feedback))


@router.get(
    "/public", response=list[PublicFeedbackOut], auth=None, summary="Phản ánh đã trả lời, công khai"
)
def feedback_public(request: HttpRequest) -> list[PublicFeedbackOut]:
    return [
        PublicFeedbackOut(id=f.public_id, **{k: v for k, v in vars(f).items() if k != "public_id"})
        for f in selectors.feedback_public_list()
    ]


@router.post(
    "/items/{item_id}/answer",
    response=FeedbackOut,
    auth=STAFF_AUTH,
    summary="Trả lời phản ánh, kiến nghị",
)
def feedback_answer(request: HttpRequest, item_id: uuid.UUID, payload: AnswerIn) -> FeedbackOut:
    user = _user(request)
    feedback = selectors.feedback_get_for_officer(user=user, public_id=str(item_id))
    return _feedback_out(
        services.feedback_answer(feedback=feedback, actor=user, answer=payload.answer)
    )
