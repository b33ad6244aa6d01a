"""The "signed result (PDF)" field: pyHanko checks the signature; a signed
result is recorded with its signer; an unsigned one is refused or accepted
with a "chưa ký số" mark the citizen also sees, per procedure; a broken
signature is always refused; a refused file is not stored."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from motcua.accounts.models import Applicant, User
from motcua.catalog.models import ConfiguredProcedure, UnsignedResultPolicy
from motcua.documents.models import StoredFile
from motcua.documents.tests.factories import handmade_pdf
from motcua.documents.tests.signing import append_after_signing, sign_pdf
from motcua.dossiers import services
from motcua.dossiers.models import Dossier, DossierDocument
from motcua.dossiers.states import State
from motcua.testing import Personas

pytestmark = pytest.mark.django_db


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _at_leader(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    d = services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant)
    d = services.dossier_accept(dossier=d, actor=p.officer, expected_version=1)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, via="forward", target="specialist"
    )
    return services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=3, via="forward", target="leader"
    )


def _decide(p: Personas, d: Dossier, content: bytes) -> tuple[int, str]:
    upload = SimpleUploadedFile("ket-qua.pdf", content, content_type="application/pdf")
    response = _client(p.leader).post(
        f"/can-bo/ho-so/{d.code}/thao-tac/decide/",
        {"expected_version": d.version, "move": "approve|end", "result": upload},
        follow=True,
    )
    return response.status_code, response.content.decode()


def _set_policy(procedure: ConfiguredProcedure, policy: str) -> None:
    procedure.unsigned_result_policy = policy
    procedure.save(update_fields=["unsigned_result_policy"])


def test_signed_result_is_recorded_with_its_signer(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    _set_policy(procedure, UnsignedResultPolicy.REFUSE)
    d = _at_leader(personas, procedure, applicant)
    status, page = _decide(personas, d, sign_pdf(handmade_pdf(), common_name="Huỳnh Thị Mai"))
    assert status == 200 and "Đã ký số: Huỳnh Thị Mai" in page
    result = DossierDocument.objects.get(dossier=d, kind="result")
    assert (result.signature, result.signed_by) == ("signed", "Huỳnh Thị Mai")
    assert Dossier.objects.get(pk=d.pk).state == State.RESULT_READY


def test_unsigned_result_refused_where_the_procedure_says_so(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    _set_policy(procedure, UnsignedResultPolicy.REFUSE)
    d = _at_leader(personas, procedure, applicant)
    files = StoredFile.objects.count()
    status, page = _decide(personas, d, handmade_pdf())
    assert status == 400
    assert "Tệp kết quả chưa được ký số. Thủ tục này chỉ nhận kết quả đã ký số" in page
    assert Dossier.objects.get(pk=d.pk).state == State.PROCESSING
    assert StoredFile.objects.count() == files  # nothing stored


def test_unsigned_result_accepted_with_a_mark_the_citizen_sees(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    assert procedure.unsigned_result_policy == UnsignedResultPolicy.MARK  # the default
    d = _at_leader(personas, procedure, applicant)
    status, page = _decide(personas, d, handmade_pdf())
    assert status == 200 and "Chưa ký số" in page
    result = DossierDocument.objects.get(dossier=d, kind="result")
    assert result.signature == "unsigned"
    citizen_page = _client(personas.citizen).get(f"/ho-so-cua-toi/{d.code}/")
    assert citizen_page.status_code == 200
    assert "Chưa ký số" in citizen_page.content.decode()


@pytest.mark.parametrize("policy", list(UnsignedResultPolicy))
def test_a_broken_signature_is_always_refused(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant, policy: str
) -> None:
    _set_policy(procedure, policy)
    d = _at_leader(personas, procedure, applicant)
    status, page = _decide(personas, d, append_after_signing(sign_pdf(handmade_pdf())))
    assert status == 400
    assert "Chữ ký số trong tệp kết quả không hợp lệ" in page
    assert not DossierDocument.objects.filter(dossier=d, kind="result").exists()


def test_the_province_admin_sets_the_policy_in_the_admin_site(
    personas: Personas, procedure: ConfiguredProcedure
) -> None:
    page = _client(personas.province_admin).get(
        f"/admin/catalog/configuredprocedure/{procedure.pk}/change/"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="unsigned_result_policy"' in html
    assert "Không nhận: kết quả phải được ký số" in html
