"""The orphan-file sweep, with real files on disk."""

from __future__ import annotations

import datetime
import io
import os
import time
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from motcua.documents import services
from motcua.documents.sweep import sweep_orphan_files
from motcua.documents.tasks import sweep_orphan_files_task
from motcua.documents.tests import factories
from motcua.testing import Personas

pytestmark = pytest.mark.django_db
DAY = 24 * 3600


def _age(root: Path, name: str, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(root / name, (moment, moment))


@pytest.fixture
def media(fast_documents_tests: Path, personas: Personas) -> dict[str, str]:
    """A referenced image with its thumbnail, an old orphan, a young orphan
    (an upload in flight) — all real files, the first three two days old."""
    root = fast_documents_tests
    stored = services.stored_file_create(
        actor=personas.citizen, content=factories.png_bytes((400, 300)), name="anh.png"
    )
    old = default_storage.save("2026/01/mo-coi.pdf", ContentFile(b"%PDF-1.4 old"))
    young = default_storage.save("2026/12/dang-tai.pdf", ContentFile(b"%PDF-1.4 new"))
    for name in (stored.file.name, stored.thumbnail.name, old):
        _age(root, name, 2 * DAY)
    return {"file": stored.file.name, "thumb": stored.thumbnail.name, "old": old, "young": young}


def test_removes_only_old_unreferenced_files(
    media: dict[str, str], fast_documents_tests: Path
) -> None:
    report = sweep_orphan_files()
    assert report.orphans == [media["old"]]
    assert report.removed == 1 and report.removed_bytes == len(b"%PDF-1.4 old")
    assert report.young == 1 and report.scanned == 4
    assert not default_storage.exists(media["old"])
    for kept in ("file", "thumb", "young"):
        assert default_storage.exists(media[kept]), kept
    # Once more: nothing left to do.
    again = sweep_orphan_files()
    assert again.removed == 0 and again.orphans == []


def test_dry_run_deletes_nothing(media: dict[str, str]) -> None:
    out = io.StringIO()
    call_command("sweep_orphan_files", "--dry-run", stdout=out)
    text = out.getvalue()
    assert f"sẽ xóa {media['old']}" in text and "mồ côi: 1" in text
    assert default_storage.exists(media["old"])


def test_young_files_survive_until_the_grace_period_ends(media: dict[str, str]) -> None:
    """An upload in flight (file written, row not yet committed) is young."""
    report = sweep_orphan_files(grace=datetime.timedelta(days=3))
    assert report.removed == 0 and default_storage.exists(media["old"])
    out = io.StringIO()
    call_command("sweep_orphan_files", "--grace-hours", "0", stdout=out)
    assert not default_storage.exists(media["young"]) and not default_storage.exists(media["old"])
    assert default_storage.exists(media["file"]) and default_storage.exists(media["thumb"])


def test_the_scheduled_task_sweeps(media: dict[str, str]) -> None:
    counts = sweep_orphan_files_task.call()
    assert counts["removed"] == 1 and counts["young"] == 1
    assert not default_storage.exists(media["old"])
