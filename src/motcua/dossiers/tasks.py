"""Background tasks of the dossiers app (django-tasks; run by
``motcua db_worker``, scheduled by ``motcua run_scheduler``)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import task

from motcua.dossiers import partitions


@task()
def create_partitions_task() -> dict[str, list[str]]:
    """The monthly partitions three months ahead (never archives: that is
    the operator's ``motcua partitions --archive-before``)."""
    with transaction.atomic():
        done = partitions.maintain(
            connection, today=timezone.now().astimezone(datetime.UTC).date(), ahead=3
        )
    return {"created": done.created}
