"""A small catalogue for the dossier tests, built with the catalogue models
directly: a procedure with 3 working days and a three-step workflow
(reception → specialist → leader → end) configured at commune A."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from motcua.accounts.models import User
from motcua.catalog.models import (
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    DocumentComponent,
    ImplementingLevel,
    OnlineLevel,
    Procedure,
    ProcedureVersion,
    ProcessingTime,
    VersionStatus,
    WorkflowTemplate,
    WorkflowTemplateVersion,
)
from motcua.documents.models import StoredFile
from motcua.documents.services import stored_file_create
from motcua.documents.tests.factories import handmade_pdf
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier
from motcua.testing import Personas
from motcua.units.models import Agency

LOCAL = ZoneInfo("Asia/Ho_Chi_Minh")

THREE_STEPS: dict[str, Any] = {
    "start": "reception",
    "steps": [
        {
            "key": "reception",
            "name": "Tiếp nhận",
            "role": "one_stop_officer",
            "holder": "receiving",
            "budget_hours": 4,
        },
        {
            "key": "specialist",
            "name": "Chuyên viên thẩm định",
            "role": "specialist",
            "holder": "processing",
            "budget_hours": 12,
        },
        {
            "key": "leader",
            "name": "Lãnh đạo phê duyệt",
            "role": "leader",
            "holder": "processing",
            "budget_hours": 4,
        },
    ],
    "transitions": [
        {"from": "reception", "action": "forward", "to": "specialist"},
        {"from": "specialist", "action": "forward", "to": "leader"},
        {"from": "leader", "action": "send_back", "to": "specialist"},
        {"from": "leader", "action": "approve", "to": "end"},
    ],
}


def local(year: int, month: int, day: int, hour: int = 8, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, minute, tzinfo=LOCAL)


_counter = {"n": 0}


def published_procedure_version(
    code: str, *, days: int = 3, name: str = "Cấp bản sao trích lục hộ tịch"
) -> ProcedureVersion:
    """A commune-level procedure with one published version, decided in
    ``days`` working days online and in person."""
    procedure = Procedure.objects.create(code=code)
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=1,
        status=VersionStatus.PUBLISHED,
        name=name,
        short_name="Trích lục hộ tịch",
        field="Hộ tịch",
        level=ImplementingLevel.COMMUNE,
        levels=",commune,",
        online_level=OnlineLevel.FULL,
    )
    for channel in ("online", "in_person"):
        ProcessingTime.objects.create(version=version, channel=channel, days=Decimal(days))
    return version


def make_procedure(
    agency: Agency, *, days: int = 3, definition: dict[str, Any] | None = None
) -> ConfiguredProcedure:
    _counter["n"] += 1
    n = _counter["n"]
    version = published_procedure_version(f"9.{n:06d}", days=days)
    template = WorkflowTemplate.objects.create(key=f"ba-buoc-{n}", name="Ba bước")
    workflow = WorkflowTemplateVersion.objects.create(
        template=template,
        number=1,
        status=VersionStatus.PUBLISHED,
        definition=definition or THREE_STEPS,
    )
    configured = ConfiguredProcedure.objects.create(agency=agency, procedure=version.procedure)
    cpv = ConfiguredProcedureVersion.objects.create(
        configured=configured,
        number=1,
        procedure_version=version,
        processing_days=Decimal(days),
        channels=["online", "in_person", "post"],
        workflow=workflow,
    )
    configured.current_version = cpv
    configured.save(update_fields=["current_version"])
    return ConfiguredProcedure.objects.select_related(
        "agency__province",
        "current_version__workflow",
        "current_version__eform",
        "current_version__procedure_version",
    ).get(pk=configured.pk)


def add_components(procedure: ConfiguredProcedure) -> list[DocumentComponent]:
    """Two components on the pinned version: a required form and an
    optional copy."""
    version = procedure.current_version
    assert version is not None
    return [
        DocumentComponent.objects.create(
            version_id=version.procedure_version_id,
            position=1,
            name="Tờ khai theo mẫu",
            required=True,
        ),
        DocumentComponent.objects.create(
            version_id=version.procedure_version_id,
            position=2,
            name="Bản sao giấy tờ tùy thân",
            required=False,
        ),
    ]


def upload(actor: User | None, name: str = "to-khai.pdf") -> StoredFile:
    """A real (small, valid) PDF stored through the documents service."""
    return stored_file_create(actor=actor, content=handmade_pdf(), name=name)


def result_attachment(actor: User) -> Attachment:
    return Attachment(file=upload(actor, "ket-qua.pdf"), title="Bản sao trích lục hộ tịch")


def advance(dossier: Dossier, personas: Personas, steps: int) -> Dossier:
    """Walk a dossier of :data:`THREE_STEPS` (submitted on 2 March 2026)
    ``steps`` actions forward: 1 accepted, 2 at the specialist, 3 at the
    leader, 4 result ready (with a result file)."""
    p = personas
    walk: list[Callable[[Dossier], Dossier]] = [
        lambda d: services.dossier_accept(
            dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 3, 9)
        ),
        lambda d: services.dossier_forward(
            dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 3, 10)
        ),
        lambda d: services.dossier_forward(
            dossier=d, actor=p.specialist, expected_version=3, now=local(2026, 3, 4, 10)
        ),
        lambda d: services.dossier_decide(
            dossier=d,
            actor=p.leader,
            expected_version=4,
            result=[result_attachment(p.leader)],
            now=local(2026, 3, 4, 14),
        ),
    ]
    for step in walk[:steps]:
        dossier = step(dossier)
    return dossier
