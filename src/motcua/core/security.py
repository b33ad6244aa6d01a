"""Production safety: response headers Django does not set itself, the
secret-key guard, and a deploy check for it.

The rules are in ``docs/developers/security.md``."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse

#: Features no page of the project uses; a browser refuses them to any script.
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), "
    "gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), usb=(), "
    "interest-cohort=()"
)
NO_STORE = "no-store, private"


class SecurityHeadersMiddleware:
    """``Permissions-Policy`` on every response, and ``Cache-Control:
    no-store`` on every dynamic one (pages and API answers) that did not set
    its own caching: dossier pages, tracking answers, account pages and the
    API carry personal data, and a rule with exceptions is easier to get
    wrong than one without. Static files are served by WhiteNoise before
    this middleware and keep their long-lived caching."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            response.headers["Cache-Control"] = NO_STORE
        return response


def secret_key_is_builtin() -> bool:
    return bool(getattr(settings, "SECRET_KEY_IS_BUILTIN", False))


def secret_key_ensure() -> None:
    """Refuse to serve with the key committed in the repository unless
    DEBUG is on: called by the WSGI entry point (gunicorn) before the
    application is built. The embedded demo (``make run``, runserver)
    may use the built-in key."""
    if secret_key_is_builtin() and not settings.DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: the built-in key is only for the embedded demo "
            "or DEBUG. Set SECRET_KEY (or SECRET_KEY_FILE) to a long random value."
        )


@register(Tags.security, deploy=True)
def check_secret_key(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """Django's own W009 does not recognise the built-in key as insecure."""
    if secret_key_is_builtin():
        return [
            Error(
                "SECRET_KEY is the built-in demo key committed in the repository.",
                hint="Set SECRET_KEY (or SECRET_KEY_FILE) in the environment.",
                id="motcua.E001",
            )
        ]
    return []


_SECRET_SUFFIXES = ("_SECRET", "_TOKEN", "_PASSWORD", "_KEY")


def secrets_at_their_default() -> list[str]:
    """The secret settings (names ending in _SECRET, _TOKEN, _PASSWORD, _KEY)
    whose value is still the non-empty default committed in the repository:
    the sandboxes' values, which anyone can read."""
    from motcua.env import REGISTRY

    found = []
    for name, doc in REGISTRY.items():
        if name == "SECRET_KEY" or not name.endswith(_SECRET_SUFFIXES) or doc.kind != "str":
            continue
        value = getattr(settings, name, None)
        if isinstance(value, str) and value and repr(value) == doc.default:
            found.append(name)
    return sorted(found)


@register(Tags.security, deploy=True)
def check_sandbox_secrets(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """Outside systems' secrets left at the sandboxes' committed values."""
    return [
        Error(
            f"{name} is the sandbox's value committed in the repository.",
            hint=f"Set {name} (or {name}_FILE) to the secret the provider issued.",
            id="motcua.E002",
        )
        for name in secrets_at_their_default()
    ]


RATE_SETTINGS = (
    "MOTCUA_THROTTLE_TRACK_CODE",
    "MOTCUA_THROTTLE_TRACK_ADDRESS",
    "MOTCUA_THROTTLE_SUBMIT",
    "MOTCUA_THROTTLE_UPLOAD",
)


@register(Tags.security)
def check_rates(app_configs: Sequence[Any] | None, **kwargs: Any) -> list[CheckMessage]:
    """A mistyped rate is refused when the server starts, not on the first
    throttled request."""
    from motcua.core.throttling import RateError, rates_parse

    errors: list[CheckMessage] = []
    for name in RATE_SETTINGS:
        try:
            rates_parse(text=str(getattr(settings, name)))
        except RateError as exc:
            errors.append(Error(f"{name}: {exc}", id="motcua.E002"))
    return errors
