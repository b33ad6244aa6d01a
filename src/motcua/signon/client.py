"""The relying-party side of national sign-on: Authlib's Django client
configured from settings (issuer discovery, code flow with PKCE S256,
state and nonce kept in the session, ID-token signature checked against the
provider's JWKS, refetched on an unknown key id)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings

NAME = "national"


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    scopes: str
    identity_claim: str
    leeway: int
    timeout: int

    @property
    def metadata_url(self) -> str:
        return f"{self.issuer.rstrip('/')}/.well-known/openid-configuration"

    def claims_options(self) -> dict[str, dict[str, Any]]:
        return {
            "iss": {"essential": True, "value": self.issuer},
            "aud": {"essential": True, "value": self.client_id},
            "sub": {"essential": True},
            self.identity_claim: {"essential": True},
        }


def oidc_config() -> OidcConfig | None:
    """The configured provider, or ``None`` when national sign-on is off."""
    issuer = str(settings.MOTCUA_OIDC_ISSUER).strip()
    if not issuer:
        return None
    return OidcConfig(
        issuer=issuer,
        client_id=str(settings.MOTCUA_OIDC_CLIENT_ID),
        client_secret=str(settings.MOTCUA_OIDC_CLIENT_SECRET),
        scopes=str(settings.MOTCUA_OIDC_SCOPES),
        identity_claim=str(settings.MOTCUA_OIDC_IDENTITY_CLAIM),
        leeway=int(settings.MOTCUA_OIDC_LEEWAY_SECONDS),
        timeout=int(settings.MOTCUA_OIDC_TIMEOUT_SECONDS),
    )


_clients: dict[OidcConfig, DjangoOAuth2App] = {}
_lock = threading.Lock()


def oidc_client(config: OidcConfig) -> DjangoOAuth2App:
    """One Authlib client per configuration, kept for the process so the
    provider's metadata and key set are fetched once (the key set again
    when a token names a key it does not hold: rotation)."""
    with _lock:
        client = _clients.get(config)
        if client is None:
            registry = OAuth()
            client = registry.register(
                NAME,
                client_id=config.client_id,
                client_secret=config.client_secret,
                server_metadata_url=config.metadata_url,
                client_kwargs={
                    "scope": config.scopes,
                    "code_challenge_method": "S256",
                    "timeout": config.timeout,
                },
            )
            _clients[config] = client
        return client


def oidc_clients_forget() -> None:
    """Drop the cached clients (tests that restart a provider)."""
    with _lock:
        _clients.clear()
