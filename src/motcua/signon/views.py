"""National sign-on pages: start (to the provider), callback (back from
it), and sign-out that ends both sessions (RP-initiated logout).

Every refusal is a Vietnamese page with a way to start again, never a 500,
and is logged with its reason (logger ``motcua.signon``)."""

from __future__ import annotations

import logging

import requests
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from django.contrib import auth
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST
from joserfc.errors import JoseError

from motcua.core.errors import DomainError
from motcua.core.throttling import throttle_request
from motcua.signon.client import OidcConfig, oidc_client, oidc_config
from motcua.signon.services import VerifiedClaims, identity_sign_in

logger = logging.getLogger("motcua.signon")

_NEXT = "signon_next"
_ID_TOKEN = "signon_id_token"  # noqa: S105 - a session key, not a secret
_BACKEND = "motcua.accounts.backends.UsernameOrIdentifierBackend"

CANCELLED = "Bạn đã huỷ đăng nhập bằng tài khoản định danh điện tử."
EXPIRED = (
    "Lượt đăng nhập này đã hết hạn hoặc đường dẫn đã được dùng. Vui lòng bắt đầu đăng nhập lại."
)
CODE_REFUSED = (
    "Hệ thống định danh không chấp nhận lượt đăng nhập này (mã đã được dùng hoặc đã hết hạn). "
    "Vui lòng bắt đầu đăng nhập lại."
)
UNVERIFIED = (
    "Không xác minh được thông tin định danh nhận từ hệ thống định danh, "
    "nên chưa đăng nhập. Vui lòng thử lại; nếu vẫn lỗi, hãy đăng nhập bằng mật khẩu."
)
UNREACHABLE = (
    "Tạm thời không kết nối được với hệ thống định danh điện tử. "
    "Vui lòng thử lại sau ít phút hoặc đăng nhập bằng mật khẩu."
)


def _config_or_404() -> OidcConfig:
    config = oidc_config()
    if config is None:
        raise Http404
    return config


def _failed(request: HttpRequest, message: str, *, status: int = 400) -> HttpResponse:
    response = render(request, "signon/failed.html", {"message": message}, status=status)
    if status == 503:  # the provider is out: a deliberate "come back later"
        response["Retry-After"] = "60"
    return response


def _safe_next(request: HttpRequest) -> str:
    target = str(request.GET.get("next") or "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if target and allowed else ""


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the citizen to the provider (state, nonce and the PKCE verifier
    are kept in the session by Authlib)."""
    config = _config_or_404()
    request.session[_NEXT] = _safe_next(request)
    callback = request.build_absolute_uri(reverse("signon:callback"))
    try:
        response: HttpResponse = oidc_client(config).authorize_redirect(request, callback)
    except requests.RequestException as exc:
        logger.warning("signon: provider unreachable at start: %s", exc)
        return _failed(request, UNREACHABLE, status=503)
    return response


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """Back from the provider: check state, exchange the code (with the PKCE
    verifier), verify the ID token (signature against the JWKS, issuer,
    audience, nonce, expiry with the configured leeway), then sign in."""
    throttle_request(request=request, scope="signon", setting="MOTCUA_THROTTLE_SIGNON")
    config = _config_or_404()
    client = oidc_client(config)
    try:
        token = client.authorize_access_token(
            request, claims_options=config.claims_options(), leeway=config.leeway
        )
    except MismatchingStateError:
        logger.warning("signon refused: unknown or replayed state")
        return _failed(request, EXPIRED)
    except OAuthError as exc:
        if exc.error == "access_denied":
            logger.info("signon cancelled by the citizen")
            return _failed(request, CANCELLED)
        logger.warning("signon refused by the provider: %s %s", exc.error, exc.description)
        return _failed(request, CODE_REFUSED)
    except JoseError as exc:
        logger.warning("signon refused: ID token invalid (%s: %s)", exc.error, exc.description)
        return _failed(request, UNVERIFIED)
    except requests.RequestException as exc:
        logger.warning("signon: provider unreachable at callback: %s", exc)
        return _failed(request, UNREACHABLE, status=503)
    userinfo = token.get("userinfo")
    if not userinfo:
        logger.warning("signon refused: no ID token in the token answer")
        return _failed(request, UNVERIFIED)
    claims = VerifiedClaims(
        issuer=str(userinfo["iss"]),
        subject=str(userinfo["sub"]),
        personal_id=str(userinfo.get(config.identity_claim, "")),
        name=str(userinfo.get("name", "")),
    )
    try:
        user = identity_sign_in(claims=claims)
    except DomainError as exc:
        logger.warning("signon refused: %s", exc)
        return _failed(request, str(exc))
    next_url = str(request.session.get(_NEXT) or "")
    auth.login(request, user, backend=_BACKEND)
    request.session[_ID_TOKEN] = str(token.get("id_token", ""))
    logger.info("signon: account %s signed in as %s", user.pk, claims.subject)
    return HttpResponseRedirect(next_url) if next_url else redirect("portal:after_login")


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the local session; when it came from the provider, end the
    provider's too (RP-initiated logout, which comes back to the home page)."""
    id_token = str(request.session.get(_ID_TOKEN) or "")
    auth.logout(request)
    config = oidc_config()
    if not id_token or config is None:
        return redirect("portal:home")
    home = request.build_absolute_uri(reverse("portal:home"))
    try:
        answer = oidc_client(config).create_logout_url(
            post_logout_redirect_uri=home, id_token_hint=id_token
        )
    except (requests.RequestException, RuntimeError) as exc:
        logger.warning("signon: provider logout unavailable: %s", exc)
        return redirect("portal:home")
    # A page of ours that moves on to the provider (script, or the link):
    # a form's redirect to another origin would break CSP form-action 'self'.
    return render(request, "signon/logged_out.html", {"provider_logout_url": answer["url"]})
