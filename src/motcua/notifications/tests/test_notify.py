"""The notifier over real sockets: a dossier event becomes one message per
recipient and channel, sent through the sandboxes; temporary failures are
retried with backoff, permanent ones recorded and never retried, and a
rerun (or a worker killed mid-way) never sends twice."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.testing import closed_port
from motcua.notifications import services
from motcua.notifications.models import (
    ChannelKind,
    ContactPoint,
    Message,
    MessageStatus,
    MessageTemplate,
    Preference,
)
from motcua.notifications.planning import moment
from motcua.notifications.tests.helpers import NOW, Case
from motcua.testing import Personas

LATER = datetime.timedelta(hours=3)


def _event(d: Dossier, action: str) -> DossierEvent:
    return DossierEvent.objects.filter(dossier=d, action=action).latest("seq")


def _prefer(p: Personas, *channels: str, phone: str = "0912345678") -> None:
    Preference.objects.update_or_create(
        user=p.citizen, defaults={c: c in channels for c in ("email", "sms", "zalo")}
    )
    for kind, value in (("phone", phone), ("email", "an@example.vn")):
        ContactPoint.objects.create(user=p.citizen, kind=kind, value=value, verified_at=NOW)


def _retries() -> list[DBTaskResult[Any, Any]]:
    return list(DBTaskResult.objects.filter(task_path__endswith="send_message_task"))


def test_every_event_key_has_a_template_with_the_link(db: None) -> None:
    from motcua.notifications.planning import APPLICANT_TEMPLATES, STATE_TEMPLATES

    keys = set(APPLICANT_TEMPLATES.values()) | set(STATE_TEMPLATES.values())
    keys |= {"queue_new", "step_near_due", "step_overdue", "post_delivered", "delivery_failed"}
    for key in sorted(keys):
        template = services.current_template(key)
        assert "{link}" in template.body or "{pay_link}" in template.body, key
        assert "{link}" in template.short or "{pay_link}" in template.short, key
    MessageTemplate.objects.create(
        key="received", version=2, audience="applicant", subject="s", body="{link}", short="{link}"
    )
    assert services.current_template("received").version == 2


def test_the_event_enqueues_the_notify_task_after_commit(
    case: Case,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        d = case.submit()
    assert not DBTaskResult.objects.filter(task_path__endswith="notify_event_task").exists()
    for callback in callbacks:
        callback()
    [job] = DBTaskResult.objects.filter(task_path__endswith="notify_event_task")
    assert job.args_kwargs["args"] == [_event(d, "submit").pk]


def test_received_by_email_with_the_dossier_link_and_the_officers_told(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    d = case.submit()
    messages = services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    by_channel = {(m.audience, m.channel) for m in messages}
    assert ("applicant", "email") in by_channel and ("officer", "email") in by_channel
    mails = {m.recipients[0]: m for m in smtp_sandbox.store.messages()}
    citizen = mails["an@example.vn"]
    assert citizen.subject == f"Đã nhận hồ sơ {d.code}"
    assert f"https://dichvucong.example.vn/ho-so-cua-toi/{d.code}/" in citizen.body
    officer = mails["motcua_a@motcua.local"]
    assert f"/can-bo/ho-so/{d.code}/" in officer.body
    assert all(m.status == MessageStatus.SENT for m in Message.objects.all())


def test_rerun_creates_and_sends_nothing_new(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    d = case.submit()
    event = _event(d, "submit").pk
    first = services.notify_for_event(event_id=event, now=NOW)
    again = services.notify_for_event(event_id=event, now=NOW)
    assert sorted(m.pk for m in first) == sorted(m.pk for m in again)
    assert Message.objects.count() == len(first)
    assert len(smtp_sandbox.store.messages()) == len(first)


def test_accepted_message_has_the_appointment_by_sms(
    case: Case,
    sms_sandbox: HttpSandbox,
) -> None:
    _prefer(case.p, "sms")
    d = case.submit()
    d = dossiers.dossier_accept(dossier=d, actor=case.p.officer, expected_version=1, now=NOW)
    services.notify_for_event(event_id=_event(d, "accept").pk, now=NOW)
    [sms] = sms_sandbox.accepted()
    assert sms.address == "0912345678"
    assert d.appointment_at is not None
    assert f"hẹn trả {moment(d.appointment_at)}" in sms.text
    assert sms.text and d.code in sms.text and "https://" in sms.text
    [message] = Message.objects.filter(audience="applicant")
    assert message.provider_id == sms.provider_id and message.attempts == 1


def test_temporary_failure_is_retried_with_backoff_then_delivered(
    case: Case,
    sms_sandbox: HttpSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _prefer(case.p, "sms")
    d = case.submit()
    sms_sandbox.fail("error", times=2)
    with django_capture_on_commit_callbacks(execute=True):
        [message] = [
            m
            for m in services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
            if m.audience == "applicant"
        ]
    message.refresh_from_db()
    assert message.status == MessageStatus.RETRYING and message.next_attempt_at is not None
    first_wait = message.next_attempt_at - NOW
    assert datetime.timedelta(seconds=60) <= first_wait <= datetime.timedelta(seconds=66)
    [retry] = _retries()
    assert retry.run_after == message.next_attempt_at
    # Not due yet: a premature run does nothing.
    assert services.message_send(message_id=message.pk, now=NOW) == MessageStatus.RETRYING
    with django_capture_on_commit_callbacks(execute=True):
        services.message_send(message_id=message.pk, now=message.next_attempt_at)
    message.refresh_from_db()
    second_wait = message.next_attempt_at - NOW - first_wait
    assert second_wait >= datetime.timedelta(seconds=120)
    assert services.message_send(message_id=message.pk, now=NOW + LATER) == MessageStatus.SENT
    outcomes = list(message.attempts_log.values_list("outcome", "code"))
    assert outcomes == [("temporary", "http_503"), ("temporary", "http_503"), ("accepted", "")]
    assert len(sms_sandbox.accepted()) == 1


def test_permanent_failure_is_recorded_and_not_retried(
    case: Case,
    sms_sandbox: HttpSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _prefer(case.p, "sms", phone="0900000400")
    d = case.submit()
    with django_capture_on_commit_callbacks(execute=True):
        services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    [message] = Message.objects.filter(audience="applicant")
    assert message.status == MessageStatus.FAILED and message.last_error == "INVALID_NUMBER"
    assert _retries() == []
    assert services.message_send(message_id=message.pk, now=NOW + LATER) == MessageStatus.FAILED
    assert services.messages_resend_due(now=NOW + LATER) == 0
    assert sms_sandbox.requests == 1
    assert list(message.attempts_log.values_list("outcome", flat=True)) == ["permanent"]


@pytest.mark.parametrize("mode", ["down", "garbage"])
def test_down_or_garbage_is_temporary_until_attempts_run_out(
    mode: str,
    case: Case,
    sms_sandbox: HttpSandbox,
    settings: Any,
) -> None:
    _prefer(case.p, "sms")
    if mode == "down":
        settings.NOTIFY_SMS_URL = f"http://127.0.0.1:{closed_port()}"
    else:
        sms_sandbox.fail("garbage")
    d = case.submit()
    services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    [message] = Message.objects.filter(audience="applicant")
    at = NOW
    for _ in range(5):  # bounded: NOTIFY_MAX_ATTEMPTS is 4 here
        message.refresh_from_db()
        if message.next_attempt_at is None:
            break
        at = message.next_attempt_at
        services.message_send(message_id=message.pk, now=at)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == 4
    codes = set(message.attempts_log.values_list("code", flat=True))
    assert codes == {"unreachable" if mode == "down" else "garbage"}
    assert set(message.attempts_log.values_list("outcome", flat=True)) == {"temporary"}
    assert sms_sandbox.accepted() == []


def test_worker_killed_after_the_provider_accepted_does_not_send_twice(
    case: Case,
    sms_sandbox: HttpSandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _prefer(case.p, "sms")
    d = case.submit()
    event = _event(d, "submit").pk

    def killed(*_args: object, **_kwargs: object) -> str:
        raise SystemExit("worker killed")

    monkeypatch.setattr(services, "_record", killed)
    with pytest.raises(SystemExit):
        services.notify_for_event(event_id=event, now=NOW)
    monkeypatch.undo()
    [message] = Message.objects.filter(audience="applicant")
    assert message.status == MessageStatus.SENDING
    # The job reruns at once: the message is held by the (dead) worker's lease.
    services.notify_for_event(event_id=event, now=NOW)
    message.refresh_from_db()
    assert message.status == MessageStatus.SENDING
    # The sweep after the lease takes it again; the gateway sees the same reference.
    assert services.messages_resend_due(now=NOW + LATER) >= 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT
    assert sms_sandbox.requests == 2 and len(sms_sandbox.accepted()) == 1
    assert message.provider_id == sms_sandbox.accepted()[0].provider_id


def test_zalo_not_a_user_falls_back_to_sms_once(
    case: Case,
    zalo_sandbox: HttpSandbox,
    sms_sandbox: HttpSandbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    _prefer(case.p, "zalo", phone="0900000118")
    d = case.submit()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    zalo = Message.objects.get(audience="applicant", channel=ChannelKind.ZALO)
    assert zalo.status == MessageStatus.FAILED and zalo.last_error == "not_zalo_user"
    sms = Message.objects.get(audience="applicant", channel=ChannelKind.SMS)
    assert sms.occasion == zalo.occasion and callbacks
    services.message_send(message_id=sms.pk, now=NOW)
    assert [m.address for m in sms_sandbox.accepted()] == ["0900000118"]
    assert zalo_sandbox.accepted() == []


def test_zalo_delivers_the_template_with_its_data(
    case: Case,
    zalo_sandbox: HttpSandbox,
) -> None:
    _prefer(case.p, "zalo", "email")
    d = case.submit()
    services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    [zns] = zalo_sandbox.accepted()
    assert zns.address == "84912345678" and zns.template_id == "300001"
    assert f"code={d.code}" in zns.text and "link=https://" in zns.text
    # E-mail was chosen too, and the citizen's address is verified: two messages.
    assert Message.objects.filter(audience="applicant").count() == 2


def test_unverified_contacts_are_not_used(
    case: Case,
    sms_sandbox: HttpSandbox,
) -> None:
    Preference.objects.create(user=case.p.citizen, email=False, sms=True)
    ContactPoint.objects.create(user=case.p.citizen, kind="phone", value="0987654321")
    d = case.submit()
    services.notify_for_event(event_id=_event(d, "submit").pk, now=NOW)
    [message] = Message.objects.filter(audience="applicant")
    # No verified phone: the e-mail given with the dossier, never the unverified phone.
    assert (message.channel, message.address) == ("email", "an@example.vn")
    assert sms_sandbox.accepted() == []


def test_fee_due_has_the_amount_and_the_pay_link(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    d = case.submit()
    d = dossiers.dossier_accept(dossier=d, actor=case.p.officer, expected_version=1, now=NOW)
    d = dossiers.dossier_forward(dossier=d, actor=case.p.officer, expected_version=2, now=NOW)
    d = dossiers.dossier_ask_to_pay(
        dossier=d,
        actor=case.p.specialist,
        expected_version=3,
        amount_vnd=150000,
        reason="Lệ phí cấp bản sao",
        now=NOW,
    )
    services.notify_for_event(event_id=_event(d, "ask_to_pay").pk, now=NOW)
    [mail] = [m for m in smtp_sandbox.store.messages() if m.recipients == ["an@example.vn"]]
    assert "150.000 đồng" in mail.subject and "Lệ phí cấp bản sao" in mail.body
    # The pay link opens the dossier's payment page.
    assert f"https://dichvucong.example.vn/thanh-toan/ho-so/{d.code}/" in mail.body
