"""Results by post tell the applicant (a failed delivery: the result is back
at the counter; a delivery: one "delivered by post" message, not two), an
administrator resends a failed message from the admin, and a channel that
keeps failing opens one alert (back-office home + one e-mail) that closes
when the channel works again."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_tasks_db.models import DBTaskResult

from motcua.delivery.events import delivery_failed
from motcua.delivery.models import DeliveryEvent, DeliveryOrder, Direction, OrderStatus
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import Delivery, Dossier, DossierEvent
from motcua.dossiers.tests.factories import advance
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.testing import closed_port
from motcua.notifications import services
from motcua.notifications.models import (
    ChannelAlert,
    ContactPoint,
    Message,
    MessageStatus,
    Preference,
)
from motcua.notifications.tests.helpers import NOW, Case
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _result_ready(case: Case) -> Dossier:
    d = dossiers.dossier_submit(
        actor=case.p.citizen,
        procedure=case.procedure,
        applicant=case.applicant,
        result_delivery=Delivery.POST,
        now=NOW,
    )
    return advance(d, case.p, 4)


def _failed_order(p: Personas, d: Dossier) -> DeliveryOrder:
    order = DeliveryOrder.objects.create(
        dossier=d,
        direction=Direction.RECEIVE_RESULT,
        reference=f"{d.code}-KQ",
        order_code="VN000123",
        status=OrderStatus.FAILED,
        last_seq=2,
        created_by=p.officer,
        created_at=NOW,
        updated_at=NOW,
    )
    DeliveryEvent.objects.create(
        order=order, seq=2, status="failed", at=NOW, note="Không liên lạc được người nhận"
    )
    return order


def test_a_failed_delivery_tells_the_applicant_once(case: Case, smtp_sandbox: SmtpSandbox) -> None:
    d = _result_ready(case)
    order = _failed_order(case.p, d)
    delivery_failed.send(sender=DeliveryOrder, order=order)
    [job] = DBTaskResult.objects.filter(task_path__endswith="notify_delivery_failed_task")
    assert job.args_kwargs["args"] == [order.pk]
    first = services.notify_delivery_failed(order_id=order.pk, now=NOW)
    again = services.notify_delivery_failed(order_id=order.pk, now=NOW)
    assert [m.pk for m in first] == [m.pk for m in again] and len(first) == 1
    [mail] = [m for m in smtp_sandbox.store.messages() if m.recipients == ["an@example.vn"]]
    assert mail.subject == f"Bưu điện chưa giao được kết quả hồ sơ {d.code}"
    assert "VN000123" in mail.body and "Không liên lạc được người nhận" in mail.body
    assert "bộ phận một cửa" in mail.body and f"/ho-so-cua-toi/{d.code}/" in mail.body
    assert first[0].occasion == f"delivery:{order.pk}:failed"


def test_a_delivery_by_post_is_one_message(case: Case, smtp_sandbox: SmtpSandbox) -> None:
    d = _result_ready(case)
    d = dossiers.dossier_hand_over(
        dossier=d,
        actor=case.p.officer,
        expected_version=d.version,
        received_by="Bưu điện giao (vận đơn VN000124)",
        note="delivery",
    )
    event = DossierEvent.objects.filter(dossier=d, action="hand_over").get()
    messages = services.notify_for_event(event_id=event.pk)
    applicant = [m for m in messages if m.audience == "applicant"]
    assert [m.template.key for m in applicant] == ["post_delivered"]
    [mail] = [m for m in smtp_sandbox.store.messages() if m.recipients == ["an@example.vn"]]
    assert "VN000124" in mail.body and "đánh giá" in mail.body


def _failing_sms(case: Case, settings: Any) -> Message:
    Preference.objects.update_or_create(
        user=case.p.citizen, defaults={"email": False, "sms": True, "zalo": False}
    )
    ContactPoint.objects.create(
        user=case.p.citizen, kind="phone", value="0912345678", verified_at=NOW
    )
    settings.NOTIFY_SMS_URL = f"http://127.0.0.1:{closed_port()}"
    d = case.submit()
    event = DossierEvent.objects.get(dossier=d, action="submit")
    services.notify_for_event(event_id=event.pk, now=NOW)
    [message] = Message.objects.filter(audience="applicant")
    while message.next_attempt_at is not None:
        services.message_send(message_id=message.pk, now=message.next_attempt_at)
        message.refresh_from_db()
    assert message.status == MessageStatus.FAILED
    return message


def test_admin_resends_a_failed_message(
    case: Case, sms_sandbox: HttpSandbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    message = _failing_sms(case, settings)
    settings.NOTIFY_SMS_URL = sms_sandbox.url  # the channel is back
    client = Client()
    client.force_login(case.p.province_admin)
    changelist = "/admin/notifications/message/"
    assert client.get(changelist).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            changelist, {"action": "resend", "_selected_action": [message.pk]}, follow=True
        )
    assert "Đã xếp 1 thông báo vào hàng gửi lại" in response.content.decode()
    message.refresh_from_db()
    assert message.status == MessageStatus.RETRYING and message.resent_by == case.p.province_admin
    assert message.retry_base == message.attempts
    assert services.message_send(message_id=message.pk) == MessageStatus.SENT
    assert len(sms_sandbox.accepted()) == 1
    # Only a failed message is resent.
    with pytest.raises(Exception) as err:
        services.message_resend(message_id=message.pk, actor=case.p.province_admin)
    assert getattr(err.value, "code", "") == "message_not_failed"
    # Officers outside the admin site cannot.
    officer = Client()
    officer.force_login(case.p.officer)
    assert officer.get(changelist).status_code in (302, 403)


def test_a_channel_that_keeps_failing_alerts_the_admins_once(
    case: Case, smtp_sandbox: SmtpSandbox, sms_sandbox: HttpSandbox, settings: Any
) -> None:
    settings.NOTIFY_ALERT_AFTER = 2
    case.p.province_admin.email = "quantri@motcua.local"
    case.p.province_admin.save(update_fields=["email"])
    Preference.objects.update_or_create(
        user=case.p.citizen, defaults={"email": False, "sms": True, "zalo": False}
    )
    ContactPoint.objects.create(
        user=case.p.citizen, kind="phone", value="0912345678", verified_at=NOW
    )
    settings.NOTIFY_SMS_URL = f"http://127.0.0.1:{closed_port()}"
    for _ in range(2):
        d = case.submit()
        services.notify_for_event(event_id=DossierEvent.objects.get(dossier=d, action="submit").pk)
    [alert] = services.channel_alerts_check()
    assert alert.channel == "sms" and alert.failures == 2 and alert.emailed_at
    assert services.channel_alerts_check()[0].pk == alert.pk  # a second run: the same alert
    mails = [m for m in smtp_sandbox.store.messages() if "quantri@motcua.local" in m.recipients]
    assert len(mails) == 1 and "Tin nhắn SMS" in mails[0].subject
    home = Client()
    home.force_login(case.p.province_admin)
    page = home.get("/can-bo/").content.decode()
    assert "kênh gửi thông báo gặp lỗi" in page and "Tin nhắn SMS" in page
    citizen_side = Client()
    citizen_side.force_login(case.p.officer)
    assert "kênh gửi thông báo gặp lỗi" not in citizen_side.get("/can-bo/").content.decode()
    # The channel works again: the next accepted message closes the alert.
    settings.NOTIFY_SMS_URL = sms_sandbox.url
    d = case.submit()
    services.notify_for_event(event_id=DossierEvent.objects.get(dossier=d, action="submit").pk)
    assert services.channel_alerts_check() == []
    assert ChannelAlert.objects.get().closed_at is not None
