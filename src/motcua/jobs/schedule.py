"""The periodic jobs: the ONE place that lists what runs on a schedule and
how often. Each entry names a django-tasks task by its dotted path (so this
module imports no app); ``motcua run_scheduler`` enqueues it when due and
``motcua db_worker`` runs it.

To add a job: write the task (``@task()`` in the app's ``tasks.py``) and add
a line here."""

from __future__ import annotations

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    task: str
    every: datetime.timedelta


SCHEDULE: tuple[PeriodicJob, ...] = (
    PeriodicJob(
        name="sweep_orphan_files",
        task="motcua.documents.tasks.sweep_orphan_files_task",
        every=datetime.timedelta(days=1),
    ),
    PeriodicJob(
        name="warn_due_dossiers",
        task="motcua.notifications.tasks.warn_due_task",
        every=datetime.timedelta(minutes=30),
    ),
    PeriodicJob(
        name="resend_due_messages",
        task="motcua.notifications.tasks.resend_due_task",
        every=datetime.timedelta(minutes=5),
    ),
    PeriodicJob(
        name="reconcile_payments",
        task="motcua.payments.tasks.reconcile_payments_task",
        every=datetime.timedelta(minutes=5),
    ),
    PeriodicJob(
        name="notification_channel_alerts",
        task="motcua.notifications.tasks.channel_alerts_task",
        every=datetime.timedelta(minutes=5),
    ),
    PeriodicJob(
        name="resend_refunds",
        task="motcua.payments.tasks.resend_refunds_task",
        every=datetime.timedelta(minutes=5),
    ),
    PeriodicJob(
        name="poll_delivery_orders",
        task="motcua.delivery.tasks.poll_delivery_orders",
        every=datetime.timedelta(minutes=30),
    ),
    PeriodicJob(
        name="reconcile_national_portal",
        task="motcua.national.tasks.reconcile_national_task",
        every=datetime.timedelta(days=1),
    ),
    PeriodicJob(
        name="create_partitions",
        task="motcua.dossiers.tasks.create_partitions_task",
        every=datetime.timedelta(days=1),
    ),
)
