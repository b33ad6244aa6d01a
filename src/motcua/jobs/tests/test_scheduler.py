"""The scheduler: a job is enqueued once per period, whatever restarts or
second schedulers do; the worker runs it."""

from __future__ import annotations

import datetime
import io
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from motcua.jobs.models import ScheduledJob
from motcua.jobs.schedule import SCHEDULE, PeriodicJob
from motcua.jobs.scheduler import check_schedule, enqueue_due, seconds_until_next

SWEEP = "motcua.documents.tasks.sweep_orphan_files_task"
JOB = (PeriodicJob(name="sweep", task=SWEEP, every=datetime.timedelta(hours=6)),)


def test_the_schedule_names_real_tasks() -> None:
    check_schedule(SCHEDULE)
    assert {j.name for j in SCHEDULE} >= {"sweep_orphan_files"}
    with pytest.raises(TypeError):
        check_schedule((PeriodicJob("x", "motcua.jobs.schedule.SCHEDULE", JOB[0].every),))
    with pytest.raises(ValueError, match="duplicate"):
        check_schedule(JOB + JOB)


@pytest.mark.django_db
def test_enqueued_once_per_period_across_restarts() -> None:
    t0 = timezone.now()
    assert enqueue_due(now=t0, schedule=JOB) == ["sweep"]
    # The same moment again, or a restarted scheduler a minute later: nothing.
    assert enqueue_due(now=t0, schedule=JOB) == []
    assert enqueue_due(now=t0 + datetime.timedelta(minutes=1), schedule=JOB) == []
    assert DBTaskResult.objects.count() == 1
    row = ScheduledJob.objects.get(name="sweep")
    assert row.runs == 1 and row.next_due_at == t0 + datetime.timedelta(hours=6)
    assert row.last_task_id == str(DBTaskResult.objects.get().id)
    left = seconds_until_next(now=t0, schedule=JOB)
    assert left is not None and abs(left - 6 * 3600) < 1
    # Down for two days: enqueued once when back, not once per missed period.
    later = t0 + datetime.timedelta(days=2)
    assert enqueue_due(now=later, schedule=JOB) == ["sweep"]
    assert enqueue_due(now=later, schedule=JOB) == []
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_a_scheduler_that_read_the_job_as_due_loses_the_compare_and_set() -> None:
    """Two schedulers that both saw the job due: only one UPDATE matches."""
    t0 = timezone.now()
    enqueue_due(now=t0, schedule=JOB)
    due = t0 + datetime.timedelta(hours=7)
    first = ScheduledJob.objects.filter(name="sweep", next_due_at__lte=due)
    second = ScheduledJob.objects.filter(name="sweep", next_due_at__lte=due)
    assert first.exists() and second.exists()  # both read it as due
    assert enqueue_due(now=due, schedule=JOB) == ["sweep"]
    assert enqueue_due(now=due, schedule=JOB) == []
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_schedulers_enqueue_once() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (DATABASE_URL=postgres://…) for real concurrent writers")
    t0 = timezone.now()
    ScheduledJob.objects.create(name="sweep", next_due_at=t0)
    barrier = threading.Barrier(6)
    results: list[list[str]] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait()
            got = enqueue_due(now=t0, schedule=JOB)
            with lock:
                results.append(got)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(len(r) for r in results) == [0, 0, 0, 0, 0, 1]
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db(transaction=True)  # the worker closes its connections
def test_run_scheduler_once_then_the_worker_runs_the_sweep(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"  # the real sweep runs: never on real files
    out = io.StringIO()
    call_command("run_scheduler", "--once", stdout=out)
    assert "sweep_orphan_files" in out.getvalue()
    task = DBTaskResult.objects.get(task_path=SWEEP)  # other jobs are due too
    count = DBTaskResult.objects.count()
    call_command("run_scheduler", "--once", stdout=io.StringIO())
    assert DBTaskResult.objects.count() == count
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL", task.status
    assert task.return_value is not None and task.return_value["removed"] == 0
