import pytest

from motcua.accounts.models import Applicant
from motcua.accounts.services import applicant_register_citizen, applicant_register_organisation
from motcua.core.errors import Conflict, DomainError

pytestmark = pytest.mark.django_db


def test_register_citizen_and_duplicate():
    a = applicant_register_citizen(user=None, name=" Trần Thị Bình ", personal_id="083195004321")
    assert a.name == "Trần Thị Bình"
    with pytest.raises(Conflict) as exc:
        applicant_register_citizen(user=None, name="Khác", personal_id="083195004321")
    assert exc.value.code == "personal_id_taken"
    assert Applicant.objects.count() == 1


def test_register_citizen_rejects_malformed_id():
    with pytest.raises(DomainError) as exc:
        applicant_register_citizen(user=None, name="A", personal_id="12345")
    assert exc.value.code == "personal_id_format"
    assert exc.value.errors[0]["field"] == "personal_id"
    assert Applicant.objects.count() == 0


def test_register_organisation_validates_tax_code():
    org = applicant_register_organisation(user=None, name="Công ty TNHH A", tax_code="0100109106")
    assert org.kind == "organisation"
    with pytest.raises(DomainError) as exc:
        applicant_register_organisation(user=None, name="B", tax_code="0100109107")
    assert exc.value.code == "tax_code_checksum"
