"""The back office is for staff: every view is behind ``staff_required``;
an applicant or an account without a role gets "not found", a superuser
enters, and an officer keeps the access their roles give."""

from __future__ import annotations

from django.test import Client
from django.urls import URLPattern

from motcua.accounts.models import Applicant, User
from motcua.backoffice import urls
from motcua.backoffice.access import MARK
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers import services
from motcua.testing import Personas, make_staff


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_every_back_office_url_is_behind_the_door() -> None:
    patterns = [p for p in urls.urlpatterns if isinstance(p, URLPattern)]
    assert len(patterns) == len(urls.urlpatterns) > 10
    unguarded = [p.name for p in patterns if not getattr(p.callback, MARK, False)]
    assert unguarded == []


def test_an_applicant_finds_no_back_office(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    dossier = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, form_data={}
    )
    citizen = _client(personas.citizen)
    for path in ("/can-bo/", "/can-bo/ho-so/", f"/can-bo/ho-so/{dossier.code}/"):
        response = citizen.get(path)
        assert response.status_code == 404, path
        assert dossier.code not in response.content.decode()
    # The same dossier is theirs on the portal, and the officer's in the back office.
    assert citizen.get(f"/ho-so-cua-toi/{dossier.code}/").status_code == 200
    officer = _client(personas.officer)
    assert officer.get(f"/can-bo/ho-so/{dossier.code}/").status_code == 200
    assert officer.get("/can-bo/").status_code == 200


def test_an_account_without_a_role_is_not_staff_a_superuser_is(db: None) -> None:
    no_role = make_staff("chua_co_vai_tro")
    assert _client(no_role).get("/can-bo/").status_code == 404
    root = User.objects.create_superuser("quantri_goc", password="x")
    assert _client(root).get("/can-bo/").status_code == 200
    assert _client(root).get("/can-bo/ho-so/").status_code == 200


def test_signed_out_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/can-bo/ho-so/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]
