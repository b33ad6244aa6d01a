"""A unit administrator grants and revokes only the roles it may grant, in
its own unit; the form offers nothing else."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.models import Role, RoleAssignment
from motcua.accounts.selectors import roles_grantable
from motcua.accounts.services import role_assignment_grant, role_assignment_revoke
from motcua.core.errors import DomainError, NotFound
from motcua.testing import Personas

pytestmark = pytest.mark.django_db

WORKING_ROLES = {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.UNIT_ADMIN}


def _client(personas: Personas, name: str) -> Client:
    client = Client()
    client.force_login(getattr(personas, name))
    return client


def test_what_each_role_may_grant(personas: Personas) -> None:
    a = personas.place.agency_a
    assert set(roles_grantable(user=personas.unit_admin, agency=a)) == WORKING_ROLES
    assert set(roles_grantable(user=personas.province_admin, agency=a)) == set(Role.values)
    for name in ("officer", "leader", "inspector", "officer_b"):
        assert roles_grantable(user=getattr(personas, name), agency=a) == [], name


def test_unit_admin_form_offers_only_grantable_roles_and_no_preselection(
    personas: Personas,
) -> None:
    page = _client(personas, "unit_admin").get(
        f"/can-bo/don-vi/{personas.place.agency_a.public_id}/"
    )
    html = page.content.decode()
    assert 'value="specialist"' in html and 'value="leader"' in html
    assert 'value="province_admin"' not in html and 'value="inspector"' not in html
    select = html.split('name="role"')[1].split("</select>")[0]
    assert 'value="" selected>— Chọn vai trò —' in select and select.count("selected") == 1


def test_unit_admin_cannot_grant_a_province_wide_role_even_by_posting(personas: Personas) -> None:
    a = personas.place.agency_a
    response = _client(personas, "unit_admin").post(
        f"/can-bo/don-vi/{a.public_id}/", {"username": "congdan", "role": "province_admin"}
    )
    assert response.status_code == 200
    assert "Hãy chọn một lựa chọn hợp lệ" in response.content.decode()
    assert not RoleAssignment.objects.filter(user=personas.citizen).exists()
    with pytest.raises(DomainError) as caught:
        role_assignment_grant(
            actor=personas.unit_admin, user=personas.citizen, agency=a, role=Role.INSPECTOR
        )
    assert caught.value.code == "role_not_grantable"


def test_unit_admin_revokes_a_role_in_its_unit(personas: Personas) -> None:
    a = personas.place.agency_a
    assignment = RoleAssignment.objects.get(user=personas.specialist, agency=a)
    client = _client(personas, "unit_admin")
    page = client.get(f"/can-bo/don-vi/{a.public_id}/").content.decode()
    assert f"/vai-tro/{assignment.pk}/thu-hoi/" in page
    response = client.post(f"/can-bo/don-vi/{a.public_id}/vai-tro/{assignment.pk}/thu-hoi/")
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    after = client.get(response["Location"]).content.decode()
    assert "Đã thu hồi vai trò Chuyên viên" in after


def test_unit_admin_cannot_revoke_what_it_may_not_grant(personas: Personas) -> None:
    a = personas.place.agency_a
    held = role_assignment_grant(
        actor=personas.province_admin, user=personas.citizen, agency=a, role=Role.INSPECTOR
    )
    client = _client(personas, "unit_admin")
    page = client.get(f"/can-bo/don-vi/{a.public_id}/").content.decode()
    assert f"/vai-tro/{held.pk}/thu-hoi/" not in page
    assert "Chỉ quản trị tỉnh thu hồi" in page
    client.post(f"/can-bo/don-vi/{a.public_id}/vai-tro/{held.pk}/thu-hoi/")
    assert RoleAssignment.objects.filter(pk=held.pk).exists()
    with pytest.raises(DomainError):
        role_assignment_revoke(actor=personas.unit_admin, assignment=held)
    role_assignment_revoke(actor=personas.province_admin, assignment=held)
    assert not RoleAssignment.objects.filter(pk=held.pk).exists()


def test_revoking_elsewhere_is_not_found(personas: Personas) -> None:
    b_officer = RoleAssignment.objects.get(user=personas.officer_b)
    b = personas.place.agency_b
    response = _client(personas, "unit_admin").post(
        f"/can-bo/don-vi/{b.public_id}/vai-tro/{b_officer.pk}/thu-hoi/"
    )
    assert response.status_code == 404
    # An assignment of unit B through unit A's address: not found either.
    a = personas.place.agency_a
    response = _client(personas, "unit_admin").post(
        f"/can-bo/don-vi/{a.public_id}/vai-tro/{b_officer.pk}/thu-hoi/"
    )
    assert response.status_code == 404
    # An officer of unit A cannot revoke in unit A.
    mine = RoleAssignment.objects.get(user=personas.specialist)
    response = _client(personas, "officer").post(
        f"/can-bo/don-vi/{a.public_id}/vai-tro/{mine.pk}/thu-hoi/"
    )
    assert response.status_code == 404
    with pytest.raises(NotFound):
        role_assignment_revoke(actor=personas.officer_b, assignment=mine)
    assert RoleAssignment.objects.filter(pk__in=[b_officer.pk, mine.pk]).count() == 2
