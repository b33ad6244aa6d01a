"""The local provider over a real socket, as a strict provider behaves:
PKCE S256 and nonce required, registered redirect only, client secret
checked, two published keys, rotation keeps the previous key."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlencode

import pytest
import requests
from authlib.oauth2.rfc7636 import create_s256_code_challenge

from motcua.integrations.oidc_provider.provider import OidcProvider
from motcua.integrations.oidc_provider.testing import (
    CLIENT_ID,
    SITE,
    Person,
    _started,
    control,
)

CALLBACK = f"{SITE}/dang-nhap/vneid/ve/"
VERIFIER = "v" * 48


@pytest.fixture
def provider() -> Iterator[OidcProvider]:
    started = _started()
    yield started
    started.stop()


def authorize_url(provider: OidcProvider, **override: str) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": CALLBACK,
        "scope": "openid profile",
        "state": "s1",
        "nonce": override.pop("nonce", "n-" + str(id(override))),
        "code_challenge": create_s256_code_challenge(VERIFIER),
        "code_challenge_method": "S256",
    }
    params.update(override)
    return f"{provider.issuer}/authorize?{urlencode({k: v for k, v in params.items() if v})}"


def test_discovery_names_the_endpoints(provider: OidcProvider) -> None:
    meta = requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=10).json()
    assert meta["issuer"] == provider.issuer
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert meta["end_session_endpoint"] == f"{provider.issuer}/logout"


def test_two_keys_are_published_and_rotation_keeps_the_previous(provider: OidcProvider) -> None:
    keys = requests.get(f"{provider.issuer}/jwks", timeout=10).json()["keys"]
    before = [k["kid"] for k in keys]
    assert len(before) == 2
    assert all("d" not in k and "p" not in k for k in keys)  # public halves only
    new = control(provider, "rotate")["kid"]
    after = [k["kid"] for k in requests.get(f"{provider.issuer}/jwks", timeout=10).json()["keys"]]
    assert after == [new, before[0]]


@pytest.mark.parametrize(
    "override",
    [
        {"code_challenge": "", "code_challenge_method": ""},  # no PKCE
        {"code_challenge_method": "plain"},
        {"nonce": ""},
        {"redirect_uri": "http://ke-gian.example/ve/"},
        {"client_id": "la"},
    ],
)
def test_bad_authorization_requests_are_refused(
    provider: OidcProvider, override: dict[str, str]
) -> None:
    answer = requests.get(authorize_url(provider, **override), allow_redirects=False, timeout=10)
    assert answer.status_code in (302, 400)
    if answer.status_code == 302:  # an error sent back to the registered client
        assert "error=" in answer.headers["Location"]
    assert "chọn một người" not in answer.text


def test_token_needs_the_client_secret_and_the_verifier(provider: OidcProvider) -> None:
    back = Person().authorize(authorize_url(provider), personal_id="086190001234")
    code = back.split("code=")[1].split("&")[0]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK}
    wrong_secret = requests.post(
        f"{provider.issuer}/token", data=form, auth=(CLIENT_ID, "sai"), timeout=10
    )
    assert wrong_secret.status_code == 401 and wrong_secret.json()["error"] == "invalid_client"
    no_verifier = requests.post(
        f"{provider.issuer}/token",
        data={**form, "code_verifier": "w" * 48},
        auth=(CLIENT_ID, provider.state.clients[CLIENT_ID].client_secret),
        timeout=10,
    )
    assert no_verifier.status_code == 400 and no_verifier.json()["error"] == "invalid_grant"


def test_unknown_defect_is_refused(provider: OidcProvider) -> None:
    answer = requests.post(f"{provider.issuer}/_sandbox/defect", data={"defect": "x"}, timeout=10)
    assert answer.status_code == 400
