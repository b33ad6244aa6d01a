"""API tokens: scopes, expiry, the operators' command and the officer's
page in the back office (the secret shown once)."""

from __future__ import annotations

import datetime
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from motcua.accounts.models import ApiToken
from motcua.accounts.services import api_token_check, api_token_issue
from motcua.core.errors import DomainError
from motcua.testing import PASSWORD, Personas

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_issue_stores_only_a_digest_with_scopes_and_expiry(
    personas: Personas, settings: Any
) -> None:
    settings.MOTCUA_API_TOKEN_DAYS = 30
    token, raw = api_token_issue(user=personas.officer, name="  Tích   hợp ", scopes=["read"])
    assert raw.startswith("mc_") and raw not in token.digest and token.name == "Tích hợp"
    assert token.scopes == ["read"]
    assert token.expires_at is not None
    left = token.expires_at - timezone.now()
    assert datetime.timedelta(days=29) < left <= datetime.timedelta(days=30)
    checked = api_token_check(raw=raw)
    assert checked is not None and checked.pk == token.pk
    assert api_token_check(raw=raw + "x") is None
    forever, _raw = api_token_issue(user=personas.officer, name="vô hạn", days=0)
    assert forever.expires_at is None and forever.scopes == ["act", "read", "submit"]


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"scopes": ["write"]}, "invalid_scope"),
        ({"scopes": []}, "invalid_scope"),
        ({"name": "   "}, "token_name_required"),
        ({"days": -1}, "invalid_expiry"),
    ],
)
def test_issue_refuses_bad_input(personas: Personas, kwargs: dict[str, Any], code: str) -> None:
    args: dict[str, Any] = {"name": "x", **kwargs}
    with pytest.raises(DomainError) as err:
        api_token_issue(user=personas.officer, **args)
    assert err.value.code == code
    assert not ApiToken.objects.exists()


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("api_token", *args, stdout=out)
    return out.getvalue()


def test_operator_command_issues_lists_and_revokes(personas: Personas) -> None:
    out = _run(
        "issue",
        "--user",
        personas.officer.username,
        "--name",
        "Cổng tỉnh",
        "--scopes",
        "read,submit",
        "--days",
        "10",
    )
    raw = out.strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.scopes == ["read", "submit"] and api_token_check(raw=raw) is not None
    listed = _run("list", "--user", personas.officer.username)
    assert "Cổng tỉnh" in listed and "read,submit" in listed and "còn hiệu lực" in listed
    assert raw not in listed
    assert "Đã thu hồi" in _run("revoke", str(token.pk))
    assert api_token_check(raw=raw) is None
    assert _run("list").strip() == ""
    assert "đã thu hồi" in _run("list", "--all")
    with pytest.raises(CommandError):
        _run("issue", "--user", "khong-co", "--name", "x")
    with pytest.raises(CommandError, match="invalid_scope"):
        _run("issue", "--user", personas.officer.username, "--name", "x", "--scopes", "root")


def test_officer_page_shows_the_secret_once_and_revokes(personas: Personas, client: Any) -> None:
    client.login(username=personas.officer.username, password=PASSWORD)
    url = "/can-bo/tai-khoan/ma-truy-cap/"
    page = client.get(url)
    assert page.status_code == 200 and "Bạn chưa có mã truy cập nào" in page.content.decode()
    resp = client.post(url, {"name": "Máy quét", "scopes": ["read", "act"], "days": "30"})
    assert resp.status_code == 200 and resp["Cache-Control"] == "no-store"
    html = resp.content.decode()
    found = re.search(r'value="(mc_[^"]+)"', html)
    assert found is not None
    raw = found.group(1)
    token = api_token_check(raw=raw)
    assert token is not None and token.user == personas.officer
    assert token.scopes == ["act", "read"]
    again = client.get(url).content.decode()
    assert raw not in again and "Máy quét" in again and token.prefix in again
    # Someone else's token cannot be revoked from this page.
    other, _ = api_token_issue(user=personas.officer_b, name="của người khác")
    assert client.post(f"{url}{other.pk}/thu-hoi/").status_code == 404
    assert client.post(f"{url}{token.pk}/thu-hoi/").status_code == 302
    assert api_token_check(raw=raw) is None
    # Form errors are shown in Vietnamese; nothing is issued.
    bad = client.post(url, {"name": "", "days": "30"})
    assert bad.status_code == 422
    assert ApiToken.objects.filter(user=personas.officer).count() == 1


def test_page_is_for_officers_only(personas: Personas, client: Any) -> None:
    client.login(username=personas.citizen.username, password=PASSWORD)
    assert client.get("/can-bo/tai-khoan/ma-truy-cap/").status_code == 404
