from django.contrib import admin

from motcua.jobs.models import ScheduledJob


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin[ScheduledJob]):
    """Read-only: the scheduler owns these rows (edit ``next_due_at`` here
    only to run a job early)."""

    list_display = ["name", "next_due_at", "last_enqueued_at", "runs", "last_task_id"]
    readonly_fields = ["name", "last_enqueued_at", "last_task_id", "runs"]
