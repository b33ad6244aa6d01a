from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.tests.factories import make_procedure
from motcua.testing import Personas


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    return make_procedure(personas.place.agency_a)


@pytest.fixture
def applicant(personas: Personas) -> Applicant:
    return Applicant.objects.get(user=personas.citizen)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_caches() -> None:
    """Row ids are reused after a test's rollback: forget cached lookups."""
    from motcua.dossiers.attachments import components_of
    from motcua.dossiers.caches import clear_caches

    components_of.cache_clear()
    clear_caches()
