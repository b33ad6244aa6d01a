"""A local OpenID Connect provider for development and tests, standing in
for VNeID / the national portal's sign-on: Authlib's authorization server
(code flow, PKCE S256 required, nonce required, RP-initiated logout)
served over HTTP by the standard library (``wsgiref``), Django-free.

Endpoints (under the issuer URL ``http://<host>:<port>``):

- ``/.well-known/openid-configuration`` — discovery;
- ``/jwks`` — the key set: the signing key and the previous one (two keys);
- ``/authorize`` — the sign-in page: pick a demo identity (or cancel);
- ``/token`` — the code for tokens (client_secret_basic or _post);
- ``/logout`` — RP-initiated logout (ends the provider's session);
- ``/_sandbox/rotate`` (POST) — rotate keys: a new signing key, the old one
  stays published;
- ``/_sandbox/defect`` (POST ``defect=signature|audience|nonce|expired``) —
  the next ID token is broken that way (to test the client's refusals).

Bind it to 127.0.0.1 only: it signs anyone in who clicks a name.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from socketserver import ThreadingMixIn
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Request
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    JsonPayload,
    JsonRequest,
    OAuth2Error,
    OAuth2Payload,
    grants,
)
from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint, EndSessionRequest
from joserfc.jwk import KeySet, RSAKey

StartResponse = Callable[[str, list[tuple[str, str]]], Any]
Environ = dict[str, Any]

#: The identity claim carrying the 12-digit personal identification number.
IDENTITY_CLAIM = "personal_id"
SESSION_COOKIE = "op_sid"
DEFECTS = ("signature", "audience", "nonce", "expired")


@dataclass(frozen=True)
class Identity:
    """A person the provider can sign in (the demo citizens)."""

    personal_id: str
    name: str
    birthdate: str

    @property
    def subject(self) -> str:
        # A stable, opaque subject per person, as national providers issue.
        return f"vneid-{self.personal_id}"


#: The demo citizens' identities (same numbers as ``motcua demo``; a test
#: keeps the two lists in step).
DEMO_IDENTITIES: tuple[Identity, ...] = (
    Identity("086190001234", "Nguyễn Văn An", "1990-01-15"),
    Identity("083195004321", "Trần Thị Bình", "1995-04-20"),
    Identity("084302007788", "Lê Minh Châu", "2002-07-08"),
)


@dataclass
class Client(ClientMixin):  # type: ignore[misc]
    client_id: str
    client_secret: str
    redirect_uris: list[str]
    post_logout_redirect_uris: list[str]

    @property
    def client_metadata(self) -> dict[str, Any]:
        return {"post_logout_redirect_uris": self.post_logout_redirect_uris}

    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str:
        return self.redirect_uris[0]

    def get_allowed_scope(self, scope: str) -> str:
        allowed = {"openid", "profile"}
        return " ".join(s for s in scope.split() if s in allowed)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return secrets.compare_digest(client_secret, self.client_secret)

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type: str) -> bool:
        return response_type == "code"

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "authorization_code"


@dataclass
class Code(AuthorizationCodeMixin):  # type: ignore[misc]
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    identity: Identity
    nonce: str
    code_challenge: str
    code_challenge_method: str
    auth_time: int
    expires_at: float

    def get_redirect_uri(self) -> str:
        return self.redirect_uri

    def get_scope(self) -> str:
        return self.scope

    def get_nonce(self) -> str:
        return self.nonce

    def get_auth_time(self) -> int:
        return self.auth_time

    def get_acr(self) -> str | None:
        return None

    def get_amr(self) -> list[str] | None:
        return None


@dataclass
class ProviderState:
    """Everything the provider remembers (in memory, thread-safe)."""

    issuer: str
    clients: dict[str, Client]
    identities: dict[str, Identity]
    keys: list[RSAKey] = field(default_factory=list)  # signing key first
    codes: dict[str, Code] = field(default_factory=dict)
    nonces: set[tuple[str, str]] = field(default_factory=set)
    sessions: dict[str, Identity] = field(default_factory=dict)
    defect: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def new_key(self) -> RSAKey:
        self.counter += 1
        kid = f"k{self.counter}-{secrets.token_hex(4)}"
        return RSAKey.generate_key(2048, parameters={"kid": kid, "use": "sig", "alg": "RS256"})

    def rotate(self) -> str:
        """A new signing key; the previous one stays published (two keys)."""
        key = self.new_key()
        with self.lock:
            self.keys = [key, *self.keys][:2]
        return str(key.kid)

    def jwks(self) -> dict[str, Any]:
        with self.lock:
            keys = list(self.keys)
        return dict(KeySet(keys).as_dict(private=False))  # type: ignore[arg-type]

    def take_defect(self) -> str:
        with self.lock:
            defect, self.defect = self.defect, ""
        return defect


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, values: dict[str, list[str]]) -> None:
        self._values = values

    @property
    def data(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._values.items() if v}

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return defaultdict(list, self._values)


class WsgiRequest(OAuth2Request):  # type: ignore[misc]
    """An Authlib request built from a WSGI environ (query plus form)."""

    def __init__(self, environ: Environ) -> None:
        host = environ.get("HTTP_HOST") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        query = environ.get("QUERY_STRING", "")
        uri = f"http://{host}{environ.get('PATH_INFO', '')}" + (f"?{query}" if query else "")
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        super().__init__(environ["REQUEST_METHOD"], uri, headers=headers)
        self._args = parse_qs(query, keep_blank_values=True)
        self._form: dict[str, list[str]] = {}
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(min(length, 64 * 1024)).decode("utf-8", "replace")
            self._form = parse_qs(body, keep_blank_values=True)
        merged = {**self._args, **self._form}
        self.payload = _Payload(merged)
        self.cookies = SimpleCookie(environ.get("HTTP_COOKIE", ""))

    @property
    def args(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._args.items()}

    @property
    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in self._form.items()}

    def value(self, name: str) -> str:
        return str(self.payload.data.get(name, ""))


class _StrictCodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE is required of every client, with S256 only."""

    def validate_code_challenge(self, grant: Any, redirect_uri: str) -> None:
        data = grant.request.payload.data
        if not data.get("code_challenge") or data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("PKCE with S256 is required")
        super().validate_code_challenge(grant, redirect_uri)


