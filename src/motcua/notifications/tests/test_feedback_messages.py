"""A rating thanks the applicant (template ``rated``) and an answered
complaint tells its author the answer (``feedback_answered``), through the
normal path: a receiver of the feedback's event enqueues the notify task
after commit, the task builds one message per recipient and channel, sends
it to the sandbox and records the attempt; a rerun sends nothing new."""

from __future__ import annotations

from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from motcua.core.errors import DomainError
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import advance
from motcua.feedback import services as feedback
from motcua.feedback.models import Feedback, Level
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.notifications import services
from motcua.notifications.models import DeliveryAttempt, Message, MessageStatus
from motcua.notifications.tests.helpers import NOW, Case

pytestmark = pytest.mark.django_db


def _jobs(name: str) -> list[list[Any]]:
    return [
        job.args_kwargs["args"]
        for job in DBTaskResult.objects.filter(task_path__endswith=name).order_by("enqueued_at")
    ]


def _mails(sandbox: SmtpSandbox, start: str) -> list[Any]:
    return [
        m
        for m in sandbox.store.messages()
        if m.recipients == ["an@example.vn"] and m.subject.startswith(start)
    ]


def _result_ready(case: Case) -> Dossier:
    return advance(case.submit(), case.p, 4)


def test_a_rating_thanks_the_applicant_once(
    case: Case, smtp_sandbox: SmtpSandbox, django_capture_on_commit_callbacks: Any
) -> None:
    d = _result_ready(case)
    with django_capture_on_commit_callbacks(execute=True):
        rating = feedback.rating_submit(
            dossier=d, actor=case.p.citizen, level=Level.VERY_SATISFIED, now=NOW
        )
    assert _jobs("notify_rated_task") == [[rating.pk]]
    first = services.notify_rated(rating_id=rating.pk, now=NOW)
    again = services.notify_rated(rating_id=rating.pk, now=NOW)
    assert [m.pk for m in first] == [m.pk for m in again] and len(first) == 1
    [message] = first
    assert message.occasion == f"rating:{rating.pk}:rated" and message.dossier_id == d.pk
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert DeliveryAttempt.objects.filter(message=message).count() == 1
    [mail] = _mails(smtp_sandbox, "Cảm ơn Ông/Bà đã đánh giá")
    assert mail.subject == f"Cảm ơn Ông/Bà đã đánh giá hồ sơ {d.code}"
    assert f"/ho-so-cua-toi/{d.code}/" in mail.body
    # A change within the allowed days is not thanked again.
    with django_capture_on_commit_callbacks(execute=True):
        feedback.rating_change(dossier=d, actor=case.p.citizen, level=Level.SATISFIED, now=NOW)
    assert _jobs("notify_rated_task") == [[rating.pk]]


def test_a_refused_rating_enqueues_nothing(
    case: Case, django_capture_on_commit_callbacks: Any
) -> None:
    d = case.submit()  # no result yet: it cannot be rated
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DomainError):
        feedback.rating_submit(dossier=d, actor=case.p.citizen, level=Level.SATISFIED, now=NOW)
    assert _jobs("notify_rated_task") == []


def _complaint(
    case: Case, subject: str, *, dossier_code: str = "", agency_id: str = ""
) -> Feedback:
    return feedback.feedback_submit(
        actor=case.p.citizen,
        kind="feedback",
        subject=subject,
        title="Hồ sơ chậm",
        content="Tôi đã chờ lâu.",
        dossier_code=dossier_code,
        agency_id=agency_id,
        now=NOW,
    )


def test_an_answered_complaint_about_a_dossier_tells_its_author(
    case: Case, smtp_sandbox: SmtpSandbox, django_capture_on_commit_callbacks: Any
) -> None:
    d = case.submit()
    item = _complaint(case, "dossier", dossier_code=d.code)
    assert services.notify_feedback_answered(feedback_id=item.pk, now=NOW) == []  # not answered
    with django_capture_on_commit_callbacks(execute=True):
        feedback.feedback_answer(
            feedback=item, actor=case.p.officer, answer="Đơn vị đã xử lý, xin lỗi ông/bà.", now=NOW
        )
    assert _jobs("notify_feedback_answered_task") == [[item.pk]]
    first = services.notify_feedback_answered(feedback_id=item.pk, now=NOW)
    again = services.notify_feedback_answered(feedback_id=item.pk, now=NOW)
    assert [m.pk for m in first] == [m.pk for m in again] and len(first) == 1
    [message] = first
    assert message.occasion == f"feedback:{item.pk}:answered"
    assert message.feedback_id == item.pk and message.dossier_id == d.pk
    assert message.link.endswith(f"/phan-anh-kien-nghi/gui/#pakn-{item.public_id}")
    [mail] = _mails(smtp_sandbox, item.agency.name)
    assert mail.subject == f"{item.agency.name} đã trả lời phản ánh: Hồ sơ chậm"
    assert "Đơn vị đã xử lý, xin lỗi ông/bà." in mail.body
    assert f"#pakn-{item.public_id}" in mail.body
    assert Message.objects.filter(occasion__startswith="feedback:").count() == 1


def test_an_answered_complaint_about_a_unit_has_no_dossier(
    case: Case, smtp_sandbox: SmtpSandbox, django_capture_on_commit_callbacks: Any
) -> None:
    agency = case.p.place.agency_a
    item = _complaint(case, "agency", agency_id=str(agency.public_id))
    with django_capture_on_commit_callbacks(execute=True):
        feedback.feedback_answer(feedback=item, actor=case.p.officer, answer="Đã chấn chỉnh.")
    [message] = services.notify_feedback_answered(feedback_id=item.pk, now=NOW)
    assert message.dossier_id is None and message.feedback_id == item.pk
    [mail] = _mails(smtp_sandbox, agency.name)
    assert "Đã chấn chỉnh." in mail.body


def test_the_answer_page_sends_the_task_after_commit(
    case: Case, client: Any, django_capture_on_commit_callbacks: Any
) -> None:
    item = _complaint(case, "dossier", dossier_code=case.submit().code)
    client.force_login(case.p.officer)
    with django_capture_on_commit_callbacks(execute=True):
        answered = client.post(
            f"/can-bo/phan-anh-kien-nghi/{item.public_id}/", {"answer": "Đã xử lý."}
        )
    assert answered.status_code == 302
    assert _jobs("notify_feedback_answered_task") == [[item.pk]]
    with django_capture_on_commit_callbacks(execute=True):
        twice = client.post(f"/can-bo/phan-anh-kien-nghi/{item.public_id}/", {"answer": "Lại."})
    assert twice.status_code == 400
    assert _jobs("notify_feedback_answered_task") == [[item.pk]]
