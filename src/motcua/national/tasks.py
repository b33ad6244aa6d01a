"""Background tasks of the national sync (django-tasks)."""

from __future__ import annotations

from django_tasks import task


@task()
def reconcile_national_task() -> str:
    """The daily reconciliation with the national portal (jobs/schedule.py)."""
    from motcua.national.reconciliation import reconcile
    from motcua.national.repair import repair

    return reconcile(repair=repair).summary()
