from __future__ import annotations

from collections.abc import Iterator

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.tests.factories import make_procedure
from motcua.outbox.destinations import only_destinations
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


@pytest.fixture(autouse=True)
def _only_the_tests_destinations() -> Iterator[None]:
    """The project's destinations (national portal, measurement, webhooks)
    are out: each test registers the destination it watches."""
    with only_destinations():
        yield
