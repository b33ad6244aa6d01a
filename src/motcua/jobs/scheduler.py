"""Enqueue the periodic jobs that are due (see :mod:`motcua.jobs.schedule`).

For each job, one transaction: a compare-and-set ``UPDATE … SET
next_due_at = now + every WHERE name = … AND next_due_at <= now`` and, only
when it changed the row, the enqueue (django-tasks' database backend writes
the task row in the same transaction). Two schedulers, or one restarted,
cannot enqueue a job twice for one period: the second ``UPDATE`` waits for
the first's row lock (PostgreSQL) or its write transaction (SQLite) and
then finds the job no longer due. A crash between the two rolls both back.
A job missed while nothing ran is enqueued once when a scheduler is back,
not once per missed period."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task

from motcua.jobs.models import ScheduledJob
from motcua.jobs.schedule import SCHEDULE, PeriodicJob

log = logging.getLogger(__name__)


def _task(job: PeriodicJob) -> Task[[], object]:
    found = import_string(job.task)
    if not isinstance(found, Task):
        raise TypeError(f"{job.task} is not a django-tasks task")
    return found


def check_schedule(schedule: Sequence[PeriodicJob] = SCHEDULE) -> None:
    """Fail early on a schedule entry that names no task or repeats a name."""
    names = [j.name for j in schedule]
    if len(set(names)) != len(names):
        raise ValueError("duplicate job name in the schedule")
    for job in schedule:
        _task(job)
        if job.every <= datetime.timedelta(0):
            raise ValueError(f"{job.name}: the interval must be positive")


def enqueue_due(
    *, now: datetime.datetime | None = None, schedule: Sequence[PeriodicJob] = SCHEDULE
) -> list[str]:
    """Enqueue every job due at ``now``; the names of those enqueued. A new
    job is due at once."""
    now = now or timezone.now()
    enqueued: list[str] = []
    for job in schedule:
        ScheduledJob.objects.get_or_create(name=job.name, defaults={"next_due_at": now})
        with transaction.atomic():
            moved = ScheduledJob.objects.filter(name=job.name, next_due_at__lte=now).update(
                next_due_at=now + job.every, last_enqueued_at=now, runs=F("runs") + 1
            )
            if moved != 1:
                continue
            result = _task(job).enqueue()
            ScheduledJob.objects.filter(name=job.name).update(last_task_id=str(result.id))
        log.info("scheduled job enqueued: %s (task %s)", job.name, result.id)
        enqueued.append(job.name)
    return enqueued


def seconds_until_next(
    *, now: datetime.datetime | None = None, schedule: Sequence[PeriodicJob] = SCHEDULE
) -> float | None:
    """Seconds until the soonest job is due (``None`` without jobs)."""
    now = now or timezone.now()
    names = [j.name for j in schedule]
    soonest = (
        ScheduledJob.objects.filter(name__in=names)
        .order_by("next_due_at")
        .values_list("next_due_at", flat=True)
        .first()
    )
    if soonest is None:
        return 0.0 if names else None
    return max((soonest - now).total_seconds(), 0.0)
