"""The API's answers to throttled requests: 429 problem+json with a stable
``code`` and ``Retry-After`` (rules: docs/developers/security.md)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core import throttling
from motcua.dossiers import services
from motcua.dossiers.tests.factories import local
from motcua.dossiers.tests.test_selectors_api import bearer
from motcua.testing import Personas, assert_problem

URL = "/api/v1/dossiers"


@pytest.fixture(autouse=True)
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    # Mid-hour: the test never straddles a window's end.
    monkeypatch.setattr(throttling, "clock", lambda: 1_779_998_400.0 + 1800)


def test_the_eleventh_api_guess_is_429_problem_json(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    d = services.dossier_submit(
        actor=personas.citizen, procedure=procedure, applicant=applicant, now=local(2026, 3, 2, 8)
    )
    for i in range(10):
        c = Client(REMOTE_ADDR=f"203.0.113.{i + 1}")
        assert c.get(f"{URL}/track/{d.code}", {"factor": f"{i:04d}"}).status_code == 404
    refused: Any = Client(REMOTE_ADDR="203.0.113.99").get(
        f"{URL}/track/{d.code}", {"factor": "0123"}
    )
    body = assert_problem(refused, status=429, code="throttled")
    assert body["title"] == "Quá nhiều yêu cầu"
    assert int(refused["Retry-After"]) == 1800
    assert refused["Cache-Control"] == "no-store, private"


def test_api_uploads_per_account_are_throttled(
    personas: Personas, client: Client, settings: Any
) -> None:
    settings.MOTCUA_THROTTLE_UPLOAD = "1/h"
    auth = bearer(personas.citizen)

    def upload() -> Any:
        return client.post(
            "/api/v1/files", {"file": SimpleUploadedFile("a.txt", b"not a pdf")}, **auth
        )

    assert upload().status_code != 429
    refused = upload()
    assert_problem(refused, status=429, code="throttled")
    assert refused["Retry-After"] == "1800"


def test_api_submissions_per_account_are_throttled(
    personas: Personas, procedure: ConfiguredProcedure, client: Client, settings: Any
) -> None:
    settings.MOTCUA_THROTTLE_SUBMIT = "1/h"
    auth = bearer(personas.citizen)
    body = json.dumps({"procedure": str(procedure.public_id)})

    def submit() -> Any:
        return client.post(URL, data=body, content_type="application/json", **auth)

    assert submit().status_code != 429
    assert_problem(submit(), status=429, code="throttled")
    # Another account is not held back by the first one's rate.
    other = bearer(personas.officer)
    second = client.post(URL, data=body, content_type="application/json", **other)
    assert second.status_code != 429
