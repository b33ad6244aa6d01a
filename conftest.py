"""Fixtures shared by every app's tests (the project test base lives in
``motcua.core.testing``)."""

from __future__ import annotations

import pytest

from motcua.core.testing import Personas, TestProvince, make_personas, make_province


@pytest.fixture
def province(db: None) -> TestProvince:
    return make_province()


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()
