"""The journey survives: sign-in with the ID number or the user name,
login and registration return to the draft, the procedure chosen on its
page is carried through the unit picker, and a forgotten password is
recovered by e-mail through a real SMTP connection."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.test import Client

from motcua.accounts.models import User
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.integrations.smtp.testing import link_in
from motcua.portal.tests.test_registration import GOOD
from motcua.testing import PASSWORD

pytestmark = pytest.mark.django_db

NEW_CITIZEN = {**GOOD, "email": "hoa@example.vn"}


# ------------------------------------------------------------------ sign-in


def test_authenticate_accepts_user_name_and_personal_id(personas):
    assert authenticate(username="congdan", password=PASSWORD) == personas.citizen
    assert authenticate(username="086190000123", password=PASSWORD) == personas.citizen
    assert authenticate(username=" 0861 9000 0123 ", password=PASSWORD) == personas.citizen
    assert authenticate(username="086190000123", password="sai-mat-khau") is None
    assert authenticate(username="086190000999", password=PASSWORD) is None
    assert authenticate(username="", password=PASSWORD) is None


def test_an_inactive_account_cannot_sign_in_with_its_id_number(personas):
    User.objects.filter(pk=personas.citizen.pk).update(is_active=False)
    assert authenticate(username="086190000123", password=PASSWORD) is None


def test_login_page_with_id_number_returns_to_next(client, personas, portal_procedure):
    draft = f"/nop-ho-so/{portal_procedure.public_id}/"
    resp = client.post(
        "/dang-nhap/", {"username": "086190000123", "password": PASSWORD, "next": draft}
    )
    assert resp.status_code == 302
    assert resp["Location"] == draft


def test_wrong_password_shows_the_error_summary_in_vietnamese(client, personas):
    resp = client.post("/dang-nhap/", {"username": "086190000123", "password": "khong-dung"})
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "Có lỗi cần sửa" in body
    assert 'href="#id_username"' in body
    assert "mật khẩu không đúng" in body
    assert 'aria-invalid="true"' in body


def test_login_prompt_from_a_draft_offers_registration_with_next(client, portal_procedure):
    draft = f"/nop-ho-so/{portal_procedure.public_id}/"
    prompt = client.get(draft)
    assert prompt.status_code == 302
    login_page = client.get(prompt["Location"]).content.decode()
    assert f"/dang-ky/?next={draft}" in login_page
    assert "Quên mật khẩu?" in login_page


# ------------------------------------------------------------ registration


def test_registration_returns_to_the_draft(client, portal_procedure):
    draft = f"/nop-ho-so/{portal_procedure.public_id}/"
    form = client.get(f"/dang-ky/?next={draft}").content.decode()
    assert f'name="next" value="{draft}"' in form
    resp = client.post("/dang-ky/", {**NEW_CITIZEN, "next": draft})
    assert resp.status_code == 302
    assert resp["Location"] == draft
    assert client.get(draft).status_code == 200  # signed in, the draft opens


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_registration_ignores_an_unsafe_next(client, target):
    resp = client.post("/dang-ky/", {**NEW_CITIZEN, "next": target})
    assert resp.status_code == 302
    assert resp["Location"] == "/tai-khoan/"


def test_registration_errors_are_summarised_and_linked(client):
    resp = client.post("/dang-ky/", {**NEW_CITIZEN, "identifier": "123", "password2": "x"})
    body = resp.content.decode()
    assert "Có lỗi cần sửa" in body
    assert 'href="#id_identifier"' in body and 'href="#id_password2"' in body
    # Every aria-describedby points at an element that exists.
    import re

    ids = set(re.findall(r'\bid="([^"]+)"', body))
    for described in re.findall(r'aria-describedby="([^"]+)"', body):
        for ref in described.split():
            assert ref in ids, ref


# --------------------------------------------------------------- unit picker


def test_the_procedure_is_carried_through_the_unit_picker(client, personas, portal_procedure):
    make_procedure(personas.place.agency_a)  # a second procedure at the same unit
    code = portal_procedure.procedure.code
    units = client.get(f"/nop-ho-so/?thu-tuc={code}").content.decode()
    agency = personas.place.agency_a.public_id
    assert f"?don-vi={agency}&amp;thu-tuc={code}" in units
    page = client.get(f"/nop-ho-so/?don-vi={agency}&thu-tuc={code}").content.decode()
    assert f"/nop-ho-so/{portal_procedure.public_id}/" in page
    assert page.count('href="/nop-ho-so/') == 1 + page.count("Chọn cơ quan khác")
    assert "Xem mọi thủ tục của cơ quan này" in page


# --------------------------------------------------------- password recovery


def test_password_recovery_by_email_through_smtp(
    client: Client, personas, smtp_sandbox: SmtpSandbox
) -> None:
    User.objects.filter(pk=personas.citizen.pk).update(email="an@example.vn")
    resp = client.post("/quen-mat-khau/", {"email": "an@example.vn"})
    assert resp.status_code == 302
    assert resp["Location"] == "/quen-mat-khau/da-gui/"
    [message] = smtp_sandbox.store.messages()
    assert message.recipients == ["an@example.vn"]
    assert "Đặt lại mật khẩu" in message.subject
    link = link_in(message.body)
    path = link.split("testserver", 1)[1]
    form = client.get(path, follow=True)
    assert "Đặt mật khẩu mới" in form.content.decode()
    new = "Cau-Rach-Mieu-2026"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else path,
        {"new_password1": new, "new_password2": new},
    )
    assert done.status_code == 302
    assert done["Location"] == "/quen-mat-khau/xong/"
    assert authenticate(username="086190000123", password=new) == personas.citizen
    # The link works only once.
    again = client.get(path, follow=True).content.decode()
    assert "không còn dùng được" in again


def test_password_recovery_for_an_unknown_address_sends_nothing(client, smtp_sandbox):
    resp = client.post("/quen-mat-khau/", {"email": "ai-do@example.vn"})
    assert resp.status_code == 302
    assert smtp_sandbox.store.messages() == []
