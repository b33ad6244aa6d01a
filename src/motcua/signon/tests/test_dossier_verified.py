"""A dossier filed by an identity-verified account shows it, on the
citizen's page and the officer's, through the selector (nothing stored on
the dossier)."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from motcua.accounts.models import Applicant
from motcua.demo.loader import APPLICANTS
from motcua.dossiers import services
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.oidc_provider.provider import DEMO_IDENTITIES, OidcProvider
from motcua.integrations.oidc_provider.testing import Person
from motcua.signon.selectors import dossier_identity_verified, identity_verified
from motcua.signon.tests.test_signon import sign_in, signed_in_user
from motcua.testing import make_personas

pytestmark = pytest.mark.django_db
H = datetime.timedelta(hours=1)


def test_demo_identities_are_the_demo_citizens() -> None:
    citizens = {(number, name) for _u, name, number, kind in APPLICANTS if kind == "citizen"}
    assert {(i.personal_id, i.name) for i in DEMO_IDENTITIES} == citizens


def test_a_dossier_filed_after_verified_sign_in_is_identity_verified(
    oidc_provider: OidcProvider,
) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    applicant = Applicant.objects.get(user=p.citizen)
    before = services.dossier_submit(
        actor=p.citizen, procedure=procedure, applicant=applicant, now=timezone.now() - H
    )
    assert not identity_verified(user=p.citizen)
    applicant_id = applicant.personal_id
    assert applicant_id is not None
    # The personas' citizen has a number the provider does not know: give
    # the provider this citizen as a demo identity of its own.
    identity = DEMO_IDENTITIES[0]
    Applicant.objects.filter(pk=applicant.pk).update(personal_id=identity.personal_id)
    applicant.refresh_from_db()
    client = Client()
    answer, _ = sign_in(client, Person(), identity.personal_id)
    assert answer.status_code == 302 and signed_in_user(client) == p.citizen
    assert identity_verified(user=p.citizen)
    after = services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant)
    before.refresh_from_db()
    assert dossier_identity_verified(dossier=after)
    assert not dossier_identity_verified(dossier=before)  # filed before the sign-in

    mine = client.get(f"/ho-so-cua-toi/{after.code}/").content.decode()
    assert "Đã xác thực định danh điện tử" in mine
    older = client.get(f"/ho-so-cua-toi/{before.code}/").content.decode()
    assert "Chưa xác thực định danh điện tử" in older
    officer = Client()
    officer.force_login(p.officer)
    page = officer.get(f"/can-bo/ho-so/{after.code}/").content.decode()
    assert "Đã xác thực (người nộp đăng nhập bằng định danh điện tử)" in page


def test_an_officer_filing_for_a_verified_citizen_is_not_verified(
    oidc_provider: OidcProvider,
) -> None:
    p = make_personas()
    procedure = make_procedure(p.place.agency_a)
    identity = DEMO_IDENTITIES[1]
    client = Client()
    sign_in(client, Person(), identity.personal_id)
    applicant = Applicant.objects.get(personal_id=identity.personal_id)
    counter = services.dossier_submit(
        actor=p.officer, procedure=procedure, applicant=applicant, channel="counter"
    )
    assert not dossier_identity_verified(dossier=counter)
