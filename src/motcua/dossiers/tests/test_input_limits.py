"""Bounded input for dossiers (issue 7, class 2): the 10 MB and the
300,000-key form data of the issue, form data without an e-form, the
documents of a dossier. Over a limit: 413/422 with a stable code and
nothing stored."""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import Applicant
from motcua.accounts.services import api_token_issue
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.limits import InputRejected
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.tests.factories import add_components, local, upload
from motcua.testing import Personas, assert_problem

pytestmark = pytest.mark.django_db


def _post(client: Client, personas: Personas, body: bytes) -> Any:
    _row, raw = api_token_issue(user=personas.citizen, name="limits")
    return client.post(
        "/api/v1/dossiers",
        data=body,
        content_type="application/json",
        headers={"Authorization": f"Bearer {raw}"},
    )


def _body(procedure: ConfiguredProcedure, form_data: Any) -> bytes:
    return json.dumps({"procedure": str(procedure.public_id), "form_data": form_data}).encode()


def test_ten_megabytes_of_form_data_is_413_and_nothing_is_stored(
    client: Client, personas: Personas, procedure: ConfiguredProcedure
) -> None:
    response = _post(client, personas, _body(procedure, {"note": "x" * 10 * 1024 * 1024}))
    assert_problem(response, status=413, code="request_too_large")
    assert not Dossier.objects.exists()


def test_three_hundred_thousand_keys_are_refused_and_nothing_is_stored(
    client: Client, personas: Personas, procedure: ConfiguredProcedure, settings: Any
) -> None:
    body = _body(procedure, {f"k{i}": 1 for i in range(300_000)})
    assert_problem(_post(client, personas, body), status=413, code="request_too_large")
    # Even with the body limit raised, the parser counts the keys.
    settings.MOTCUA_MAX_BODY_BYTES = settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
    assert_problem(_post(client, personas, body), status=422, code="too_many_keys")
    assert not Dossier.objects.exists()


@pytest.mark.parametrize(
    ("form_data", "code"),
    [
        ({f"k{i}": 1 for i in range(51)}, "form_data_too_many_keys"),
        ({"a": {"b": {"c": 1}}}, "form_data_too_deep"),
        ({"note": "x" * 2001}, "string_too_long"),
        ({f"k{i}": "x" * 1000 for i in range(20)}, "form_data_too_large"),
        ({"note": "a\x00b"}, "control_character"),
        ({"note": "a\ud800b"}, "invalid_unicode"),
        ({"n": 2**64}, "integer_out_of_range"),
    ],
)
def test_form_data_without_an_eform_is_bounded(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    form_data: dict[str, Any],
    code: str,
) -> None:
    with pytest.raises(InputRejected) as exc:
        services.dossier_submit(
            actor=personas.citizen, procedure=procedure, applicant=applicant, form_data=form_data
        )
    assert exc.value.code == code
    assert exc.value.status == 422
    assert not Dossier.objects.exists()


def test_the_api_answers_form_data_limits_with_problem_json(
    client: Client, personas: Personas, procedure: ConfiguredProcedure
) -> None:
    response = _post(client, personas, _body(procedure, {f"k{i}": 1 for i in range(60)}))
    body = assert_problem(response, status=422, code="form_data_too_many_keys")
    assert body["errors"][0]["field"] == "form_data"
    assert not Dossier.objects.exists()


def test_form_data_is_stored_in_nfc(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị Ánh")
    dossier = services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=applicant,
        form_data={unicodedata.normalize("NFD", "ghi chú"): decomposed},
    )
    dossier.refresh_from_db()
    assert dossier.form_data == {"ghi chú": "Nguyễn Thị Ánh"}


def test_documents_per_dossier_are_bounded(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    settings: Any,
) -> None:
    form, copy = add_components(procedure)
    settings.MOTCUA_DOSSIER_MAX_DOCUMENTS = 1
    with pytest.raises(InputRejected) as exc:
        services.dossier_submit(
            actor=personas.citizen,
            procedure=procedure,
            applicant=applicant,
            attachments=[
                Attachment(file=upload(personas.citizen), component_id=form.pk),
                Attachment(file=upload(personas.citizen, "cccd.pdf"), component_id=copy.pk),
            ],
            now=local(2026, 3, 2, 8),
        )
    assert exc.value.code == "too_many_documents"
    assert not Dossier.objects.exists() and not DossierDocument.objects.exists()
