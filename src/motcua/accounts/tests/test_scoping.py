"""A member of unit A gets "not found" for anything of unit B, over HTTP
(back office and API) and at service level."""

import pytest

from motcua.accounts.models import Role, RoleAssignment
from motcua.accounts.selectors import agencies_for_user, agency_get_for_user
from motcua.accounts.services import api_token_issue, role_assignment_grant
from motcua.core.errors import NotFound
from motcua.testing import PASSWORD, assert_problem

pytestmark = pytest.mark.django_db


def test_agencies_for_user_is_scoped(personas):
    place = personas.place
    assert set(agencies_for_user(user=personas.officer)) == {place.agency_a}
    assert set(agencies_for_user(user=personas.officer_b)) == {place.agency_b}
    # A province-wide role covers every agency of the province.
    assert set(agencies_for_user(user=personas.province_admin)) == {
        place.province_committee,
        place.centre,
        place.department,
        place.agency_a,
        place.agency_b,
    }
    # An inspector reads across the province too.
    assert set(agencies_for_user(user=personas.inspector)) == set(
        agencies_for_user(user=personas.province_admin)
    )
    assert list(agencies_for_user(user=personas.citizen)) == []


def test_selector_answers_not_found_for_other_unit(personas):
    with pytest.raises(NotFound):
        agency_get_for_user(user=personas.officer, public_id=personas.place.agency_b.public_id)
    with pytest.raises(NotFound):
        agency_get_for_user(user=personas.officer, public_id="khong-ton-tai")


def test_backoffice_agency_page_is_404_for_other_unit(client, personas):
    place = personas.place
    client.login(username="motcua_a", password=PASSWORD)
    own = client.get(f"/can-bo/don-vi/{place.agency_a.public_id}/")
    assert own.status_code == 200
    assert "UBND Xã Đông Hòa" in own.content.decode()
    other = client.get(f"/can-bo/don-vi/{place.agency_b.public_id}/")
    assert other.status_code == 404
    assert "Không tìm thấy" in other.content.decode()
    missing = client.get("/can-bo/don-vi/khong-ton-tai/")
    assert missing.status_code == 404


def test_api_staff_list_scoped_with_token(client, personas):
    place = personas.place
    _token, raw = api_token_issue(user=personas.officer, name="test")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    ok = client.get(f"/api/v1/accounts/agencies/{place.agency_a.public_id}/staff", **auth)
    assert ok.status_code == 200
    assert {row["username"] for row in ok.json()} == {
        "motcua_a",
        "chuyenvien_a",
        "lanhdao_a",
        "quantri_a",
    }
    other = client.get(f"/api/v1/accounts/agencies/{place.agency_b.public_id}/staff", **auth)
    assert_problem(other, status=404, code="agency_not_found")


def test_api_requires_authentication(client, personas):
    resp = client.get("/api/v1/accounts/me")
    assert_problem(resp, status=401, code="not_authenticated")
    bad = client.get("/api/v1/accounts/me", HTTP_AUTHORIZATION="Bearer mc_sai")
    assert_problem(bad, status=401, code="not_authenticated")


def test_api_me_lists_roles(client, personas):
    client.login(username="quantri_tinh", password=PASSWORD)
    body = client.get("/api/v1/accounts/me").json()
    assert body["username"] == "quantri_tinh"
    assert [(r["role"], r["agency"]) for r in body["roles"]] == [
        ("province_admin", personas.place.province_committee.public_id)
    ]


def test_unit_admin_grants_roles_only_in_own_unit(personas):
    place = personas.place
    granted = role_assignment_grant(
        actor=personas.unit_admin,
        user=personas.citizen,
        agency=place.agency_a,
        role=Role.SPECIALIST,
    )
    assert granted.agency == place.agency_a
    with pytest.raises(NotFound):
        role_assignment_grant(
            actor=personas.unit_admin,
            user=personas.citizen,
            agency=place.agency_b,
            role=Role.SPECIALIST,
        )
    assert not RoleAssignment.objects.filter(user=personas.citizen, agency=place.agency_b).exists()


def test_granting_twice_is_a_conflict_and_changes_nothing(personas):
    from motcua.core.errors import Conflict

    place = personas.place
    before = RoleAssignment.objects.count()
    with pytest.raises(Conflict):
        role_assignment_grant(
            actor=personas.province_admin,
            user=personas.officer,
            agency=place.agency_a,
            role=Role.ONE_STOP_OFFICER,
        )
    assert RoleAssignment.objects.count() == before


def test_backoffice_grant_form(client, personas):
    place = personas.place
    client.login(username="quantri_a", password=PASSWORD)
    resp = client.post(
        f"/can-bo/don-vi/{place.agency_a.public_id}/",
        {"username": "congdan", "role": "specialist"},
    )
    assert resp.status_code == 302
    assert RoleAssignment.objects.filter(
        user=personas.citizen, agency=place.agency_a, role="specialist"
    ).exists()
    unknown = client.post(
        f"/can-bo/don-vi/{place.agency_a.public_id}/", {"username": "khongco", "role": "leader"}
    )
    assert "Không có tài khoản" in unknown.content.decode()
    # An officer (not an admin) cannot post the form.
    client.login(username="motcua_a", password=PASSWORD)
    denied = client.post(
        f"/can-bo/don-vi/{place.agency_a.public_id}/", {"username": "congdan", "role": "leader"}
    )
    assert denied.status_code == 404
