from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from motcua.catalog.models import ConfiguredProcedure
from motcua.portal.tests.helpers import make_portal_procedure
from motcua.testing import Personas


@pytest.fixture(autouse=True)
def _portal_settings(settings: Any, tmp_path: Path) -> None:
    """Uploads go to a temporary MEDIA_ROOT; the unit search covers the
    test province (code 99)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PROVINCE_CODE = "99"
    from motcua.dossiers.attachments import components_of

    components_of.cache_clear()


@pytest.fixture
def portal_procedure(personas: Personas) -> ConfiguredProcedure:
    return make_portal_procedure(personas.place.agency_a)


from motcua.integrations.smtp.testing import smtp_sandbox  # noqa: E402

__all__ = ["smtp_sandbox"]