def _grant_class(state: ProviderState) -> type[grants.AuthorizationCodeGrant]:
    class CodeGrant(grants.AuthorizationCodeGrant):  # type: ignore[misc]
        TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

        def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
            data = request.payload.data
            with state.lock:
                state.codes[code] = Code(
                    code=code,
                    client_id=request.client.client_id,
                    redirect_uri=str(data.get("redirect_uri", "")),
                    scope=request.scope,
                    identity=request.user,
                    nonce=str(data.get("nonce", "")),
                    code_challenge=str(data.get("code_challenge", "")),
                    code_challenge_method=str(data.get("code_challenge_method", "")),
                    auth_time=int(time.time()),
                    expires_at=time.time() + 300,
                )
                state.nonces.add((request.client.client_id, str(data.get("nonce", ""))))

        def query_authorization_code(self, code: str, client: Client) -> Code | None:
            with state.lock:
                found = state.codes.get(code)
            if found is None or found.client_id != client.client_id:
                return None
            return found if found.expires_at > time.time() else None

        def delete_authorization_code(self, authorization_code: Code) -> None:
            # One use only: a replayed code is then unknown (invalid_grant).
            with state.lock:
                state.codes.pop(authorization_code.code, None)

        def authenticate_user(self, authorization_code: Code) -> Identity:
            return authorization_code.identity

    return CodeGrant


class _OpenIDCode(OpenIDCode):  # type: ignore[misc]
    def __init__(self, state: ProviderState) -> None:
        super().__init__(require_nonce=True)
        self.state = state
        self._defect = ""

    def exists_nonce(self, nonce: str, request: OAuth2Request) -> bool:
        with self.state.lock:
            return (request.payload.client_id, nonce) in self.state.nonces

    def encode_id_token(self, token: dict[str, Any], request: OAuth2Request) -> str:
        self._defect = self.state.take_defect()
        return str(super().encode_id_token(token, request))

    def get_client_algorithm(self, client: Client) -> str:
        return "RS256"

    def get_encode_header(self, client: Client) -> dict[str, str]:
        with self.state.lock:
            kid = str(self.state.keys[0].kid)
        return {"alg": "RS256", "kid": kid}

    def resolve_client_private_key(self, client: Client) -> RSAKey:
        if self._defect == "signature":
            # Same kid in the header, signed by a key nobody published.
            return RSAKey.generate_key(2048)
        with self.state.lock:
            return self.state.keys[0]

    def get_client_claims(self, client: Client) -> dict[str, Any]:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.state.issuer,
            "aud": [client.get_client_id()],
            "iat": now,
            "exp": now + 600,
        }
        if self._defect == "audience":
            claims["aud"] = ["ung-dung-khac"]
        if self._defect == "expired":
            claims["iat"], claims["exp"] = now - 7200, now - 3600
        return claims

    def get_authorization_code_claims(self, authorization_code: Code) -> dict[str, Any]:
        claims = dict(super().get_authorization_code_claims(authorization_code))
        if self._defect == "nonce":
            claims["nonce"] = "nonce-gia-mao"
        return claims

    def generate_user_info(self, user: Identity, scope: str) -> UserInfo:
        info = UserInfo(sub=user.subject, **{IDENTITY_CLAIM: user.personal_id})
        if "profile" in scope.split():
            info["name"] = user.name
            info["birthdate"] = user.birthdate
        return info


