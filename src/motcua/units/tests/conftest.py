"""The real unit lists, imported once per test module.

Importing 14,000 units and 10,600 succession rows takes a few seconds, so the
tests that need them share one import: ``real_units`` loads the files outside
any test transaction and empties the tables after the module. Each test still
runs in its own transaction (``db``), so what a test writes is rolled back.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from motcua.units.importers import ImportResult, import_units
from motcua.units.models import AdministrativeUnit, Agency, UnitSuccession

DATA_DIR = Path(settings.SEED_DIR) / "admin-units"


def _empty_unit_tables() -> None:
    with connection.cursor() as cursor:
        for model in (Agency, UnitSuccession, AdministrativeUnit):
            cursor.execute(f"DELETE FROM {model._meta.db_table}")  # noqa: S608


@pytest.fixture(scope="module")
def real_units(django_db_setup: None, django_db_blocker) -> Iterator[ImportResult]:
    with django_db_blocker.unblock():
        _empty_unit_tables()
        result = import_units(data_dir=DATA_DIR)
    yield result
    with django_db_blocker.unblock():
        _empty_unit_tables()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the data folder, for tests that alter a file."""
    target = tmp_path / "admin-units"
    shutil.copytree(DATA_DIR, target)
    return target
