"""One error shape (issue 7, class 4) and input refused at the door (class
3) on the HTML sides and the API: problem+json under /api/, a Vietnamese
page elsewhere; 500 with a correlation id (logged and sent as a header);
503 when the database or the cache cannot be reached."""

from __future__ import annotations

import json
import logging
import unicodedata
from typing import Any
from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from motcua.core.http import CORRELATION_HEADER, is_unavailable
from motcua.testing import Personas, assert_problem

pytestmark = pytest.mark.django_db


@pytest.fixture
def quiet_client() -> Any:
    """A client that gets the error page instead of the exception."""
    return Client(raise_request_exception=False)


def _page(response: Any, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("text/html")
    html: str = response.content.decode()
    assert '<html lang="vi">' in html
    return html


def _dead_database(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("could not connect to server: Connection refused")


# ----------------------------------------------------------------- the API


def test_an_unknown_api_path_is_problem_json(client: Any) -> None:
    assert_problem(client.get("/api/v1/khong-co/"), status=404, code="not_found")


def test_an_unexpected_api_failure_is_500_with_a_correlation_id(
    quiet_client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with (
        mock.patch("motcua.units.selectors.unit_search", side_effect=RuntimeError("boom")),
        caplog.at_level(logging.ERROR, logger="motcua.errors"),
    ):
        response = quiet_client.get("/api/v1/units/search?q=vinh")
    body = assert_problem(response, status=500, code="server_error")
    correlation_id = response[CORRELATION_HEADER]
    assert body["correlation_id"] == correlation_id and len(correlation_id) == 32
    assert any(correlation_id in record.getMessage() for record in caplog.records)
    assert "boom" not in response.content.decode()


def test_an_unreachable_database_is_503_for_the_api(quiet_client: Any) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=_dead_database):
        response = quiet_client.get("/api/v1/units/search?q=vinh")
    body = assert_problem(response, status=503, code="service_unavailable")
    assert body["correlation_id"] == response[CORRELATION_HEADER]


def test_cache_connection_errors_count_as_unavailable() -> None:
    redis_error = type("ConnectionError", (Exception,), {"__module__": "redis.exceptions"})
    assert is_unavailable(redis_error("down"))
    assert is_unavailable(ConnectionRefusedError())
    assert is_unavailable(OperationalError())
    assert not is_unavailable(RuntimeError())


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("/api/v1/units/search?q=a%00b", "control_character"),
        ("/api/v1/units/search?q=%ED%A0%80", "invalid_unicode"),
        ("/api/v1/dossiers/track/A%00B?factor=1234", "control_character"),
        ("/api/v1/dossiers/track/%ED%A0%80?factor=1234", "invalid_unicode"),
    ],
)
def test_bad_characters_in_path_and_query_are_400(client: Any, url: str, code: str) -> None:
    assert_problem(client.get(url), status=400, code=code)


def test_bad_characters_in_headers_and_cookies_are_400(client: Any) -> None:
    response = client.get("/api/v1/units/search", headers={"Idempotency-Key": "a\x00b"})
    assert_problem(response, status=400, code="invalid_header")
    client.cookies["sessionid"] = "\x00abcdefgh"
    assert_problem(client.get("/api/v1/units/search"), status=400, code="invalid_cookie")


def test_an_overlong_query_parameter_is_422(client: Any) -> None:
    assert_problem(
        client.get("/api/v1/units/search", {"q": "x" * 1001}), status=422, code="string_too_long"
    )


def test_a_json_body_is_checked_before_any_schema(client: Any, personas: Personas) -> None:
    client.force_login(personas.officer)
    url = "/api/v1/dossiers/KHONG-CO/actions/accept"
    for raw, code in [
        (b'{"expected_version": 1, "note": "\\u0000"}', "control_character"),
        (b'{"expected_version": 1, "note": "\\udfff"}', "invalid_unicode"),
        (b'{"expected_version": 1, "x": ' + b"[" * 50 + b"]" * 50 + b"}", "too_deep"),
        (b'{"expected_version": 1, "note": ', "invalid_json"),
        (b'{"expected_version": 123456789012345678901234567890}', "integer_out_of_range"),
    ]:
        response = client.post(url, data=raw, content_type="application/json")
        assert 400 <= response.status_code < 500
        assert_problem(response, status=response.status_code, code=code)


def test_query_text_reaches_the_view_in_nfc(client: Any) -> None:
    from motcua.units.models import AdministrativeUnit  # noqa: F401  (the search runs)

    seen: dict[str, str] = {}

    def spy(**kwargs: Any) -> list[Any]:
        seen["q"] = kwargs["query"]
        return []

    with mock.patch("motcua.units.selectors.unit_search", side_effect=spy):
        client.get("/api/v1/units/search", {"q": unicodedata.normalize("NFD", "Vĩnh Long")})
    assert seen["q"] == "Vĩnh Long" and unicodedata.is_normalized("NFC", seen["q"])


# ---------------------------------------------------------- the HTML sides


def test_pages_answer_vietnamese_400_for_bad_characters(client: Any) -> None:
    html = _page(client.get("/thu-tuc/?q=a%00b"), 400)
    assert "Yêu cầu không hợp lệ" in html and "ký tự" in html


def test_a_form_with_too_many_fields_is_a_vietnamese_413(client: Any) -> None:
    data = {f"f{i}": "1" for i in range(1001)}
    html = _page(client.post("/dang-nhap/", data), 413)
    assert "quá lớn" in html or "quá nhiều" in html


