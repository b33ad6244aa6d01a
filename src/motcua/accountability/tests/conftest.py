from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from motcua.accountability import synthetic
from motcua.accounts.models import Applicant, Role, User
from motcua.dossiers.tests.factories import local, make_procedure
from motcua.testing import Personas, make_staff

NOW = local(2026, 3, 31, 12)
START = local(2026, 2, 1, 7)


@dataclass
class World:
    personas: Personas
    ids: list[int]
    now: datetime.datetime


@pytest.fixture(autouse=True)
def _fresh_component_cache() -> None:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()


def build_world(personas: Personas, count: int = 240) -> World:
    place = personas.place
    procedure = make_procedure(place.agency_a)
    assert procedure.current_version is not None
    officer2 = make_staff(
        "motcua_a2", (place.agency_a, Role.ONE_STOP_OFFICER), full_name="Lê Thị Hai"
    )
    spec2 = make_staff("chuyenvien_a2", (place.agency_a, Role.SPECIALIST), full_name="Trần Văn Ba")
    spec_b = make_staff("chuyenvien_b", (place.agency_b, Role.SPECIALIST), full_name="Phạm Thị Bốn")
    leader_b = make_staff("lanhdao_b", (place.agency_b, Role.LEADER), full_name="Võ Văn Năm")
    staff = synthetic.Staff(
        officers=[personas.officer, officer2],
        specialists={place.agency_a.pk: [personas.specialist, spec2], place.agency_b.pk: [spec_b]},
        leaders={place.agency_a.pk: [personas.leader], place.agency_b.pk: [leader_b]},
    )
    applicant = Applicant.objects.get(user=personas.citizen)
    ids = synthetic.generate(
        count=count,
        version=procedure.current_version,
        receiving=place.agency_a,
        processing=[place.agency_a, place.agency_b],
        applicant=applicant,
        submitter=personas.citizen,
        staff=staff,
        start=START,
        span_days=58,
        now=NOW,
        seed=11,
    )
    return World(personas=personas, ids=ids, now=NOW)


@pytest.fixture
def world(personas: Personas) -> World:
    return build_world(personas)


def login(client: object, user: User) -> None:
    client.force_login(user)  # type: ignore[attr-defined]
