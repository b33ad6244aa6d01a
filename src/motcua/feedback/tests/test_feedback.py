"""Ratings (once per dossier, changeable for a while) and feedback routed
to the responsible unit, answered and listed publicly masked."""

from __future__ import annotations

import datetime

import pytest

from motcua.calendar.services import add_working_days
from motcua.core.errors import Conflict, DomainError, NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import local
from motcua.feedback import selectors, services
from motcua.feedback.models import CRITERIA_KEYS, FeedbackStatus, Level
from motcua.testing import Personas

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def test_rating_once_changeable_for_a_while(personas: Personas, result_ready: Dossier) -> None:
    p = personas
    at = local(2026, 3, 5, 9)
    full = dict.fromkeys(sorted(CRITERIA_KEYS), 2)
    for bad in ({"attitude": 2}, {**full, "attitude": 3}, {**full, "attitude": True}):
        with pytest.raises(DomainError) as refused:
            services.rating_submit(
                dossier=result_ready, actor=p.citizen, level=Level.SATISFIED, criteria=bad, now=at
            )
        assert refused.value.code == "invalid_rating_criteria"
    with pytest.raises(NotFound):
        services.rating_submit(dossier=result_ready, actor=p.officer, level=Level.SATISFIED)
    rating = services.rating_submit(
        dossier=result_ready, actor=p.citizen, level=Level.SATISFIED, criteria=full, now=at
    )
    assert rating.score == 18
    with pytest.raises(Conflict) as twice:
        services.rating_submit(
            dossier=result_ready, actor=p.citizen, level=Level.VERY_SATISFIED, now=at
        )
    assert twice.value.code == "already_rated"
    changed = services.rating_change(
        dossier=result_ready,
        actor=p.citizen,
        level=Level.NOT_SATISFIED,
        comment="Chờ lâu",
        now=at + 6 * DAY,
    )
    assert changed.level == Level.NOT_SATISFIED and changed.score is None
    with pytest.raises(DomainError) as closed:
        services.rating_change(
            dossier=result_ready, actor=p.citizen, level=Level.SATISFIED, now=at + 8 * DAY
        )
    assert closed.value.code == "rating_change_closed"


def test_rating_refusals(personas: Personas, by_post: Dossier) -> None:
    p = personas
    with pytest.raises(DomainError) as early:
        services.rating_submit(dossier=by_post, actor=p.citizen, level=Level.SATISFIED)
    assert early.value.code == "rating_not_open"
    with pytest.raises(NotFound):
        services.rating_submit(dossier=by_post, actor=p.officer_b, level=Level.SATISFIED)


def test_feedback_routed_answered_and_public_masked(personas: Personas, by_post: Dossier) -> None:
    p = personas
    at = local(2026, 3, 2, 10)
    item = services.feedback_submit(
        actor=p.citizen,
        kind="feedback",
        subject="dossier",
        dossier_code=by_post.code,
        title="Hồ sơ chậm",
        content="Gọi 0912345678 hoặc an@example.vn, CCCD 001234567890.",
        public=True,
        now=at,
    )
    assert item.agency_id == by_post.processing_agency_id
    assert item.due_at == add_working_days(
        start=at, days=10, province_code=by_post.processing_agency.province.code
    )
    assert selectors.feedback_public_list() == []  # not answered yet
    assert item in selectors.feedback_queue_for_user(user=p.officer)
    assert item not in selectors.feedback_queue_for_user(user=p.officer_b)
    with pytest.raises(NotFound):
        services.feedback_answer(feedback=item, actor=p.officer_b, answer="Đã xử lý.")
    answered = services.feedback_answer(
        feedback=item, actor=p.officer, answer="Đã xử lý xong.", now=at + DAY
    )
    assert answered.status == FeedbackStatus.ANSWERED and not answered.answered_late
    with pytest.raises(Conflict):
        services.feedback_answer(feedback=item, actor=p.officer, answer="Lần hai.")
    [public] = selectors.feedback_public_list()
    assert "0912345678" not in public.content
    assert "an@example.vn" not in public.content
    assert "001234567890" not in public.content
    assert "Nguyễn" not in public.author and public.author.endswith("***")


def test_feedback_routing_refusals(personas: Personas, by_post: Dossier) -> None:
    p = personas
    with pytest.raises(NotFound):
        services.feedback_submit(
            actor=p.officer_b,
            kind="feedback",
            subject="dossier",
            dossier_code=by_post.code,
            title="x",
            content="y",
        )
    with pytest.raises(NotFound) as no_agency:
        services.feedback_submit(
            actor=p.citizen, kind="proposal", subject="agency", title="x", content="y"
        )
    assert no_agency.value.code == "agency_not_found"
    procedure = by_post.configured_procedure_version.configured.procedure
    with pytest.raises(NotFound) as not_offered:
        services.feedback_submit(
            actor=p.citizen,
            kind="proposal",
            subject="procedure",
            procedure_code=procedure.code,
            agency_id=p.place.agency_b.public_id,
            title="x",
            content="y",
        )
    assert not_offered.value.code == "procedure_not_offered"
    offered = services.feedback_submit(
        actor=p.citizen,
        kind="proposal",
        subject="procedure",
        procedure_code=procedure.code,
        agency_id=p.place.agency_a.public_id,
        title="Đề nghị rút gọn giấy tờ",
        content="Bỏ bản sao công chứng.",
    )
    assert offered.agency_id == p.place.agency_a.pk


def test_masking() -> None:
    assert selectors.mask_name("Nguyễn Văn An") == "N*** V*** A***"
    assert selectors.mask_text("số 0912 345 678") == "số *** *** ***"
