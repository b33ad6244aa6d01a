"""Workflow templates and their versions: create, edit a draft, publish
(checked by :mod:`motcua.catalog.workflows`), and the seeded defaults.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import workflows
from motcua.catalog.changes import Actor, audit_record, ensure_draft
from motcua.catalog.models import (
    VersionStatus,
    WorkflowTemplate,
    WorkflowTemplateVersion,
)
from motcua.core.errors import DomainError


def workflow_template_create(
    *, actor: Actor, key: str, name: str, description: str = ""
) -> WorkflowTemplate:
    with transaction.atomic():
        template = WorkflowTemplate.objects.create(key=key, name=name, description=description)
        audit_record(
            actor=actor,
            action="workflow_template.create",
            obj=template,
            after={"key": key, "name": name},
        )
    return template


def workflow_template_version_create(
    *,
    actor: Actor,
    template: WorkflowTemplate,
    definition: dict[str, Any],
    max_processing_days: Decimal | None = None,
) -> WorkflowTemplateVersion:
    with transaction.atomic():
        last = template.versions.order_by("-number").values_list("number", flat=True).first()
        version = WorkflowTemplateVersion.objects.create(
            template=template,
            number=(last or 0) + 1,
            definition=definition,
            max_processing_days=max_processing_days,
        )
        audit_record(actor=actor, action="workflow_version.create", obj=version, after=definition)
    return version


def workflow_template_version_update(
    *, actor: Actor, version: WorkflowTemplateVersion, definition: dict[str, Any]
) -> WorkflowTemplateVersion:
    with transaction.atomic():
        locked = WorkflowTemplateVersion.objects.select_for_update().get(pk=version.pk)
        ensure_draft(locked.status)
        before = locked.definition
        locked.definition = definition
        locked.save(update_fields=["definition"])
        audit_record(
            actor=actor,
            action="workflow_version.update",
            obj=locked,
            before=before,
            after=definition,
        )
    return locked


class WorkflowInvalid(DomainError):
    code = "workflow_invalid"
    title = "Quy trình không hợp lệ"


def workflow_template_version_publish(
    *, actor: Actor, version: WorkflowTemplateVersion
) -> WorkflowTemplateVersion:
    """Publish after checking the graph rules (and the budget against
    ``max_processing_days`` when set); raises :class:`WorkflowInvalid` with
    every problem in Vietnamese."""
    with transaction.atomic():
        locked = WorkflowTemplateVersion.objects.select_for_update().get(pk=version.pk)
        ensure_draft(locked.status)
        problems = workflows.validate_definition(
            locked.definition, max_days=locked.max_processing_days
        )
        if problems:
            raise WorkflowInvalid(
                _("Không thể công bố quy trình: %(p)s") % {"p": " ".join(problems)},
                errors=[{"message": p} for p in problems],
            )
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        audit_record(
            actor=actor,
            action="workflow_version.publish",
            obj=locked,
            after={"status": "published"},
        )
    return locked


def workflow_templates_seed(*, actor: Actor) -> list[WorkflowTemplateVersion]:
    """Create and publish the shipped templates (idempotent by key)."""
    out = []
    with transaction.atomic():
        for seed in workflows.SEED_TEMPLATES:
            template = WorkflowTemplate.objects.filter(key=seed["key"]).first()
            if template is None:
                template = workflow_template_create(
                    actor=actor, key=seed["key"], name=seed["name"], description=seed["description"]
                )
            published = (
                template.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
            )
            if published is None or published.definition != seed["definition"]:
                version = workflow_template_version_create(
                    actor=actor, template=template, definition=seed["definition"]
                )
                published = workflow_template_version_publish(actor=actor, version=version)
            out.append(published)
    return out
