from __future__ import annotations

from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.smtp.testing import smtp_sandbox
from motcua.integrations.testing import sms_sandbox, zalo_sandbox
from motcua.notifications.tests.helpers import Case
from motcua.testing import Personas

__all__ = ["sms_sandbox", "smtp_sandbox", "zalo_sandbox"]


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    return make_procedure(personas.place.agency_a)


@pytest.fixture
def applicant(personas: Personas) -> Applicant:
    applicant = Applicant.objects.get(user=personas.citizen)
    applicant.email, applicant.phone = "an@example.vn", "0912345678"
    applicant.save(update_fields=["email", "phone"])
    for user in (personas.officer, personas.specialist, personas.leader):
        user.email = f"{user.username}@motcua.local"
        user.save(update_fields=["email"])
    return applicant


@pytest.fixture
def case(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Case:
    return Case(personas, procedure, applicant)


@pytest.fixture(autouse=True)
def _fast_retries(settings: Any) -> None:
    settings.NOTIFY_RETRY_BASE_SECONDS = 60
    settings.NOTIFY_MAX_ATTEMPTS = 4
    settings.MOTCUA_PUBLIC_URL = "https://dichvucong.example.vn"


@pytest.fixture(autouse=True)
def _fresh_component_cache() -> None:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()
