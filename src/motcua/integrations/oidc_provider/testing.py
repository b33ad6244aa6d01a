"""Test support: the local provider on a free port (real sockets) with the
site's ``MOTCUA_OIDC_*`` settings pointed at it, and a person's browser
(``requests``) that signs in on the provider's page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from motcua.integrations.oidc_provider.provider import DEMO_IDENTITIES, Identity, OidcProvider

#: The ports these tests may listen on.
PORTS = range(19400, 19430)
SITE = "http://testserver"
CLIENT_ID, CLIENT_SECRET = "motcua-test", "bi-mat-thu-nghiem"


def _free_port() -> int:
    # The shared probe: this xdist worker's slice of the range, random order,
    # SO_REUSEADDR like the servers.
    from motcua.integrations.smtp.testing import free_ports

    return free_ports(1, PORTS)[0]


def _started(site: str = SITE, identities: Iterable[Identity] = DEMO_IDENTITIES) -> OidcProvider:
    for _attempt in range(5):
        provider = OidcProvider(
            port=_free_port(),
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            redirect_uris=[f"{site}/dang-nhap/vneid/ve/"],
            post_logout_redirect_uris=[f"{site}/"],
            identities=identities,
        )
        try:
            return provider.start()
        except OSError:
            with contextlib.suppress(Exception):
                provider.stop()
    raise RuntimeError("could not start the OIDC provider")


@contextlib.contextmanager
def provider_for_site(
    settings: Any, site: str = SITE, identities: Iterable[Identity] = DEMO_IDENTITIES
) -> Iterator[OidcProvider]:
    """A provider for the site at ``site``, the site's settings pointed at it."""
    from motcua.signon.client import oidc_clients_forget

    provider = _started(site, identities)
    settings.MOTCUA_OIDC_ISSUER = provider.issuer
    settings.MOTCUA_OIDC_CLIENT_ID = CLIENT_ID
    settings.MOTCUA_OIDC_CLIENT_SECRET = CLIENT_SECRET
    oidc_clients_forget()
    try:
        yield provider
    finally:
        provider.stop()
        oidc_clients_forget()


@pytest.fixture
def oidc_provider(settings: Any) -> Iterator[OidcProvider]:
    with provider_for_site(settings) as provider:
        yield provider


class Person:
    """A citizen's browser on the provider's side (cookies kept)."""

    def __init__(self) -> None:
        self.http = requests.Session()

    def authorize(self, url: str, *, personal_id: str | None = None, cancel: bool = False) -> str:
        """Open the provider's authorize ``url``; pick ``personal_id`` (or
        cancel) when it asks; return where it sends the browser back."""
        answer = self.http.get(url, allow_redirects=False, timeout=10)
        if answer.status_code == 302:
            return str(answer.headers["Location"])
        assert answer.status_code == 200, answer.text
        form = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        if cancel:
            form["cancel"] = "1"
        else:
            assert personal_id is not None
            form["identity"] = personal_id
        back = self.http.post(url.split("?")[0], data=form, allow_redirects=False, timeout=10)
        assert back.status_code == 302, back.text
        return str(back.headers["Location"])

    def follow(self, url: str) -> requests.Response:
        return self.http.get(url, allow_redirects=False, timeout=10)


def site_path(url: str) -> str:
    """``http://testserver/a?b`` → ``/a?b`` (for Django's test client)."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def control(provider: OidcProvider, what: str, **data: str) -> dict[str, Any]:
    answer = requests.post(f"{provider.issuer}/_sandbox/{what}", data=data, timeout=10)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result
