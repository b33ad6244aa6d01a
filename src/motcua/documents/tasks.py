"""Background tasks of the documents app (django-tasks; run by
``motcua db_worker``, scheduled by ``motcua run_scheduler``)."""

from __future__ import annotations

from django_tasks import task

from motcua.documents.sweep import sweep_orphan_files


@task()
def sweep_orphan_files_task() -> dict[str, int]:
    """The daily orphan-file sweep; returns its counts (kept as the task's
    result)."""
    report = sweep_orphan_files()
    return {
        "scanned": report.scanned,
        "orphans": len(report.orphans),
        "removed": report.removed,
        "removed_bytes": report.removed_bytes,
        "young": report.young,
    }
