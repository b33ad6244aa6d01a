"""The project's test base: personas for every role, a small province to
hold them, and a helper that asserts the API's problem+json format.

Use the pytest fixtures in the repository's ``conftest.py`` (``personas``,
``province``), or call these functions directly.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse

from motcua.accounts.models import Applicant, ApplicantKind, Role, RoleAssignment, User
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

PASSWORD = "mat-khau-thu-nghiem-1"  # noqa: S105


@dataclass
class TestProvince:
    __test__ = False  # a fixture, not a test class pytest should collect

    province: AdministrativeUnit
    commune_a: AdministrativeUnit
    commune_b: AdministrativeUnit
    province_committee: Agency
    centre: Agency
    department: Agency
    agency_a: Agency
    agency_b: Agency


def make_province(code: str = "99", name: str = "Tỉnh Thử Nghiệm") -> TestProvince:
    """A province with two communes and the agencies that serve them (codes
    outside the real ones, so they never collide with imported data)."""
    province, _ = AdministrativeUnit.objects.get_or_create(
        generation=Generation.CURRENT,
        level=Level.PROVINCE,
        code=code,
        defaults={"name": name, "division_type": "tỉnh", "codename": "thu_nghiem"},
    )
    communes = []
    for suffix, commune_name in (("1", "Xã Đông Hòa"), ("2", "Phường Tây Sơn")):
        commune, _ = AdministrativeUnit.objects.get_or_create(
            generation=Generation.CURRENT,
            level=Level.COMMUNE,
            code=f"{code}00{suffix}",
            defaults={
                "name": commune_name,
                "division_type": "xã",
                "codename": f"c{suffix}",
                "parent": province,
                "province": province,
            },
        )
        communes.append(commune)

    def agency(slug: str, name: str, kind: str, area: AdministrativeUnit, eid: str) -> Agency:
        obj, _ = Agency.objects.get_or_create(
            public_id=f"{code}-{slug}",
            defaults={"name": name, "kind": kind, "area": area, "e_identifier": eid},
        )
        return obj

    committee = agency(
        "ubnd", f"UBND {name}", AgencyKind.PROVINCE_COMMITTEE, province, f"000.00.00.H{code}"
    )
    return TestProvince(
        province=province,
        commune_a=communes[0],
        commune_b=communes[1],
        province_committee=committee,
        centre=agency(
            "tthcc",
            "Trung tâm Phục vụ hành chính công",
            AgencyKind.PUBLIC_SERVICE_CENTRE,
            province,
            f"000.00.01.H{code}",
        ),
        department=agency(
            "stp", "Sở Tư pháp", AgencyKind.DEPARTMENT, province, f"000.00.02.H{code}"
        ),
        agency_a=agency(
            "xa-a",
            "UBND Xã Đông Hòa",
            AgencyKind.COMMUNE_COMMITTEE,
            communes[0],
            f"000.01.01.H{code}",
        ),
        agency_b=agency(
            "xa-b",
            "UBND Phường Tây Sơn",
            AgencyKind.COMMUNE_COMMITTEE,
            communes[1],
            f"000.01.02.H{code}",
        ),
    )


def make_staff(username: str, *roles: tuple[Agency, str], full_name: str = "") -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, full_name=full_name or username
    )
    for agency, role in roles:
        RoleAssignment.objects.create(user=user, agency=agency, role=role)
    return user


def make_citizen(username: str = "congdan", personal_id: str = "086190000123") -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, full_name="Nguyễn Văn An")
    Applicant.objects.create(
        kind=ApplicantKind.CITIZEN, user=user, name=user.full_name, personal_id=personal_id
    )
    return user


@dataclass
class Personas:
    place: TestProvince
    citizen: User
    officer: User  # one-stop officer of commune A
    specialist: User  # specialist of commune A
    leader: User  # leader of commune A
    unit_admin: User  # unit admin of commune A
    inspector: User  # inspector of the province committee
    province_admin: User
    officer_b: User  # one-stop officer of commune B


def make_personas() -> Personas:
    place = make_province()
    return Personas(
        place=place,
        citizen=make_citizen(),
        officer=make_staff("motcua_a", (place.agency_a, Role.ONE_STOP_OFFICER)),
        specialist=make_staff("chuyenvien_a", (place.agency_a, Role.SPECIALIST)),
        leader=make_staff("lanhdao_a", (place.agency_a, Role.LEADER)),
        unit_admin=make_staff("quantri_a", (place.agency_a, Role.UNIT_ADMIN)),
        inspector=make_staff("thanhtra", (place.province_committee, Role.INSPECTOR)),
        province_admin=make_staff("quantri_tinh", (place.province_committee, Role.PROVINCE_ADMIN)),
        officer_b=make_staff("motcua_b", (place.agency_b, Role.ONE_STOP_OFFICER)),
    )


def assert_problem(response: HttpResponse, *, status: int, code: str) -> dict[str, Any]:
    """Assert that ``response`` is a problem+json error with ``code``."""
    assert response.status_code == status, (response.status_code, response.content[:500])
    assert response["Content-Type"].startswith("application/problem+json"), response["Content-Type"]
    body: dict[str, Any] = json.loads(response.content)
    assert body["code"] == code, body
    assert body["status"] == status
    assert body["title"]
    return body


#: How long a browser journey waits for a page, an element or an ``expect``
#: to come true before it fails: long, so a loaded machine (CI runs several
#: suites at once on two shared cores) is never a red test.
BROWSER_WAIT_MS = 90_000


def new_browser_context(browser: Any, base_url: str, *, width: int, height: int) -> Any:
    """A Playwright browser context on ``base_url`` at ``width``×``height``, in
    Vietnamese and Vietnam's time zone, with the journeys' generous waits."""
    context = browser.new_context(
        base_url=base_url,
        viewport={"width": width, "height": height},
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    context.set_default_timeout(BROWSER_WAIT_MS)
    context.set_default_navigation_timeout(BROWSER_WAIT_MS)
    return context
