from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def fast_documents_tests(settings, tmp_path: Path) -> Path:
    """Uploaded files go to a temporary MEDIA_ROOT; personas get a fast
    password hasher (the default one costs seconds per persona set)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)
