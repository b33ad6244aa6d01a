"""Which admin pages each role opens and which it is refused: the province
administrator works in the admin site with the permissions of its role;
every other role is sent away; nobody but a superuser makes superusers."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from motcua.accounts.models import User
from motcua.testing import Personas

#: Admin pages (changelists) the province administrator needs.
PROVINCE_ADMIN_OPENS = [
    "units_agency",
    "units_administrativeunit",
    "accounts_user",
    "accounts_roleassignment",
    "catalog_procedure",
    "catalog_workflowtemplate",
    "catalog_eform",
    "catalog_standardset",
    "catalog_configuredprocedure",
    "catalog_catalogauditevent",
    "workcalendar_calendaroverride",
    "workcalendar_workinghours",
    "dossiers_dossier",
    "axes_accessattempt",
    "axes_accessfailurelog",
]
#: Pages it has no business in.
PROVINCE_ADMIN_REFUSED = ["accounts_apitoken", "dossiers_dossiercounter"]
#: Add pages it opens (creating) and those it may not.
PROVINCE_ADMIN_ADDS = [
    "units_agency",
    "accounts_user",
    "catalog_standardset",
    "workcalendar_calendaroverride",
]
PROVINCE_ADMIN_CANNOT_ADD = ["dossiers_dossier", "catalog_procedure", "units_administrativeunit"]

OTHER_ROLES = ["officer", "specialist", "leader", "unit_admin", "inspector", "citizen"]


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_province_admin_opens_the_pages_of_its_role(personas: Personas) -> None:
    client = _client(personas.province_admin)
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    for name in PROVINCE_ADMIN_OPENS:
        response = client.get(reverse(f"admin:{name}_changelist"))
        assert response.status_code == 200, name
    for name in PROVINCE_ADMIN_ADDS:
        assert client.get(reverse(f"admin:{name}_add")).status_code == 200, name


@pytest.mark.django_db
def test_province_admin_is_refused_the_rest(personas: Personas) -> None:
    client = _client(personas.province_admin)
    for name in PROVINCE_ADMIN_REFUSED:
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 403, name
    for name in PROVINCE_ADMIN_CANNOT_ADD:
        assert client.get(reverse(f"admin:{name}_add")).status_code == 403, name


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHER_ROLES)
def test_other_roles_are_sent_to_the_admin_sign_in(personas: Personas, role: str) -> None:
    client = _client(getattr(personas, role))
    index = client.get(reverse("admin:index"))
    assert index.status_code == 302 and reverse("admin:login") in index["Location"]
    page = client.get(reverse("admin:units_agency_changelist"))
    assert page.status_code == 302


@pytest.mark.django_db
def test_province_admin_signs_in_on_the_admin_page(personas: Personas) -> None:
    user = personas.province_admin
    user.set_password("mat-khau-quan-tri-1")
    user.save()
    assert not user.is_staff
    response = Client().post(
        reverse("admin:login"),
        {"username": user.username, "password": "mat-khau-quan-tri-1", "next": "/admin/"},
    )
    assert response.status_code == 302 and response["Location"] == "/admin/"
    officer = personas.officer
    officer.set_password("mat-khau-can-bo-1")
    officer.save()
    refused = Client().post(
        reverse("admin:login"), {"username": officer.username, "password": "mat-khau-can-bo-1"}
    )
    assert refused.status_code == 200  # the form again, with its error


@pytest.mark.django_db
def test_province_admin_cannot_make_superusers(personas: Personas) -> None:
    client = _client(personas.province_admin)
    officer = personas.officer
    page = client.get(reverse("admin:accounts_user_change", args=[officer.pk]))
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content
    root = User.objects.create_superuser(username="goc", password="x-goc-12345")
    url = reverse("admin:accounts_user_change", args=[root.pk])
    assert b'name="password"' not in client.get(url).content  # read only
    assert client.post(url, {"username": "goc2"}).status_code == 403
    root.refresh_from_db()
    assert root.username == "goc"


@pytest.mark.django_db
def test_revoking_the_role_closes_the_admin_site(personas: Personas) -> None:
    personas.province_admin.role_assignments.all().delete()
    client = _client(User.objects.get(pk=personas.province_admin.pk))
    assert client.get(reverse("admin:index")).status_code == 302
