"""National procedures and their versions: create, edit a draft, publish
(one current version per procedure), and the import of the national
catalogue (JSON or CSV, all-or-nothing with row-level errors).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog.changes import Actor, audit_record, ensure_draft
from motcua.catalog.importer import ProcedureData, RowError, parse_catalog
from motcua.catalog.models import (
    DocumentComponent,
    Fee,
    ProcedureVersion,
    ProcessingTime,
    VersionStatus,
)
from motcua.catalog.models import Procedure as ProcedureModel
from motcua.core.errors import Conflict, DomainError
from motcua.core.text import fold


class CatalogImportError(DomainError):
    code = "catalog_invalid"
    title = "Tệp danh mục thủ tục không hợp lệ"

    def __init__(self, row_errors: Sequence[RowError]) -> None:
        lines = "\n".join(str(e) for e in row_errors)
        super().__init__(
            _("Tệp danh mục có %(n)d lỗi; không có thay đổi nào được ghi.\n%(lines)s")
            % {"n": len(row_errors), "lines": lines},
            errors=[e.as_dict() for e in row_errors],
        )
        self.row_errors = list(row_errors)


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.added)} thêm mới, {len(self.changed)} thay đổi, "
            f"{len(self.unchanged)} không đổi"
        )


def _search_text(data: ProcedureData) -> str:
    return fold(" ".join([data.code, data.name, data.short_name, data.field, data.ministry]))


def _levels_text(data: ProcedureData) -> str:
    levels = [data.level, *[lv for lv in data.other_levels if lv != data.level]]
    return "," + ",".join(levels) + ","


def _version_from_data(
    procedure: ProcedureModel, number: int, data: ProcedureData
) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        status=VersionStatus.DRAFT,
        name=data.name,
        short_name=data.short_name,
        field=data.field,
        ministry=data.ministry,
        level=data.level,
        levels=_levels_text(data),
        agency_text=data.agency_text,
        processing_note=data.processing_note,
        fees_note=data.fees_note,
        result=data.result,
        legal_basis=data.legal_basis,
        announced_by=data.announced_by,
        online_level=data.online_level,
        sources=data.sources,
        code_confidence=data.code_confidence,
        details_confidence=data.details_confidence,
        search_text=_search_text(data),
        content_hash=data.content_hash(),
    )
    ProcessingTime.objects.bulk_create(
        ProcessingTime(version=version, channel=p.channel, days=p.days, unit=p.unit, note=p.note)
        for p in data.processing
    )
    Fee.objects.bulk_create(
        Fee(version=version, position=i, name=f.name, amount_vnd=f.amount_vnd, note=f.note)
        for i, f in enumerate(data.fees)
    )
    DocumentComponent.objects.bulk_create(
        DocumentComponent(
            version=version,
            position=i,
            name=d.name,
            copies=d.copies,
            original_required=d.original_required,
            required=d.required,
            form_ref=d.form_ref,
            mode=d.mode,
            reusable=d.reusable,
            note=d.note,
        )
        for i, d in enumerate(data.documents)
    )
    return version


def _publish_version(version: ProcedureVersion) -> None:
    now = timezone.now()
    version.status = VersionStatus.PUBLISHED
    version.published_at = now
    if version.valid_from is None:
        version.valid_from = timezone.localdate(now)
    version.save(update_fields=["status", "published_at", "valid_from"])
    current = version.procedure.current_version
    if current is None or current.number < version.number:
        ProcedureModel.objects.filter(pk=version.procedure_id).update(current_version=version)
        version.procedure.current_version = version


def procedure_version_create(
    *, actor: Actor, data: ProcedureData, publish: bool = False
) -> ProcedureVersion:
    """Create a new version of procedure ``data.code`` (the procedure too, if
    new). Never touches an existing version."""
    with transaction.atomic():
        procedure, _created = ProcedureModel.objects.get_or_create(code=data.code)
        last = procedure.versions.order_by("-number").values_list("number", flat=True).first()
        version = _version_from_data(procedure, (last or 0) + 1, data)
        if publish:
            _publish_version(version)
        audit_record(
            actor=actor,
            action="procedure_version.create",
            obj=version,
            after={"code": data.code, "number": version.number, "status": version.status},
        )
    return version


def procedure_version_publish(*, actor: Actor, version: ProcedureVersion) -> ProcedureVersion:
    with transaction.atomic():
        locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status == VersionStatus.PUBLISHED:
            raise Conflict(_("Phiên bản này đã được công bố."), code="already_published")
        _publish_version(locked)
        audit_record(
            actor=actor,
            action="procedure_version.publish",
            obj=locked,
            before={"status": VersionStatus.DRAFT},
            after={"status": VersionStatus.PUBLISHED},
        )
    return locked


#: Fields of a draft version that :func:`procedure_version_update` may change.
EDITABLE_VERSION_FIELDS = frozenset(
    {
        "name",
        "short_name",
        "field",
        "ministry",
        "agency_text",
        "processing_note",
        "fees_note",
        "result",
        "legal_basis",
        "announced_by",
        "online_level",
        "valid_from",
        "valid_to",
    }
)


def procedure_version_update(
    *, actor: Actor, version: ProcedureVersion, changes: Mapping[str, Any]
) -> ProcedureVersion:
    """Edit a draft version. A published version raises ``Conflict``."""
    unknown = set(changes) - EDITABLE_VERSION_FIELDS
    if unknown:
        raise DomainError(
            _("Không sửa được các trường: %(f)s") % {"f": ", ".join(sorted(unknown))},
            code="field_not_editable",
        )
    with transaction.atomic():
        locked = ProcedureVersion.objects.select_for_update().get(pk=version.pk)
        ensure_draft(locked.status)
        before = {k: getattr(locked, k) for k in changes}
        for key, value in changes.items():
            setattr(locked, key, value)
        locked.search_text = fold(
            " ".join(
                [
                    locked.procedure.code,
                    locked.name,
                    locked.short_name,
                    locked.field,
                    locked.ministry,
                ]
            )
        )
        locked.save()
        audit_record(
            actor=actor,
            action="procedure_version.update",
            obj=locked,
            before=before,
            after=dict(changes),
        )
    return locked


def catalog_import(*, actor: Actor, payload: Any, publish: bool = True) -> ImportReport:
    """Import a catalogue file (schema_version 1). Validates every record
    first; on any error raises :class:`CatalogImportError` and writes
    nothing. A changed record gets a new version; unchanged ones are left."""
    records, errors = parse_catalog(payload)
    if errors:
        raise CatalogImportError(errors)
    report = ImportReport()
    with transaction.atomic():
        procedures = {p.code: p for p in ProcedureModel.objects.all()}
        latest: dict[int, str] = {}
        for proc_id, content_hash in ProcedureVersion.objects.order_by(
            "procedure_id", "number"
        ).values_list("procedure_id", "content_hash"):
            latest[proc_id] = content_hash
        for record in records:
            existing = procedures.get(record.code)
            if existing is None:
                report.added.append(record.code)
            elif latest.get(existing.pk) == record.content_hash():
                report.unchanged.append(record.code)
                continue
            else:
                report.changed.append(record.code)
            procedure_version_create(actor=actor, data=record, publish=publish)
        audit_record(
            actor=actor,
            action="catalog.import",
            obj="Catalog",
            object_id="catalog",
            after={
                "added": report.added,
                "changed": report.changed,
                "unchanged": len(report.unchanged),
            },
        )
    return report


def catalog_import_file(*, actor: Actor, path: Path, publish: bool = True) -> ImportReport:
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError(_("Không đọc được tệp %(p)s: %(e)s") % {"p": path, "e": exc}) from exc
    except json.JSONDecodeError as exc:
        raise CatalogImportError(
            [RowError(None, "", f"dòng {exc.lineno}", f"JSON không hợp lệ: {exc.msg}")]
        ) from exc
    return catalog_import(actor=actor, payload=payload, publish=publish)
