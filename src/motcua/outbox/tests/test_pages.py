"""The back-office pages: a dossier's outbox rows with their tries, the
dead letters of a unit, "Gửi lại" and "Bỏ qua"; and the webhook page."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services as dossiers
from motcua.dossiers.models import DossierAccessLog
from motcua.dossiers.tests.factories import local
from motcua.outbox.models import OutboxAttempt, OutboxMessage, State
from motcua.outbox.services import message_enqueue
from motcua.testing import Personas
from motcua.webhooks.models import WebhookSubscription

pytestmark = pytest.mark.django_db


def test_admin_sees_resends_and_skips(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = dossiers.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    dead = message_enqueue(
        destination="national_portal", key="k1", payload={}, dossier_id=d.pk, stream=f"d{d.pk}"
    )
    OutboxMessage.objects.filter(pk=dead.pk).update(
        state=State.DEAD, attempts=3, last_error="Mã thủ tục không tồn tại"
    )
    client = Client()
    client.force_login(personas.unit_admin)
    page = client.get(f"/can-bo/gui-di/ho-so/{d.code}/").content.decode()
    assert "Cổng Dịch vụ công quốc gia" in page and "Mã thủ tục không tồn tại" in page
    assert "Gửi lại" in page and "Bỏ qua" in page
    assert DossierAccessLog.objects.filter(dossier=d, user=personas.unit_admin).exists()
    listing = client.get("/can-bo/gui-di/").content.decode()
    assert d.code in listing
    answer = client.post(f"/can-bo/gui-di/thu/{dead.pk}/bo-qua/", {"tu": "danh-sach"})
    assert answer.status_code == 302 and answer["Location"] == "/can-bo/gui-di/"
    dead.refresh_from_db()
    assert dead.state == State.SKIPPED
    client.post(f"/can-bo/gui-di/thu/{dead.pk}/gui-lai/")
    dead.refresh_from_db()
    assert dead.state == State.PENDING
    assert list(OutboxAttempt.objects.values_list("outcome", "by")) == [
        ("skipped", "quantri_a"),
        ("resent", "quantri_a"),
    ]
    # Resending a row already waiting is refused kindly.
    again = client.post(f"/can-bo/gui-di/thu/{dead.pk}/gui-lai/", follow=True)
    assert "không cần gửi lại" in again.content.decode()


def test_webhook_page_adds_and_switches(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.unit_admin)
    assert "Chưa có đăng ký nào" in client.get("/can-bo/webhook/").content.decode()
    answer = client.post(
        "/can-bo/webhook/",
        {
            "agency": personas.place.agency_a.pk,
            "name": "Hệ thống thống kê",
            "url": "https://thongke.example.vn/nhan",
            "event_types": ["submit", "accept"],
        },
    )
    assert answer.status_code == 302
    sub = WebhookSubscription.objects.get()
    assert sub.event_types == ["accept", "submit"] and sub.secret.startswith("whsec_")
    page = client.get("/can-bo/webhook/").content.decode()
    assert "Hệ thống thống kê" in page and sub.secret in page
    client.post(f"/can-bo/webhook/{sub.pk}/bat-tat/")
    sub.refresh_from_db()
    assert not sub.active
    old = sub.secret
    client.post(f"/can-bo/webhook/{sub.pk}/khoa-moi/")
    sub.refresh_from_db()
    assert sub.secret != old
