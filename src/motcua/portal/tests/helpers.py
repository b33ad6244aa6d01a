"""A procedure for the portal tests: the dossier factories' three-step
procedure at commune A, with an e-form and two document components (a
required, reusable ID copy and an optional photo)."""

from __future__ import annotations

import datetime
from typing import Any

from motcua.accounts.models import Applicant, User
from motcua.catalog.models import (
    ConfiguredProcedure,
    DocumentComponent,
    EForm,
    VersionStatus,
)
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier
from motcua.dossiers.tests.factories import make_procedure, upload
from motcua.units.models import Agency

SCHEMA: dict[str, Any] = {
    "type": "object",
    "title": "Tờ khai cấp bản sao trích lục",
    "properties": {
        "ho_ten": {"type": "string", "title": "Họ và tên người yêu cầu", "minLength": 2},
        "ngay_sinh": {"type": "string", "format": "date", "title": "Ngày sinh"},
        "so_ban": {"type": "integer", "title": "Số bản sao", "minimum": 1, "maximum": 10},
    },
    "required": ["ho_ten", "ngay_sinh"],
}

GOOD_FORM = {"ho_ten": "Nguyễn Văn An", "ngay_sinh": "1990-05-17", "so_ban": "2"}


def make_portal_procedure(agency: Agency) -> ConfiguredProcedure:
    procedure = make_procedure(agency)
    cpv = procedure.current_version
    assert cpv is not None
    eform = EForm.objects.create(
        procedure=procedure.procedure, number=1, status=VersionStatus.PUBLISHED, schema=SCHEMA
    )
    cpv.eform = eform
    cpv.save(update_fields=["eform"])
    DocumentComponent.objects.create(
        version_id=cpv.procedure_version_id,
        position=1,
        name="Bản sao căn cước",
        required=True,
        reusable=True,
    )
    DocumentComponent.objects.create(
        version_id=cpv.procedure_version_id,
        position=2,
        name="Ảnh chụp giấy tờ liên quan",
        required=False,
    )
    return ConfiguredProcedure.objects.select_related(
        "agency__province",
        "current_version__workflow",
        "current_version__eform",
        "current_version__procedure_version",
    ).get(pk=procedure.pk)


def components(procedure: ConfiguredProcedure) -> list[DocumentComponent]:
    cpv = procedure.current_version
    assert cpv is not None
    return list(DocumentComponent.objects.filter(version_id=cpv.procedure_version_id))


def filed(user: User, procedure: ConfiguredProcedure) -> Dossier:
    """A dossier filed by ``user`` through the services."""
    first = components(procedure)[0]
    return services.dossier_submit(
        actor=user,
        procedure=procedure,
        applicant=Applicant.objects.get(user=user),
        form_data=GOOD_FORM,
        attachments=[Attachment(file=upload(user), component_id=first.pk)],
    )


def accepted_and_asked(
    dossier: Dossier, officer: User, *, component: DocumentComponent, text: str
) -> Dossier:
    """Accept, then the one-stop officer (holder of the first step) asks to
    supplement ``component``."""
    from motcua.dossiers.attachments import RequestedItem

    d = services.dossier_accept(dossier=dossier, actor=officer, expected_version=dossier.version)
    return services.dossier_ask_to_supplement(
        dossier=d,
        actor=officer,
        expected_version=d.version,
        reason="Hồ sơ cần bổ sung",
        requested=[RequestedItem(reason_code="illegible", text=text, component_id=component.pk)],
    )


def decided_with_result(dossier: Dossier, officer: User, specialist: User, leader: User) -> Dossier:
    d = services.dossier_accept(dossier=dossier, actor=officer, expected_version=dossier.version)
    d = services.dossier_forward(dossier=d, actor=officer, expected_version=d.version)
    d = services.dossier_forward(dossier=d, actor=specialist, expected_version=d.version)
    return services.dossier_decide(
        dossier=d,
        actor=leader,
        expected_version=d.version,
        result=[Attachment(file=upload(leader, "ket-qua.pdf"), title="Bản sao trích lục")],
    )


def now() -> datetime.datetime:
    from django.utils import timezone

    return timezone.now()


def upload_result(actor: User) -> Attachment:
    return Attachment(file=upload(actor, "ket-qua.pdf"), title="Bản sao trích lục")
