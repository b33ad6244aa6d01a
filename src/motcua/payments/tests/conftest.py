from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.testing import Personas
from motcua.dossiers.tests.factories import make_procedure
from motcua.integrations.national_pay.sandbox import build as build_national
from motcua.integrations.payment_sandbox import RunningSandbox
from motcua.integrations.vnpay.sandbox import build as build_vnpay

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


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_component_cache() -> None:
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()


@pytest.fixture
def procedure(personas: Personas) -> ConfiguredProcedure:
    configured = make_procedure(personas.place.agency_a)
    cpv = configured.current_version
    assert cpv is not None
    cpv.fees = FEES
    cpv.save(update_fields=["fees"])
    return configured


@pytest.fixture
def applicant(personas: Personas) -> Applicant:
    return Applicant.objects.get(user=personas.citizen)


@pytest.fixture
def vnpay(settings: Any) -> Iterator[RunningSandbox]:
    """The VNPay sandbox on a free port of 127.0.0.1 (callbacks dropped:
    the tests replay what it prepared through the test client)."""
    sandbox = build_vnpay(
        host="127.0.0.1",
        port=0,
        tmn_code=settings.MOTCUA_PAY_VNPAY_TMN_CODE,
        secret=settings.MOTCUA_PAY_VNPAY_SECRET,
        ipn_url="http://127.0.0.1:9/unused",
    )
    sandbox.store.drop_callbacks = True
    with sandbox:
        settings.MOTCUA_PAY_VNPAY_URL = sandbox.url
        yield sandbox


@pytest.fixture
def national(settings: Any) -> Iterator[RunningSandbox]:
    sandbox = build_national(
        host="127.0.0.1",
        port=0,
        partner=settings.MOTCUA_PAY_NATIONAL_PARTNER,
        secret=settings.MOTCUA_PAY_NATIONAL_SECRET,
    )
    sandbox.store.drop_callbacks = True
    with sandbox:
        settings.MOTCUA_PAY_NATIONAL_URL = sandbox.url
        yield sandbox
