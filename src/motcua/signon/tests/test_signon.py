"""National sign-on over real sockets against the local provider: the code
flow with PKCE, linking, refusals (signature, audience, nonce, expiry,
replayed state and code, cancel), key rotation, throttling, sign-out of
both sessions."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from motcua.accounts.models import Applicant, ApplicantKind, User
from motcua.integrations.oidc_provider.provider import OidcProvider
from motcua.integrations.oidc_provider.testing import Person, control, site_path
from motcua.signon import views
from motcua.signon.models import SignOnIdentity
from motcua.testing import PASSWORD, make_citizen

pytestmark = pytest.mark.django_db

AN = "086190001234"
BINH = "083195004321"


def begin(client: Client, next_url: str = "") -> str:
    """Start at the site; return the provider's authorize URL."""
    answer = client.get("/dang-nhap/vneid/" + (f"?next={next_url}" if next_url else ""))
    assert answer.status_code == 302
    location = str(answer["Location"])
    assert "code_challenge_method=S256" in location and "nonce=" in location
    return location


def sign_in(client: Client, person: Person, personal_id: str = AN) -> tuple[Any, str]:
    """The whole journey; return the callback's answer and its URL."""
    back = person.authorize(begin(client), personal_id=personal_id)
    return client.get(site_path(back)), back


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.filter(pk=user_id).first() if user_id else None


def test_first_sign_in_links_the_applicant_with_the_same_number(
    oidc_provider: OidcProvider,
) -> None:
    citizen = make_citizen(username="an", personal_id=AN)
    client, person = Client(), Person()
    answer, _ = sign_in(client, person)
    assert answer.status_code == 302 and answer["Location"] == "/sau-dang-nhap/"
    assert signed_in_user(client) == citizen
    identity = SignOnIdentity.objects.get(user=citizen)
    assert (identity.personal_id, identity.issuer) == (AN, oidc_provider.issuer)
    assert identity.subject == f"vneid-{AN}"
    # Again: the same link, no second account.
    client2 = Client()
    answer, _ = sign_in(client2, Person())
    assert signed_in_user(client2) == citizen
    assert SignOnIdentity.objects.count() == 1 and User.objects.count() == 1


def test_first_sign_in_creates_an_account_and_applicant(oidc_provider: OidcProvider) -> None:
    client = Client()
    answer, _ = sign_in(client, Person(), BINH)
    assert answer.status_code == 302
    user = signed_in_user(client)
    assert user is not None and not user.has_usable_password()
    applicant = Applicant.objects.get(user=user)
    assert (applicant.kind, applicant.personal_id, applicant.name) == (
        ApplicantKind.CITIZEN,
        BINH,
        "Trần Thị Bình",
    )


def test_an_applicant_without_account_gets_one(oidc_provider: OidcProvider) -> None:
    counter = Applicant.objects.create(
        kind=ApplicantKind.CITIZEN, name="Trần Thị Bình", personal_id=BINH
    )
    client = Client()
    sign_in(client, Person(), BINH)
    counter.refresh_from_db()
    assert counter.user is not None and signed_in_user(client) == counter.user
    assert Applicant.objects.count() == 1


def test_next_address_is_kept(oidc_provider: OidcProvider) -> None:
    client, person = Client(), Person()
    back = person.authorize(begin(client, "/ho-so-cua-toi/"), personal_id=AN)
    answer = client.get(site_path(back))
    assert answer["Location"] == "/ho-so-cua-toi/"


@pytest.mark.parametrize("defect", ["signature", "audience", "nonce", "expired"])
def test_a_bad_id_token_is_refused_and_logged(
    oidc_provider: OidcProvider, defect: str, caplog: pytest.LogCaptureFixture
) -> None:
    control(oidc_provider, "defect", defect=defect)
    client = Client()
    with caplog.at_level(logging.WARNING, logger="motcua.signon"):
        answer, _ = sign_in(client, Person())
    assert answer.status_code == 400
    assert views.UNVERIFIED in answer.content.decode()
    assert signed_in_user(client) is None
    assert not SignOnIdentity.objects.exists()
    assert any("ID token invalid" in r.getMessage() for r in caplog.records)
    # The defect was for one token only: the next sign-in works.
    answer, _ = sign_in(client, Person())
    assert answer.status_code == 302 and signed_in_user(client) is not None


