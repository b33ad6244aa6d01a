"""The orphan-file sweep: remove stored files that no row references.

A file becomes an orphan when the process that wrote it died (or its
transaction rolled back) between writing the file and committing the row
(:func:`motcua.documents.services.stored_file_create` writes the file
first). Every ``FileField`` of every installed model counts as a reference,
so a new model with files is covered without changing this module.

A file younger than the grace period is never touched: an upload in flight
writes its file seconds before its row commits. Each candidate's reference
is checked again just before it is deleted.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.core.files.storage import Storage, default_storage
from django.db import models
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)


@dataclass
class SweepReport:
    scanned: int = 0
    orphans: list[str] = field(default_factory=list)
    removed: int = 0
    removed_bytes: int = 0
    young: int = 0


def _file_fields() -> list[tuple[type[models.Model], str]]:
    return [
        (model, f.name)
        for model in apps.get_models()
        for f in model._meta.get_fields()
        if isinstance(f, models.FileField)
    ]


def referenced_names() -> set[str]:
    """Every file name any row references (blank names left out)."""
    names: set[str] = set()
    for model, name in _file_fields():
        rows = model._default_manager.exclude(**{name: ""}).values_list(name, flat=True)
        names.update(str(v) for v in rows.iterator() if v)
    return names


def _is_referenced(name: str) -> bool:
    return any(
        model._default_manager.filter(Q(**{field_name: name})).exists()
        for model, field_name in _file_fields()
    )


def _walk(storage: Storage, folder: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for f in sorted(files):
        if not f.startswith("."):
            yield f"{folder}/{f}" if folder else f
    for d in sorted(dirs):
        if not d.startswith("."):
            yield from _walk(storage, f"{folder}/{d}" if folder else d)


def grace_period() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.MOTCUA_ORPHAN_GRACE_HOURS)


def sweep_orphan_files(
    *,
    dry_run: bool = False,
    grace: datetime.timedelta | None = None,
    now: datetime.datetime | None = None,
    storage: Storage | None = None,
) -> SweepReport:
    """Find (and unless ``dry_run``, delete) the files in ``storage`` that
    no row references and that were last written more than ``grace`` ago."""
    storage = storage or default_storage
    now = now or timezone.now()
    cutoff = now - (grace if grace is not None else grace_period())
    referenced = referenced_names()
    report = SweepReport()
    for name in _walk(storage):
        report.scanned += 1
        if name in referenced:
            continue
        if storage.get_modified_time(name) > cutoff:
            report.young += 1
            continue
        report.orphans.append(name)
        if dry_run or _is_referenced(name):
            continue
        size = storage.size(name)
        storage.delete(name)
        report.removed += 1
        report.removed_bytes += size
        log.info("orphan file removed: %s (%d bytes)", name, size)
    return report