class _EndSession(EndSessionEndpoint):  # type: ignore[misc]
    def __init__(self, state: ProviderState, server: Any = None) -> None:
        super().__init__(server)
        self.state = state
        self.ended: list[str] = []

    def resolve_client_from_id_token_claims(self, id_token_claims: dict[str, Any]) -> Any:
        aud = id_token_claims.get("aud")
        audiences = [aud] if isinstance(aud, str) else list(aud or [])
        return self.server.query_client(audiences[0]) if len(audiences) == 1 else None

    def get_server_jwks(self) -> dict[str, Any]:
        return self.state.jwks()

    def end_session(self, end_session_request: EndSessionRequest) -> None:
        request = end_session_request.request
        sid = request.cookies.get(SESSION_COOKIE)
        if sid is not None:
            with self.state.lock:
                self.state.sessions.pop(sid.value, None)


Response = tuple[int, Any, list[tuple[str, str]]]


class Server(AuthorizationServer):  # type: ignore[misc]
    def __init__(self, state: ProviderState) -> None:
        super().__init__(scopes_supported=["openid", "profile"])
        self.state = state
        self.register_token_generator(
            "default", BearerTokenGenerator(lambda **_kw: generate_token(42))
        )
        self.register_grant(_grant_class(state), [_StrictCodeChallenge(), _OpenIDCode(state)])
        self.register_endpoint(_EndSession(state, self))

    def query_client(self, client_id: str) -> Client | None:
        return self.state.clients.get(client_id)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        return None

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        return None

    def create_oauth2_request(self, request: WsgiRequest) -> WsgiRequest:
        return request

    def create_json_request(self, request: WsgiRequest) -> JsonRequest:
        json_request = JsonRequest(request.method, request.uri, request.headers)
        json_request.payload = JsonPayload()
        return json_request

    def handle_response(
        self, status: int, body: Any, headers: Iterable[tuple[str, str]]
    ) -> Response:
        if isinstance(body, dict):
            body = json.dumps(body)
        return status, body, list(headers)


# ------------------------------------------------------------------ pages

