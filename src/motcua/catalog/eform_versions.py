"""E-forms of a procedure: create, publish (the schema checked by
:mod:`motcua.catalog.eforms`), and the seeded sample forms.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from motcua.catalog import eforms
from motcua.catalog.changes import Actor, audit_record, ensure_draft
from motcua.catalog.models import (
    EForm,
    VersionStatus,
)
from motcua.catalog.models import Procedure as ProcedureModel
from motcua.core.errors import DomainError


class EFormInvalid(DomainError):
    code = "eform_invalid"
    title = "Biểu mẫu điện tử không hợp lệ"


def eform_create(*, actor: Actor, procedure: ProcedureModel, schema: dict[str, Any]) -> EForm:
    problems = eforms.check_schema(schema)
    if problems:
        raise EFormInvalid(" ".join(problems), errors=[{"message": p} for p in problems])
    with transaction.atomic():
        last = procedure.eforms.order_by("-number").values_list("number", flat=True).first()
        eform = EForm.objects.create(procedure=procedure, number=(last or 0) + 1, schema=schema)
        audit_record(
            actor=actor, action="eform.create", obj=eform, after={"procedure": procedure.code}
        )
    return eform


def eform_publish(*, actor: Actor, eform: EForm) -> EForm:
    with transaction.atomic():
        locked = EForm.objects.select_for_update().get(pk=eform.pk)
        ensure_draft(locked.status)
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        audit_record(actor=actor, action="eform.publish", obj=locked, after={"status": "published"})
    return locked


EFORM_FIXTURES = Path(__file__).resolve().parent / "fixtures"


def eforms_seed(*, actor: Actor) -> list[EForm]:
    """Create and publish the shipped e-forms (``fixtures/eform-*.json``)
    for procedures already imported; idempotent."""
    out = []
    with transaction.atomic():
        for path in sorted(EFORM_FIXTURES.glob("eform-*.json")):
            spec = json.loads(path.read_text(encoding="utf-8"))
            procedure = ProcedureModel.objects.filter(code=spec["procedure"]).first()
            if procedure is None:
                continue
            latest = (
                procedure.eforms.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
            )
            if latest is None or latest.schema != spec["schema"]:
                latest = eform_publish(
                    actor=actor,
                    eform=eform_create(actor=actor, procedure=procedure, schema=spec["schema"]),
                )
            out.append(latest)
    return out