def test_a_replayed_callback_is_refused_kindly(
    oidc_provider: OidcProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client = Client()
    answer, back = sign_in(client, Person())
    assert answer.status_code == 302
    with caplog.at_level(logging.WARNING, logger="motcua.signon"):
        again = client.get(site_path(back))  # same state, same code
    assert again.status_code == 400
    assert views.EXPIRED in again.content.decode()
    assert any("replayed state" in r.getMessage() for r in caplog.records)


def test_a_replayed_code_is_refused_by_the_provider(
    oidc_provider: OidcProvider, caplog: pytest.LogCaptureFixture
) -> None:
    client, person = Client(), Person()
    _answer, back = sign_in(client, person)
    code = back.split("code=")[1].split("&")[0]
    # A new login in the same browser (fresh state), answered with the old code.
    fresh = person.authorize(begin(client))
    state = fresh.split("state=")[1].split("&")[0]
    with caplog.at_level(logging.WARNING, logger="motcua.signon"):
        replay = client.get(f"/dang-nhap/vneid/ve/?code={code}&state={state}")
    assert replay.status_code == 400
    assert views.CODE_REFUSED in replay.content.decode()
    assert any("invalid_grant" in r.getMessage() for r in caplog.records)


def test_a_callback_without_state_is_refused(oidc_provider: OidcProvider) -> None:
    answer = Client().get("/dang-nhap/vneid/ve/?code=abc&state=khong-co")
    assert answer.status_code == 400 and views.EXPIRED in answer.content.decode()


def test_cancel_says_cancelled(oidc_provider: OidcProvider) -> None:
    client = Client()
    back = Person().authorize(begin(client), cancel=True)
    assert "error=access_denied" in back
    answer = client.get(site_path(back))
    assert answer.status_code == 400 and views.CANCELLED in answer.content.decode()


def test_key_rotation_is_followed(oidc_provider: OidcProvider) -> None:
    client = Client()
    assert sign_in(client, Person())[0].status_code == 302  # key set now cached
    first = oidc_provider.state.keys[0].kid
    kid = control(oidc_provider, "rotate")["kid"]
    assert kid != first
    published = [k["kid"] for k in oidc_provider.state.jwks()["keys"]]
    assert published == [kid, first]  # two keys: the new and the previous
    client2 = Client()
    answer, _ = sign_in(client2, Person())
    assert answer.status_code == 302 and signed_in_user(client2) is not None


def test_provider_down_is_a_kind_503(oidc_provider: OidcProvider) -> None:
    oidc_provider.stop()
    answer = Client().get("/dang-nhap/vneid/")
    assert answer.status_code == 503 and views.UNREACHABLE in answer.content.decode()
    assert answer["Retry-After"] == "60"


def test_the_callback_is_throttled(oidc_provider: OidcProvider, settings: Any) -> None:
    settings.MOTCUA_THROTTLE_SIGNON = "2/h"
    client = Client()
    codes = [client.get("/dang-nhap/vneid/ve/?code=x&state=y").status_code for _ in range(3)]
    assert codes == [400, 400, 429]


def test_sign_out_ends_both_sessions(oidc_provider: OidcProvider) -> None:
    client, person = Client(), Person()
    sign_in(client, person)
    out = client.post("/dang-xuat/")
    assert out.status_code == 200
    provider_logout = str(out.context["provider_logout_url"])
    assert provider_logout.startswith(f"{oidc_provider.issuer}/logout?")
    assert "id_token_hint=" in provider_logout
    assert signed_in_user(client) is None
    back = person.follow(provider_logout)
    assert back.status_code == 302 and back.headers["Location"].startswith("http://testserver/")
    # The provider no longer knows the person: it asks again.
    page = person.http.get(begin(client), allow_redirects=False, timeout=10)
    assert page.status_code == 200 and "chọn một người" in page.text


def test_password_sign_out_stays_local(oidc_provider: OidcProvider) -> None:
    make_citizen(username="an", personal_id=AN)
    client = Client()
    client.login(username="an", password=PASSWORD)
    out = client.post("/dang-xuat/")
    assert out.status_code == 302 and out["Location"] == "/"


def test_login_page_offers_vneid_first(oidc_provider: OidcProvider) -> None:
    text = Client().get("/dang-nhap/").content.decode()
    button = text.index("Đăng nhập bằng tài khoản định danh điện tử (VNeID)")
    assert button < text.index('name="password"')


def test_no_button_when_off(settings: Any) -> None:
    settings.MOTCUA_OIDC_ISSUER = ""
    assert "VNeID" not in Client().get("/dang-nhap/").content.decode()
    assert Client().get("/dang-nhap/vneid/").status_code == 404
