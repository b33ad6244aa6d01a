"""End to end with the real worker: a committed dossier event enqueues the
notify task, ``motcua db_worker`` runs it, the mail arrives in the SMTP
sandbox; running the worker again sends nothing more."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.notifications.models import Message, MessageStatus
from motcua.notifications.tests.helpers import Case


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_after_commit_and_never_twice(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    d = case.submit()
    [job] = DBTaskResult.objects.filter(task_path__endswith="notify_event_task")
    assert not smtp_sandbox.store.messages()  # enqueued, not sent in the request
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    job.refresh_from_db()
    assert job.status == "SUCCESSFUL", job.status
    sent = smtp_sandbox.store.messages()
    assert any(m.recipients == ["an@example.vn"] and d.code in m.subject for m in sent)
    assert set(Message.objects.values_list("status", flat=True)) == {MessageStatus.SENT}
    # The same job run again (a retry after a crash): nothing new.
    from motcua.notifications.tasks import notify_event_task

    notify_event_task.enqueue(job.args_kwargs["args"][0])
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO())
    assert len(smtp_sandbox.store.messages()) == len(sent)