def test_a_body_over_the_limit_is_a_vietnamese_413(client: Any) -> None:
    response = client.post(
        "/dang-nhap/",
        data="x=" + "y" * (1024 * 1024 + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert "quá lớn" in _page(response, 413)


def test_a_missing_page_is_a_vietnamese_404(client: Any) -> None:
    assert "Không tìm thấy" in _page(client.get("/khong-co-trang-nay/"), 404)


def test_a_page_failure_is_a_vietnamese_500_with_the_correlation_id(quiet_client: Any) -> None:
    with mock.patch("motcua.catalog.views.selectors.procedure_find", side_effect=RuntimeError):
        response = quiet_client.get("/thu-tuc/?q=ho+tich")
    html = _page(response, 500)
    assert "Hệ thống đang gặp sự cố" in html
    assert response[CORRELATION_HEADER] in html


def test_a_page_with_the_database_down_is_a_vietnamese_503(quiet_client: Any) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=_dead_database):
        response = quiet_client.get("/thu-tuc/?q=ho+tich")
    assert "tạm thời không" in _page(response, 503)


def test_the_403_handler_is_vietnamese(rf: Any) -> None:
    from motcua.core.views import permission_denied

    request = rf.get("/can-bo/")
    response = permission_denied(request)
    assert response.status_code == 403 and "Không có quyền" in response.content.decode()
    api_response = permission_denied(rf.get("/api/v1/accounts/me"))
    assert api_response["Content-Type"] == "application/problem+json"


def _page_urls() -> list[str]:
    """Every portal and back-office route, with sample path arguments."""
    samples = {
        "str": "ABC",
        "slug": "abc",
        "int": "1",
        "uuid": "00000000-0000-0000-0000-000000000000",
    }
    urls: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = str(entry.pattern)
            if isinstance(entry, URLResolver):
                if not route.startswith(("admin", "api")):
                    walk(entry.url_patterns, prefix + route)
            elif isinstance(entry, URLPattern) and "(?P" not in route:
                for converter, value in samples.items():
                    import re

                    route = re.sub(rf"<{converter}:\w+>", value, route)
                urls.append("/" + prefix + route)

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


def test_every_page_refuses_bad_characters_before_its_view(client: Any, personas: Personas) -> None:
    client.force_login(personas.officer)
    urls = _page_urls()
    assert len(urls) > 20
    for url in urls:
        for query in ("?q=a%00b", "?page=%ED%A0%80"):
            response = client.get(url + query)
            assert response.status_code == 400, (url, response.status_code)
        response = client.post(url, {"ghi_chu": "a\x00b"})
        assert response.status_code == 400, (url, response.status_code)
    body = json.dumps(urls)
    assert "/can-bo/" in body and "/tra-cuu/" in body


GARBAGE = ["abc", "9" * 30, "-1", "²", "2026-13-45", "00000000-0000-0000-0000-00000000000g"]
QUERY_NAMES = ["q", "linh-vuc", "cap", "truc-tuyen", "don-vi", "trang", "thu_tuc", "thu-tuc"]
QUERY_NAMES += ["ma", "t", "so", "buoc", "page", "limit", "offset"]
FORM_NAMES = ["version", "expected_version", "procedure", "component", "amount", "holder"]
FORM_NAMES += ["idempotency_key", "identifier", "applicant_kind", "result_delivery", "target"]


@pytest.mark.parametrize("who", ["officer", "citizen", "leader"])
def test_no_page_crashes_on_garbage_parameters(
    quiet_client: Any, personas: Personas, who: str
) -> None:
    quiet_client.force_login(getattr(personas, who))
    crashes = []
    for url in _page_urls():
        for value in GARBAGE:
            response = quiet_client.get(url, dict.fromkeys(QUERY_NAMES, value))
            # A 503 with Retry-After is an outside system's outage told kindly
            # (national sign-on without its provider), not a crash.
            if response.status_code >= 500 and not response.has_header("Retry-After"):
                crashes.append(("GET", url, value, response.status_code))
            response = quiet_client.post(url, dict.fromkeys(FORM_NAMES, value))
            if response.status_code >= 500:
                crashes.append(("POST", url, value, response.status_code))
    assert not crashes


DEAD_DATABASE_SCRIPT = """
import json, django
django.setup()
from django.test import Client
client = Client(raise_request_exception=False)
out = {}
for url in ("/api/v1/units/search?q=vinh", "/api/v1/dossiers/track/X?factor=1234", "/thu-tuc/"):
    r = client.get(url)
    body = r.content.decode()[:400]
    out[url] = [r.status_code, r["Content-Type"], body, r.get("X-Correlation-ID")]
print(json.dumps(out))
"""


def test_a_server_pointed_at_a_dead_database_answers_503(tmp_path: Any) -> None:
    """A real process whose DATABASE_URL points at a closed port: 503
    problem+json for the API, the Vietnamese 503 page for the portal."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none?connect_timeout=2",
        "ALLOWED_HOSTS": "testserver",
        "MOTCUA_DATA_DIR": str(tmp_path),
        "LOG_LEVEL": "CRITICAL",
    }
    done = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", DEAD_DATABASE_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    answers = json.loads(done.stdout.strip().splitlines()[-1])
    for url, (status, content_type, body, correlation_id) in answers.items():
        assert status == 503, (url, status, body)
        assert correlation_id, url
        if url.startswith("/api/"):
            assert content_type == "application/problem+json"
            assert json.loads(body)["code"] == "service_unavailable"
        else:
            assert content_type.startswith("text/html") and "tạm thời không" in body
