"""Due-date warnings to officers: near due and overdue, once per step run
per threshold however often the scheduled job runs."""

from __future__ import annotations

import datetime

from motcua.dossiers import services as dossiers
from motcua.dossiers.models import StepRun
from motcua.integrations.smtp.sandbox import SmtpSandbox
from motcua.jobs.schedule import SCHEDULE
from motcua.notifications import services
from motcua.notifications.models import Message
from motcua.notifications.tests.helpers import NOW, Case


def test_near_due_then_overdue_once_each(
    case: Case,
    smtp_sandbox: SmtpSandbox,
) -> None:
    now = NOW
    d = case.submit()
    d = dossiers.dossier_accept(dossier=d, actor=case.p.officer, expected_version=1, now=now)
    d = dossiers.dossier_forward(dossier=d, actor=case.p.officer, expected_version=2, now=now)
    run = StepRun.objects.get(dossier=d, ended_at__isnull=True)
    assert run.due_at is not None
    window = datetime.timedelta(hours=24)
    early = services.warn_due(now=run.due_at - 2 * window, window=window)
    assert early == []
    near = run.due_at - datetime.timedelta(hours=1)
    first = services.warn_due(now=near, window=window)
    again = services.warn_due(now=near + datetime.timedelta(minutes=30), window=window)
    assert [m.template.key for m in first] == ["step_near_due"]
    assert [m.pk for m in again] == [m.pk for m in first]
    assert first[0].address == "chuyenvien_a@motcua.local"
    late = run.due_at + datetime.timedelta(minutes=1)
    overdue = services.warn_due(now=late, window=window)
    services.warn_due(now=late + window, window=window)
    keys = sorted(
        Message.objects.filter(audience="officer", occasion__startswith="due:").values_list(
            "template__key", flat=True
        )
    )
    assert keys == ["step_near_due", "step_overdue"]
    assert [m.template.key for m in overdue] == ["step_overdue"]
    subjects = [m.subject for m in smtp_sandbox.store.messages() if "hạn" in m.subject]
    assert len(subjects) == 2 and any("quá hạn" in s for s in subjects)
    # Once the step is done, nothing more.
    dossiers.dossier_forward(dossier=d, actor=case.p.specialist, expected_version=3, now=late)
    later = services.warn_due(now=late + window, window=window)
    assert not [m for m in later if m.occasion.startswith(f"due:{run.pk}:")]


def test_the_warning_and_the_resend_sweep_are_scheduled() -> None:
    tasks = {job.task for job in SCHEDULE}
    assert "motcua.notifications.tasks.warn_due_task" in tasks
    assert "motcua.notifications.tasks.resend_due_task" in tasks
