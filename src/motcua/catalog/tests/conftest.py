from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from django.conf import settings

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.catalog.services import catalog_import

CATALOG_PATH = settings.SEED_DIR / "procedures" / "catalog.json"


def load_sample() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def sample() -> dict[str, Any]:
    return copy.deepcopy(load_sample())


@pytest.fixture
def catalog(db: None) -> None:
    catalog_import(actor=None, payload=load_sample())


def current_version(code: str) -> ProcedureVersion:
    version = Procedure.objects.get(code=code).current_version
    assert version is not None
    return version


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
