"""The files API: the ``thumbnail_url`` it hands out answers, for the
uploader only, and every read is logged."""

from __future__ import annotations

import io
import logging
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from motcua.accounts.services import api_token_issue
from motcua.documents.tests import factories
from motcua.testing import Personas, assert_problem


def _auth(user: Any, *scopes: str) -> dict[str, str]:
    _t, raw = api_token_issue(user=user, name="thử", scopes=scopes or ("read", "submit"))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_thumbnail_url_of_an_upload_answers_for_the_uploader(
    personas: Personas, client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    auth = _auth(personas.citizen)
    upload = SimpleUploadedFile("anh.png", factories.png_bytes((800, 600)), "image/png")
    resp = client.post("/api/v1/files", {"file": upload}, **auth)
    assert resp.status_code == 201, resp.content
    url = resp.json()["thumbnail_url"]
    assert url.startswith("/api/v1/files/") and url.endswith("/thumbnail")
    with caplog.at_level(logging.INFO, logger="motcua.documents.api"):
        got = client.get(url, **auth)
    assert got.status_code == 200
    assert got["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(got.streaming_content))) as thumb:
        assert max(thumb.size) <= 800
    assert any("thumbnail read" in r.getMessage() for r in caplog.records)
    # Someone else: not found, alike for missing and forbidden.
    other = client.get(url, **_auth(personas.officer))
    assert_problem(other, status=404, code="file_not_found")
    missing = client.get("/api/v1/files/00000000-0000-0000-0000-000000000000/thumbnail", **auth)
    assert_problem(missing, status=404, code="file_not_found")
    # Without a token: 401.
    assert_problem(client.get(url), status=401, code="not_authenticated")


@pytest.mark.django_db
def test_a_pdf_upload_gets_a_static_icon_that_exists(personas: Personas, client: Any) -> None:
    auth = _auth(personas.citizen)
    upload = SimpleUploadedFile("to-khai.pdf", factories.handmade_pdf(), "application/pdf")
    resp = client.post("/api/v1/files", {"file": upload}, **auth)
    assert resp.status_code == 201, resp.content
    url = resp.json()["thumbnail_url"]
    assert url.endswith(".svg")
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_upload_needs_the_submit_scope(personas: Personas, client: Any) -> None:
    upload = SimpleUploadedFile("anh.png", factories.png_bytes(), "image/png")
    resp = client.post("/api/v1/files", {"file": upload}, **_auth(personas.citizen, "read"))
    assert_problem(resp, status=403, code="insufficient_scope")
