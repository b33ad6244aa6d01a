from __future__ import annotations

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
def _fresh_component_cache() -> None:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()