_PAGE = """<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def _page(title: str, body: str, status: int = 200) -> Response:
    text = _PAGE.format(title=html.escape(title), body=body)
    return status, text, [("Content-Type", "text/html; charset=utf-8")]


def _sign_in_page(request: WsgiRequest, identities: Iterable[Identity]) -> Response:
    hidden = "".join(
        f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">'
        for k, v in request.args.items()
    )
    choices = "".join(
        f'<p><button type="submit" name="identity" value="{html.escape(i.personal_id)}">'
        f"{html.escape(i.name)} — {html.escape(i.personal_id)}</button></p>"
        for i in identities
    )
    body = (
        "<p>Máy chủ định danh thử nghiệm: chọn một người để đăng nhập.</p>"
        f'<form method="post" action="/authorize">{hidden}{choices}'
        '<p><button type="submit" name="cancel" value="1">Huỷ đăng nhập</button></p></form>'
    )
    return _page("Đăng nhập tài khoản định danh điện tử (thử nghiệm)", body)


class Provider:
    """The WSGI application; :meth:`__call__` serves one request."""

    def __init__(self, state: ProviderState) -> None:
        self.state = state
        self.server = Server(state)

    def metadata(self) -> dict[str, Any]:
        issuer = self.state.issuer
        return {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
            "end_session_endpoint": f"{issuer}/logout",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "profile"],
            "token_endpoint_auth_methods_supported": [
                "client_secret_basic",
                "client_secret_post",
            ],
            "code_challenge_methods_supported": ["S256"],
            "claims_supported": ["sub", "name", "birthdate", IDENTITY_CLAIM],
        }

    def _json(self, payload: Any, status: int = 200) -> Response:
        return status, json.dumps(payload), [("Content-Type", "application/json")]

    def _authorize(self, request: WsgiRequest) -> Response:
        try:
            grant = self.server.get_consent_grant(request)
        except OAuth2Error as error:
            detail = html.escape(f"{error.error}: {error.description or ''}")
            return _page(
                "Yêu cầu đăng nhập không hợp lệ",
                "<p>Ứng dụng đã gửi một yêu cầu đăng nhập mà máy chủ định danh không chấp nhận.</p>"
                f"<p>Chi tiết cho nhà phát triển: <code>{detail}</code></p>",
                400,
            )
        sid = request.cookies.get(SESSION_COOKIE)
        with self.state.lock:
            signed_in = self.state.sessions.get(sid.value) if sid is not None else None
        if request.method == "POST" and request.value("cancel"):
            result: Response = self.server.create_authorization_response(
                request, grant_user=None, grant=grant
            )
            return result
        if request.method == "POST" and request.value("identity"):
            signed_in = self.state.identities.get(request.value("identity"))
            if signed_in is not None:
                new_sid = secrets.token_urlsafe(24)
                with self.state.lock:
                    self.state.sessions[new_sid] = signed_in
                status, body, headers = self.server.create_authorization_response(
                    request, grant_user=signed_in, grant=grant
                )
                cookie = f"{SESSION_COOKIE}={new_sid}; Path=/; HttpOnly; SameSite=Lax"
                return status, body, [*headers, ("Set-Cookie", cookie)]
        if signed_in is not None:
            answer: Response = self.server.create_authorization_response(
                request, grant_user=signed_in, grant=grant
            )
            return answer
        return _sign_in_page(request, self.state.identities.values())

    def _logout(self, request: WsgiRequest) -> Response:
        try:
            validated = self.server.validate_endpoint_request("end_session", request)
        except OAuth2Error as error:
            return _page("Không đăng xuất được", f"<p>{html.escape(str(error.error))}</p>", 400)
        answer = self.server.create_endpoint_response("end_session", validated)
        expire = ("Set-Cookie", f"{SESSION_COOKIE}=; Path=/; Max-Age=0")
        if answer is None:
            status, body, headers = _page("Đã đăng xuất", "<p>Bạn đã đăng xuất.</p>")
        else:
            status, body, headers = answer
        return status, body, [*headers, expire]

    def route(self, request: WsgiRequest, path: str) -> Response:
        if path == "/.well-known/openid-configuration":
            return self._json(self.metadata())
        if path == "/jwks":
            return self._json(self.state.jwks())
        if path == "/authorize":
            return self._authorize(request)
        if path == "/token" and request.method == "POST":
            result: Response = self.server.create_token_response(request)
            return result
        if path == "/logout":
            return self._logout(request)
        if path == "/_sandbox/rotate" and request.method == "POST":
            return self._json({"kid": self.state.rotate()})
        if path == "/_sandbox/defect" and request.method == "POST":
            defect = request.value("defect")
            if defect not in DEFECTS:
                return self._json({"error": "unknown defect", "defects": list(DEFECTS)}, 400)
            with self.state.lock:
                self.state.defect = defect
            return self._json({"defect": defect})
        return _page("Không tìm thấy trang", "", 404)

    def __call__(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        request = WsgiRequest(environ)
        status, body, headers = self.route(request, environ.get("PATH_INFO", "/"))
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body or b"")
        reason = {200: "OK", 302: "Found", 400: "Bad Request", 401: "Unauthorized"}
        start_response(f"{status} {reason.get(status, 'Status')}", [*headers])
        return [data]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        return


class OidcProvider:
    """Start with :meth:`start` (or as a context manager); serves in a
    background thread until :meth:`stop`. ``issuer`` defaults to
    ``http://<host>:<port>``."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str],
        identities: Iterable[Identity] = DEMO_IDENTITIES,
    ) -> None:
        self.host, self.port = host, port
        client = Client(client_id, client_secret, redirect_uris, post_logout_redirect_uris)
        self.state = ProviderState(
            issuer=f"http://{host}:{port}",
            clients={client_id: client},
            identities={i.personal_id: i for i in identities},
        )
        self.state.rotate()
        self.state.rotate()  # two keys published from the start
        self._httpd: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        return self.state.issuer

    def start(self) -> OidcProvider:
        self._httpd = make_server(
            self.host,
            self.port,
            Provider(self.state),
            server_class=_ThreadingServer,
            handler_class=_QuietHandler,
        )
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> OidcProvider:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
