"""Counter intake: the lookup fills the applicant, the ID is checked as it
is typed (a fragment beside the field), the procedure picker searches with
or without diacritics and preselects nothing."""

from __future__ import annotations

import pytest
from django.test import Client

from motcua.accounts.models import Applicant, User
from motcua.catalog.models import ConfiguredProcedure
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_lookup_fills_the_applicant_fields(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    applicant.phone, applicant.address = "0912345678", "12 Nguyễn Huệ, Phường Tây Sơn"
    applicant.save()
    page = _client(personas.officer).post(
        "/can-bo/tiep-nhan/",
        {
            "procedure": str(procedure.public_id),
            "applicant_kind": "citizen",
            "identifier": applicant.personal_id,
            "lookup": "1",
        },
    )
    html = page.content.decode()
    assert f'id="nn-name" name="name" autocomplete="off" value="{applicant.name}"' in html
    assert 'value="0912345678"' in html and 'value="12 Nguyễn Huệ, Phường Tây Sơn"' in html


def test_lookup_with_a_wrong_id_says_why_beside_the_field(
    personas: Personas, procedure: ConfiguredProcedure
) -> None:
    html = (
        _client(personas.officer)
        .post(
            "/can-bo/tiep-nhan/",
            {
                "procedure": str(procedure.public_id),
                "applicant_kind": "citizen",
                "identifier": "12345",
                "lookup": "1",
            },
        )
        .content.decode()
    )
    assert 'aria-invalid="true"' in html
    assert (
        '<span id="nn-id-kiem-tra" aria-live="polite"><span class="error">'
        "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    )


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0861900", "phải gồm đúng 12 chữ số"),
        ("999190000123", "không phải mã tỉnh hợp lệ"),
        ("086190000555", "Hợp lệ. Chưa có trong hệ thống"),
    ],
)
def test_identifier_checked_as_typed(personas: Personas, typed: str, expected: str) -> None:
    response = _client(personas.officer).get(
        "/can-bo/tiep-nhan/kiem-tra/", {"identifier": typed, "applicant_kind": "citizen"}
    )
    assert response.status_code == 200
    assert expected in response.content.decode()


def test_identifier_check_names_a_known_applicant(personas: Personas, applicant: Applicant) -> None:
    html = (
        _client(personas.officer)
        .get("/can-bo/tiep-nhan/kiem-tra/", {"identifier": str(applicant.personal_id)})
        .content.decode()
    )
    assert f"Đã có trong hệ thống: <strong>{applicant.name}</strong>" in html


def test_identifier_check_is_for_one_stop_officers_only(personas: Personas) -> None:
    response = _client(personas.citizen).get("/can-bo/tiep-nhan/kiem-tra/", {"identifier": "1"})
    assert response.status_code == 404


def test_procedure_picker_searches_without_diacritics_and_preselects_nothing(
    personas: Personas, procedure: ConfiguredProcedure
) -> None:
    assert procedure.current_version is not None
    name = procedure.current_version.procedure_version.name
    client = _client(personas.officer)
    page = client.get("/can-bo/tiep-nhan/").content.decode()
    assert "<select" not in page.split('id="danh-sach-thu-tuc"')[0].split("<h1>")[1]
    assert f'?thu_tuc={procedure.public_id}">{name}</a>' in page
    from motcua.core.text import fold

    folded = fold(name).split()[0]
    found = client.get("/can-bo/tiep-nhan/", {"tim": folded}).content.decode()
    assert f"?thu_tuc={procedure.public_id}" in found
    missing = client.get("/can-bo/tiep-nhan/", {"tim": "khongcothutucnay"}).content.decode()
    assert "Không có thủ tục nào khớp “khongcothutucnay”" in missing
