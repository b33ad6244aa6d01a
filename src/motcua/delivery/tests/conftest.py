from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.delivery.services import postal_request_set
from motcua.dossiers import services
from motcua.dossiers.models import Delivery, Dossier
from motcua.dossiers.tests.factories import advance, local, make_procedure
from motcua.integrations.vnpost.testing import vnpost_sandbox
from motcua.testing import Personas

__all__ = ["vnpost_sandbox"]


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    return make_procedure(personas.place.agency_a)


@pytest.fixture
def by_post(personas: Personas, procedure: ConfiguredProcedure) -> Dossier:
    """A dossier whose result goes by post, submitted on 2 March 2026."""
    return services.dossier_submit(
        actor=personas.citizen,
        procedure=procedure,
        applicant=Applicant.objects.get(user=personas.citizen),
        result_delivery=Delivery.POST,
        now=local(2026, 3, 2, 8),
    )


@pytest.fixture
def result_ready(personas: Personas, by_post: Dossier) -> Dossier:
    """``by_post`` with the postal request made, walked to its result."""
    ask(personas, by_post)
    return advance(by_post, personas, 4)


def ask(p: Personas, dossier: Dossier, *, send_dossier: bool = False) -> None:
    postal_request_set(
        dossier=dossier,
        actor=p.citizen,
        send_dossier=send_dossier,
        receive_result=True,
        receiver_name="Nguyễn Văn An",
        receiver_phone="0912345678",
        receiver_address="Số 1, thôn Đông, xã A",
    )


def fresh(dossier: Dossier) -> Dossier:
    return Dossier.objects.get(pk=dossier.pk)


@pytest.fixture(autouse=True)
def _fresh_component_cache() -> Any:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()
