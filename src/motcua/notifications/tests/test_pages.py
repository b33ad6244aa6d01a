"""The applicant's notification settings (channels, a code sent to a new
phone over the SMS sandbox and typed back) and the "messages sent"
sections of the back-office and portal dossier pages."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from motcua.dossiers.models import DossierEvent
from motcua.integrations.httpsandbox import HttpSandbox
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.notifications import services
from motcua.notifications.models import ContactPoint, Preference
from motcua.notifications.tests.helpers import Case
from motcua.testing import Personas

URL = "/tai-khoan/thong-bao/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_channels_are_saved(personas: Personas) -> None:
    client = _client(personas.citizen)
    page = client.get(URL)
    assert page.status_code == 200 and "Kênh nhận thông báo" in page.content.decode()
    response = client.post(URL, {"action": "channels", "sms": "on", "zalo": "on"})
    assert response.status_code == 302
    assert Preference.objects.get(user=personas.citizen).channels() == ["sms", "zalo"]


def test_a_new_phone_is_verified_with_the_code_sent_by_sms(
    personas: Personas, sms_sandbox: HttpSandbox, django_capture_on_commit_callbacks: Any
) -> None:
    client = _client(personas.citizen)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"action": "add", "kind": "phone", "value": "091 234 5678"})
    assert response.status_code == 302
    contact = ContactPoint.objects.get(user=personas.citizen)
    assert contact.value == "0912345678" and contact.verified_at is None
    [sms] = sms_sandbox.accepted()
    found = re.search(r"\b(\d{6})\b", sms.text)
    assert found is not None and sms.address == "0912345678"
    wrong = "000000" if found.group(1) != "000000" else "111111"
    page = client.post(URL, {"action": "verify", "contact": contact.pk, "code": wrong}, follow=True)
    assert "Mã xác nhận không đúng." in page.content.decode()
    contact.refresh_from_db()
    assert contact.verified_at is None and contact.code_tries == 1
    page = client.post(
        URL, {"action": "verify", "contact": contact.pk, "code": found.group(1)}, follow=True
    )
    assert "Đã xác nhận địa chỉ liên lạc." in page.content.decode()
    contact.refresh_from_db()
    assert contact.verified_at is not None


def test_bad_phone_is_refused_in_vietnamese(personas: Personas) -> None:
    response = _client(personas.citizen).post(
        URL, {"action": "add", "kind": "phone", "value": "12"}
    )
    assert response.status_code == 400
    assert "Số điện thoại không hợp lệ" in response.content.decode()
    assert not ContactPoint.objects.exists()


def test_code_requests_are_throttled(
    personas: Personas, settings: Any, sms_sandbox: HttpSandbox
) -> None:
    settings.MOTCUA_THROTTLE_CONTACT_CODE = "2/h"
    client = _client(personas.citizen)
    statuses = [
        client.post(URL, {"action": "add", "kind": "phone", "value": f"091234567{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]


def test_someone_elses_contact_cannot_be_verified_or_removed(personas: Personas) -> None:
    other = ContactPoint.objects.create(user=personas.officer, kind="phone", value="0912345678")
    client = _client(personas.citizen)
    page = client.post(
        URL, {"action": "verify", "contact": other.pk, "code": "123456"}, follow=True
    )
    assert "Không tìm thấy địa chỉ liên lạc." in page.content.decode()
    client.post(URL, {"action": "remove", "contact": other.pk})
    assert ContactPoint.objects.filter(pk=other.pk).exists()


def test_dossier_pages_list_the_messages_sent(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    d = case.submit()
    event = DossierEvent.objects.get(dossier=d, action="submit")
    services.notify_for_event(event_id=event.pk)
    office = _client(case.p.officer).get(f"/can-bo/ho-so/{d.code}/").content.decode()
    assert "Thông báo đã gửi" in office
    assert "an@example.vn" in office and "motcua_a@motcua.local" in office
    assert "Đã gửi" in office
    portal = _client(case.p.citizen).get(f"/ho-so-cua-toi/{d.code}/").content.decode()
    assert "Thông báo đã gửi cho bạn" in portal and f"Đã nhận hồ sơ {d.code}" in portal
    assert "motcua_a@motcua.local" not in portal and "Hồ sơ mới cần xử lý" not in portal
