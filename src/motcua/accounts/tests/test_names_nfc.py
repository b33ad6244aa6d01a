"""Names are stored in NFC whatever form they were typed in; the data
migration rewrites names stored before."""

from __future__ import annotations

import importlib
import unicodedata

import pytest
from django.apps import apps

from motcua.accounts.models import Applicant, User
from motcua.accounts.services import applicant_register_citizen

pytestmark = pytest.mark.django_db

NAME = "Nguyễn Thị Ánh"


def test_a_decomposed_name_is_stored_in_nfc() -> None:
    applicant = applicant_register_citizen(
        user=None,
        name=unicodedata.normalize("NFD", NAME),
        personal_id="086190000777",
        address=unicodedata.normalize("NFD", "Ấp Phú Hòa"),
    )
    applicant.refresh_from_db()
    assert applicant.name == NAME and applicant.address == "Ấp Phú Hòa"


def test_the_migration_rewrites_stored_names_in_nfc() -> None:
    decomposed = unicodedata.normalize("NFD", NAME)
    assert decomposed != NAME
    user = User.objects.create(username="cu", full_name=decomposed)
    applicant = Applicant.objects.create(
        kind="citizen", name=decomposed, personal_id="086190000778"
    )
    migration = importlib.import_module("motcua.accounts.migrations.0002_names_nfc")
    migration.to_nfc(apps, None)
    user.refresh_from_db()
    applicant.refresh_from_db()
    assert user.full_name == NAME and applicant.name == NAME
