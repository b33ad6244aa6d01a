from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.tests.conftest import _fast_passwords, _fresh_component_cache
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.payments.sandboxes import sandbox_build
from motcua.testing import Personas

#: Where the sandboxes would send callbacks in these tests: nowhere (dropped).
UNREACHABLE = "http://127.0.0.1:9"

FEES: list[dict[str, Any]] = [
    {"name": "Lệ phí cấp bản sao", "amount_vnd": 20000, "note": "", "local": False},
    {
        "name": "Phí nộp tại quầy",
        "amount_vnd": 5000,
        "note": "",
        "local": False,
        "channel": "counter",
    },
    {"name": "Phí do tỉnh quy định", "amount_vnd": None, "note": "", "local": True},
]


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    configured = make_procedure(personas.place.agency_a)
    cpv = configured.current_version
    assert cpv is not None
    cpv.fees = FEES
    cpv.save(update_fields=["fees"])
    return configured


__all__ = ["_fast_passwords", "_fresh_component_cache"]


@pytest.fixture
def applicant(personas: Personas) -> Applicant:
    return Applicant.objects.get(user=personas.citizen)


@pytest.fixture
def vnpay(settings: Any) -> Iterator[RunningSandbox]:
    """The VNPay sandbox on a free port of 127.0.0.1 (callbacks dropped:
    the tests replay what it prepared through the test client)."""
    sandbox = sandbox_build(which="vnpay", host="127.0.0.1", port=0, site=UNREACHABLE)
    sandbox.store.drop_callbacks = True
    with sandbox:
        settings.MOTCUA_PAY_VNPAY_URL = sandbox.url
        yield sandbox


@pytest.fixture
def national(settings: Any) -> Iterator[RunningSandbox]:
    sandbox = sandbox_build(which="national", host="127.0.0.1", port=0, site=UNREACHABLE)
    sandbox.store.drop_callbacks = True
    with sandbox:
        settings.MOTCUA_PAY_NATIONAL_URL = sandbox.url
        yield sandbox
