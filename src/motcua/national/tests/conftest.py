from __future__ import annotations

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.tests.conftest import _fast_passwords, _fresh_component_cache
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.national_portal.testing import national_portal
from motcua.testing import Personas

__all__ = ["_fast_passwords", "_fresh_component_cache", "national_portal"]


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    return make_procedure(personas.place.agency_a)


@pytest.fixture
def applicant(personas: Personas) -> Applicant:
    return Applicant.objects.get(user=personas.citizen)
