"""Every change to the catalogue. Each service is ``<entity>_<verb>(*, actor,
…)``, runs in one transaction and writes its :class:`CatalogAuditEvent` in
that transaction. Published versions (procedure, workflow, e-form) and
configured-procedure versions are never updated: a change makes a new row."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, models, transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog import eforms, workflows
from motcua.catalog.importer import ProcedureData, RowError, parse_catalog
from motcua.catalog.models import (
    CatalogAuditEvent,
    Channel,
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    DocumentComponent,
    EForm,
    Fee,
    OnlineLevel,
    ProcedureVersion,
    ProcessingTime,
    StandardSet,
    StandardSetItem,
    StandardSetLevel,
    TimeUnit,
    VersionStatus,
    WorkflowTemplate,
    WorkflowTemplateVersion,
)
from motcua.catalog.models import Procedure as ProcedureModel
from motcua.core.errors import Conflict, DomainError
from motcua.core.text import fold
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind

Actor = User | None
BATCH = 2000

# ------------------------------------------------------------------ audit


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def _audit(
    *,
    actor: Actor,
    action: str,
    obj: Any,
    before: Any = None,
    after: Any = None,
    object_id: str | None = None,
) -> CatalogAuditEvent:
    return CatalogAuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if not isinstance(obj, str) else obj,
        object_id=object_id if object_id is not None else str(getattr(obj, "pk", "")),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


# ------------------------------------------------------- procedures & import


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
        _audit(
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
        _audit(
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


def _ensure_draft(status: str) -> None:
    if status == VersionStatus.PUBLISHED:
        raise Conflict(
            _("Phiên bản đã công bố không được sửa; hãy tạo phiên bản mới."),
            code="published_immutable",
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
        _ensure_draft(locked.status)
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
        _audit(
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
        _audit(
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


# -------------------------------------------------------- workflow templates


def workflow_template_create(
    *, actor: Actor, key: str, name: str, description: str = ""
) -> WorkflowTemplate:
    with transaction.atomic():
        template = WorkflowTemplate.objects.create(key=key, name=name, description=description)
        _audit(
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
        _audit(actor=actor, action="workflow_version.create", obj=version, after=definition)
    return version


def workflow_template_version_update(
    *, actor: Actor, version: WorkflowTemplateVersion, definition: dict[str, Any]
) -> WorkflowTemplateVersion:
    with transaction.atomic():
        locked = WorkflowTemplateVersion.objects.select_for_update().get(pk=version.pk)
        _ensure_draft(locked.status)
        before = locked.definition
        locked.definition = definition
        locked.save(update_fields=["definition"])
        _audit(
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
        _ensure_draft(locked.status)
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
        _audit(
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


# --------------------------------------------------------------------- eforms


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
        _audit(actor=actor, action="eform.create", obj=eform, after={"procedure": procedure.code})
    return eform


def eform_publish(*, actor: Actor, eform: EForm) -> EForm:
    with transaction.atomic():
        locked = EForm.objects.select_for_update().get(pk=eform.pk)
        _ensure_draft(locked.status)
        locked.status = VersionStatus.PUBLISHED
        locked.published_at = timezone.now()
        locked.save(update_fields=["status", "published_at"])
        _audit(actor=actor, action="eform.publish", obj=locked, after={"status": "published"})
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


# ------------------------------------------------- configured procedures


class ConfigurationInvalid(DomainError):
    code = "configuration_invalid"
    title = "Cấu hình thủ tục không hợp lệ"


@dataclass(frozen=True)
class Statutory:
    """What the law fixes for a procedure version."""

    version_id: int
    procedure_id: int
    code: str
    days: Decimal | None
    unit: str
    channels: tuple[str, ...]
    fees: tuple[tuple[str, int | None, str], ...]
    online_level: str

    @classmethod
    def of(cls, version: ProcedureVersion) -> Statutory:
        times = list(version.processing_times.all())
        known = [t.days for t in times if t.days is not None]
        units = {t.unit for t in times}
        order = [c.value for c in Channel]
        return cls(
            version_id=version.pk,
            procedure_id=version.procedure_id,
            code=version.procedure.code,
            days=min(known) if known else None,
            unit=TimeUnit.CALENDAR_DAYS
            if TimeUnit.CALENDAR_DAYS in units
            else TimeUnit.WORKING_DAYS,
            channels=tuple(sorted({t.channel for t in times}, key=order.index)),
            fees=tuple((f.name, f.amount_vnd, f.note) for f in version.fees.all()),
            online_level=version.online_level,
        )


@dataclass(frozen=True)
class Settings:
    """The values a configured-procedure version freezes."""

    procedure_version_id: int
    processing_days: Decimal | None
    processing_unit: str
    channels: tuple[str, ...]
    fees: tuple[tuple[str, int | None, str, bool], ...]
    workflow_id: int | None
    eform_id: int | None

    def digest(self) -> str:
        days = None if self.processing_days is None else f"{self.processing_days.normalize():f}"
        blob = json.dumps(
            [
                self.procedure_version_id,
                days,
                self.processing_unit,
                list(self.channels),
                [list(f) for f in self.fees],
                self.workflow_id,
                self.eform_id,
            ],
            ensure_ascii=False,
        )
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()

    def fees_json(self) -> list[dict[str, Any]]:
        return [
            {"name": n, "amount_vnd": a, "note": note, "local": local}
            for n, a, note, local in self.fees
        ]


def _days(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _check_days(stat: Statutory, days: Decimal | None) -> list[str]:
    if days is None:
        return []
    if days <= 0:
        return [_("%(code)s: thời hạn giải quyết phải lớn hơn 0.") % {"code": stat.code}]
    if stat.days is not None and days > stat.days:
        return [
            _("%(code)s: thời hạn %(d)s ngày vượt quá thời hạn luật định %(s)s ngày.")
            % {"code": stat.code, "d": f"{days.normalize():f}", "s": f"{stat.days.normalize():f}"}
        ]
    return []


def _check_fees(stat: Statutory, local: Mapping[str, Any]) -> list[str]:
    errors = []
    national = {name: amount for name, amount, _note in stat.fees}
    for name, amount in local.items():
        if name not in national:
            errors.append(
                _("%(code)s: không có khoản phí “%(n)s”.") % {"code": stat.code, "n": name}
            )
        elif national[name] is not None:
            errors.append(
                _("%(code)s: mức “%(n)s” do trung ương quy định, tỉnh không được thay đổi.")
                % {"code": stat.code, "n": name}
            )
        elif isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
            errors.append(
                _("%(code)s: mức phí “%(n)s” phải là số nguyên không âm.")
                % {"code": stat.code, "n": name}
            )
    return errors


def _check_channels(stat: Statutory, channels: Sequence[str] | None) -> list[str]:
    if channels is None:
        return []
    if not channels:
        return [_("%(code)s: phải có ít nhất một cách thức nộp.") % {"code": stat.code}]
    bad = [c for c in channels if c not in stat.channels]
    if bad:
        return [
            _("%(code)s: cách thức %(c)s không có trong quy định của thủ tục.")
            % {"code": stat.code, "c": ", ".join(bad)}
        ]
    return []


def _check_workflow(
    stat: Statutory, workflow: WorkflowTemplateVersion | None, days: Decimal | None
) -> list[str]:
    if workflow is None:
        return []
    if workflow.status != VersionStatus.PUBLISHED:
        return [
            _("%(code)s: quy trình “%(w)s” chưa được công bố.") % {"code": stat.code, "w": workflow}
        ]
    if days is not None and workflow.budget_hours > days * workflows.HOURS_PER_DAY:
        return [
            _(
                "%(code)s: tổng thời gian các bước của quy trình (%(h)s giờ) vượt quá "
                "thời hạn %(d)s ngày làm việc (%(l)s giờ)."
            )
            % {
                "code": stat.code,
                "h": f"{workflow.budget_hours.normalize():f}",
                "d": f"{days.normalize():f}",
                "l": f"{(days * workflows.HOURS_PER_DAY).normalize():f}",
            }
        ]
    return []


def configuration_settings(
    stat: Statutory,
    *,
    days: Decimal | None,
    channels: Sequence[str] | None,
    fees: Mapping[str, int],
    workflow_id: int | None,
    eform_id: int | None,
) -> Settings:
    order = [c.value for c in Channel]
    return Settings(
        procedure_version_id=stat.version_id,
        processing_days=days if days is not None else stat.days,
        processing_unit=stat.unit,
        channels=tuple(
            sorted(set(channels if channels is not None else stat.channels), key=order.index)
        ),
        fees=tuple(
            (name, fees.get(name, amount), note, name in fees) for name, amount, note in stat.fees
        ),
        workflow_id=workflow_id,
        eform_id=eform_id,
    )


def _latest_eforms(procedure_ids: Iterable[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    for proc_id, eform_id in (
        EForm.objects.filter(procedure_id__in=list(procedure_ids), status=VersionStatus.PUBLISHED)
        .order_by("procedure_id", "number")
        .values_list("procedure_id", "pk")
    ):
        out[proc_id] = eform_id
    return out


def _new_version(configured_id: int, number: int, s: Settings) -> ConfiguredProcedureVersion:
    return ConfiguredProcedureVersion(
        configured_id=configured_id,
        number=number,
        procedure_version_id=s.procedure_version_id,
        processing_days=s.processing_days,
        processing_unit=s.processing_unit,
        channels=list(s.channels),
        fees=s.fees_json(),
        workflow_id=s.workflow_id,
        eform_id=s.eform_id,
        settings_digest=s.digest(),
    )


def _point_to_latest(configured: QuerySet[ConfiguredProcedure]) -> None:
    latest = (
        ConfiguredProcedureVersion.objects.filter(configured=OuterRef("pk"))
        .order_by("-number")
        .values("pk")[:1]
    )
    configured.update(current_version=Subquery(latest))


def configured_procedure_configure(
    *,
    actor: Actor,
    agency: Agency,
    procedure_version: ProcedureVersion,
    processing_days: Decimal | None = None,
    fees: Mapping[str, int] | None = None,
    channels: Sequence[str] | None = None,
    workflow: WorkflowTemplateVersion | None = None,
) -> ConfiguredProcedureVersion:
    """Offer ``procedure_version`` at ``agency`` with these local settings
    (None = the standard set's or the law's default). Validates against the
    law, then creates a NEW :class:`ConfiguredProcedureVersion` when anything
    differs from the current one (returned either way); existing versions,
    which dossiers pin, are never changed."""
    if procedure_version.status != VersionStatus.PUBLISHED:
        raise ConfigurationInvalid(_("Chỉ cấu hình được phiên bản thủ tục đã công bố."))
    stat = Statutory.of(procedure_version)
    fees = dict(fees or {})
    configured = (
        ConfiguredProcedure.objects.filter(agency=agency, procedure_id=stat.procedure_id)
        .select_related("current_version", "standard_set")
        .first()
    )
    item = None
    if configured is not None and configured.standard_set_id is not None:
        item = (
            StandardSetItem.objects.filter(
                standard_set_id=configured.standard_set_id,
                procedure_version__procedure_id=stat.procedure_id,
            )
            .select_related("workflow")
            .first()
        )
    base_days = item.processing_days if item else None
    base_channels = item.channels if item and item.channels else None
    base_fees = dict(item.fees) if item else {}
    chosen_workflow = workflow or (item.workflow if item else None)
    days = processing_days if processing_days is not None else base_days
    problems = (
        _check_days(stat, days)
        + _check_fees(stat, fees)
        + _check_channels(stat, channels)
        + _check_workflow(stat, chosen_workflow, days if days is not None else stat.days)
    )
    if channels and Channel.ONLINE in channels and stat.online_level == OnlineLevel.NONE:
        problems.append(
            _("%(code)s: thủ tục không được cung cấp trực tuyến.") % {"code": stat.code}
        )
    if problems:
        raise ConfigurationInvalid(" ".join(problems), errors=[{"message": p} for p in problems])
    settings = configuration_settings(
        stat,
        days=days,
        channels=channels if channels is not None else base_channels,
        fees={**base_fees, **fees},
        workflow_id=chosen_workflow.pk if chosen_workflow else None,
        eform_id=_latest_eforms([stat.procedure_id]).get(stat.procedure_id),
    )
    with transaction.atomic():
        if configured is None:
            configured = ConfiguredProcedure.objects.create(
                agency=agency, procedure_id=stat.procedure_id
            )
        else:
            configured = ConfiguredProcedure.objects.select_for_update().get(pk=configured.pk)
        before = _configured_state(configured)
        configured.local_processing_days = processing_days
        configured.local_fees = fees
        configured.local_channels = list(channels) if channels is not None else None
        configured.local_workflow = workflow
        configured.save()
        current = configured.current_version
        if current is not None and current.settings_digest == settings.digest():
            result = current
        else:
            result = _new_version(configured.pk, (current.number if current else 0) + 1, settings)
            result.save()
            configured.current_version = result
            configured.save(update_fields=["current_version"])
        _audit(
            actor=actor,
            action="configured_procedure.configure",
            obj=configured,
            before=before,
            after=_configured_state(configured),
        )
    return result


def _configured_state(c: ConfiguredProcedure) -> dict[str, Any]:
    return {
        "local_processing_days": c.local_processing_days,
        "local_fees": c.local_fees,
        "local_channels": c.local_channels,
        "local_workflow": c.local_workflow_id,
        "current_version": c.current_version_id,
    }


# ------------------------------------------------------------- standard sets

LEVEL_AGENCY_KIND = {
    StandardSetLevel.COMMUNE: AgencyKind.COMMUNE_COMMITTEE,
    StandardSetLevel.DEPARTMENT: AgencyKind.DEPARTMENT,
    StandardSetLevel.PUBLIC_SERVICE_CENTRE: AgencyKind.PUBLIC_SERVICE_CENTRE,
}


def standard_set_create(
    *,
    actor: Actor,
    name: str,
    level: str,
    province: AdministrativeUnit,
    agency: Agency | None = None,
) -> StandardSet:
    """A standard set for every agency of ``level`` in ``province`` or, with
    ``agency``, the set of that one agency (a department's own set)."""
    if agency is not None and (
        agency.province_id != province.pk
        or agency.kind != LEVEL_AGENCY_KIND[StandardSetLevel(level)]
    ):
        raise DomainError(
            _("Đơn vị được chọn không thuộc cấp và tỉnh của bộ thủ tục."),
            code="standard_set_agency_mismatch",
        )
    with transaction.atomic():
        standard_set = StandardSet.objects.create(
            name=name, level=level, province=province, agency=agency
        )
        _audit(
            actor=actor,
            action="standard_set.create",
            obj=standard_set,
            after={"name": name, "level": level, "agency": agency.public_id if agency else None},
        )
    return standard_set


def standard_set_item_problems(
    *,
    procedure_version: ProcedureVersion,
    channels: Sequence[str] | None = None,
    processing_days: Decimal | None = None,
    fees: Mapping[str, Any] | None = None,
    workflow: WorkflowTemplateVersion | None = None,
) -> list[str]:
    """Why these defaults break the law (empty list = fine)."""
    if procedure_version.status != VersionStatus.PUBLISHED:
        return [_("Chỉ đưa vào bộ chuẩn phiên bản thủ tục đã công bố.")]
    stat = Statutory.of(procedure_version)
    return (
        _check_days(stat, processing_days)
        + _check_fees(stat, fees or {})
        + _check_channels(stat, channels)
        + _check_workflow(
            stat, workflow, processing_days if processing_days is not None else stat.days
        )
    )


def standard_set_item_add(
    *,
    actor: Actor,
    standard_set: StandardSet,
    procedure_version: ProcedureVersion,
    channels: Sequence[str] | None = None,
    processing_days: Decimal | None = None,
    fees: Mapping[str, int] | None = None,
    workflow: WorkflowTemplateVersion | None = None,
) -> StandardSetItem:
    """Add (or replace) a procedure's defaults in the set, validated
    against the law."""
    problems = standard_set_item_problems(
        procedure_version=procedure_version,
        channels=channels,
        processing_days=processing_days,
        fees=fees,
        workflow=workflow,
    )
    if problems:
        raise ConfigurationInvalid(" ".join(problems), errors=[{"message": p} for p in problems])
    stat = Statutory.of(procedure_version)
    with transaction.atomic():
        StandardSetItem.objects.filter(
            standard_set=standard_set, procedure_version__procedure_id=stat.procedure_id
        ).delete()
        item = StandardSetItem.objects.create(
            standard_set=standard_set,
            procedure_version=procedure_version,
            channels=list(channels or []),
            processing_days=processing_days,
            fees=dict(fees or {}),
            workflow=workflow,
        )
        _audit(
            actor=actor,
            action="standard_set.item_add",
            obj=standard_set,
            after={
                "procedure_version": procedure_version.pk,
                "days": processing_days,
                "fees": fees,
            },
        )
    return item


def standard_set_items_changed(*, actor: Actor, standard_set: StandardSet) -> None:
    """Record, after an admin edit of the items (validated by the admin
    form with :func:`standard_set_item_problems`), the set's new content."""
    items = list(
        standard_set.items.values(
            "procedure_version_id", "channels", "processing_days", "fees", "workflow_id"
        )
    )
    _audit(actor=actor, action="standard_set.items_change", obj=standard_set, after=items)


@dataclass
class PublishReport:
    agencies: int = 0
    created: int = 0
    new_versions: int = 0
    unchanged: int = 0
    overrides_kept: int = 0
    overrides_dropped: list[str] = field(default_factory=list)


def _load_items(standard_set: StandardSet) -> list[tuple[StandardSetItem, Statutory]]:
    items = list(
        standard_set.items.select_related(
            "procedure_version__procedure", "workflow"
        ).prefetch_related("procedure_version__processing_times", "procedure_version__fees")
    )
    return [(item, Statutory.of(item.procedure_version)) for item in items]


def standard_set_publish(*, actor: Actor, standard_set: StandardSet) -> PublishReport:
    """Apply the set to every active agency of its level in its province, in
    one transaction and with bulk queries. Each agency keeps its local
    overrides that are still within the law (others are dropped and
    reported); a new configured-procedure version is created only where the
    resulting settings differ from the current one."""
    loaded = _load_items(standard_set)
    problems: list[str] = []
    for item, stat in loaded:
        if item.procedure_version.status != VersionStatus.PUBLISHED:
            problems.append(_("%(code)s: phiên bản thủ tục chưa công bố.") % {"code": stat.code})
        problems += _check_days(stat, item.processing_days)
        problems += _check_fees(stat, item.fees)
        problems += _check_channels(stat, item.channels or None)
        problems += _check_workflow(
            stat,
            item.workflow,
            item.processing_days if item.processing_days is not None else stat.days,
        )
    if problems:
        raise ConfigurationInvalid(
            _("Không thể công bố bộ thủ tục: %(p)s") % {"p": " ".join(problems)},
            errors=[{"message": p} for p in problems],
        )
    kind = LEVEL_AGENCY_KIND[StandardSetLevel(standard_set.level)]
    scope: dict[str, Any] = {
        "agency__province_id": standard_set.province_id,
        "agency__kind": kind,
        "agency__is_active": True,
    }
    targets = Agency.objects.filter(province_id=standard_set.province_id, kind=kind, is_active=True)
    if standard_set.agency_id is not None:
        scope["agency_id"] = standard_set.agency_id
        targets = targets.filter(pk=standard_set.agency_id)
    agency_ids = list(targets.order_by("pk").values_list("pk", flat=True))
    report = PublishReport(agencies=len(agency_ids))
    eform_ids = _latest_eforms(stat.procedure_id for _i, stat in loaded)
    workflow_budget = {
        w.pk: w.budget_hours
        for w in WorkflowTemplateVersion.objects.filter(
            pk__in={i.workflow_id for i, _s in loaded}
            | set(
                ConfiguredProcedure.objects.filter(
                    local_workflow__isnull=False, **scope
                ).values_list("local_workflow_id", flat=True)
            )
        )
    }
    with transaction.atomic():
        locked = StandardSet.objects.select_for_update().get(pk=standard_set.pk)
        for item, stat in loaded:
            _publish_item(locked, item, stat, agency_ids, scope, eform_ids, workflow_budget, report)
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
        _audit(
            actor=actor,
            action="standard_set.publish",
            obj=locked,
            after={
                "agencies": report.agencies,
                "created": report.created,
                "new_versions": report.new_versions,
                "unchanged": report.unchanged,
                "overrides_dropped": report.overrides_dropped[:100],
            },
        )
    return report


_EXISTING_FIELDS = (
    "pk",
    "agency_id",
    "standard_set_id",
    "local_processing_days",
    "local_fees",
    "local_channels",
    "local_workflow_id",
    "current_version__number",
    "current_version__settings_digest",
)


def _has_overrides(row: Mapping[str, Any]) -> bool:
    return (
        row["local_processing_days"] is not None
        or bool(row["local_fees"])
        or row["local_channels"] is not None
        or row["local_workflow_id"] is not None
    )


class _FastInsert:
    """Multi-row ``INSERT … VALUES (…), (…)`` for the two models a standard
    set publication writes by the hundred thousand: Django's bulk_create
    compiles every value of every row, which dominates at that size, and
    ``executemany`` sends one statement per row (slow on PostgreSQL).
    Values are prepared with each field's own ``get_db_prep_save`` so the
    same code serves SQLite and PostgreSQL."""

    def __init__(self, model: type[models.Model], fields: Sequence[str]) -> None:
        meta = model._meta
        self.fields = [meta.get_field(name) for name in fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(f.column)) for f in self.fields)  # type: ignore[union-attr]
        self.head = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES "  # noqa: S608 - quoted model identifiers
        self.row_marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        limit = connection.features.max_query_params or 65535
        self.chunk = max(1, min(1000, limit // len(self.fields)))

    def new_uuid(self) -> Any:
        """A fresh UUID as the database stores it (hex text on SQLite)."""
        value = uuid.uuid4()
        return value.hex if connection.vendor == "sqlite" else value

    def prep(self, name: str, value: Any) -> Any:
        field = next(f for f in self.fields if f.name == name)
        return field.get_db_prep_save(value, connection)  # type: ignore[union-attr]

    def run(self, rows: Sequence[Sequence[Any]]) -> None:
        if connection.vendor == "postgresql":
            self._copy(rows)
            return
        with connection.cursor() as cursor:
            for start in range(0, len(rows), self.chunk):
                batch = rows[start : start + self.chunk]
                # identifiers come from the model's metadata; values are parameters
                sql = self.head + ", ".join([self.row_marks] * len(batch))
                cursor.execute(sql, [value for row in batch for value in row])

    def _copy(self, rows: Sequence[Sequence[Any]]) -> None:
        """PostgreSQL: ``COPY … FROM STDIN`` (psycopg 3), several times
        faster than multi-row INSERTs at this size."""
        copy_sql = self.head.replace("INSERT INTO", "COPY", 1).replace(" VALUES ", " FROM STDIN")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)


def _publish_item(
    standard_set: StandardSet,
    item: StandardSetItem,
    stat: Statutory,
    agency_ids: Sequence[int],
    scope: Mapping[str, Any],
    eform_ids: Mapping[int, int],
    workflow_budget: Mapping[int, Decimal],
    report: PublishReport,
) -> None:
    in_scope = ConfiguredProcedure.objects.filter(procedure_id=stat.procedure_id, **scope)
    existing: dict[int, dict[str, Any]] = {
        values["agency_id"]: dict(values) for values in in_scope.values(*_EXISTING_FIELDS)
    }
    base = configuration_settings(
        stat,
        days=item.processing_days,
        channels=item.channels or None,
        fees=item.fees,
        workflow_id=item.workflow_id,
        eform_id=eform_ids.get(stat.procedure_id),
    )
    base_key = base.digest()

    # 1. configured procedures for agencies that have none yet
    missing = [a for a in agency_ids if a not in existing]
    if missing:
        insert = _FastInsert(
            ConfiguredProcedure,
            ["public_id", "agency", "procedure", "standard_set", "local_fees", "is_active"],
        )
        ids = (
            insert.prep("procedure", stat.procedure_id),
            insert.prep("standard_set", standard_set.pk),
        )
        no_fees, active = insert.prep("local_fees", {}), insert.prep("is_active", True)
        insert.run([(insert.new_uuid(), agency_id, *ids, no_fees, active) for agency_id in missing])
        report.created += len(missing)
    created = list(in_scope.filter(current_version__isnull=True).values_list("pk", flat=True))

    # 2. the settings each agency ends up with; new versions where they changed
    new_versions: list[tuple[int, int, Settings]] = [(pk, 1, base) for pk in created]
    dropped: list[ConfiguredProcedure] = []
    relink: list[int] = []
    for row in existing.values():
        if row["standard_set_id"] != standard_set.pk:
            relink.append(row["pk"])
        if _has_overrides(row):
            settings, kept, drop = _apply_overrides(stat, item, base, row, workflow_budget)
            report.overrides_kept += kept
            if drop:
                report.overrides_dropped += [
                    f"{row['agency_id']}:{stat.code}: {message}" for message in drop.values()
                ]
                dropped.append(
                    ConfiguredProcedure(
                        pk=row["pk"],
                        local_processing_days=None
                        if "days" in drop
                        else row["local_processing_days"],
                        local_fees={} if "fees" in drop else row["local_fees"],
                        local_channels=None if "channels" in drop else row["local_channels"],
                    )
                )
            key = settings.digest()
        else:
            settings, key = base, base_key
        current_number = row["current_version__number"]
        if current_number is not None and row["current_version__settings_digest"] == key:
            report.unchanged += 1
            continue
        new_versions.append((row["pk"], (current_number or 0) + 1, settings))

    insert = _FastInsert(
        ConfiguredProcedureVersion,
        [
            "public_id",
            "configured",
            "number",
            "procedure_version",
            "processing_days",
            "processing_unit",
            "channels",
            "fees",
            "workflow",
            "eform",
            "settings_digest",
            "created_at",
        ],
    )
    prepared: dict[int, tuple[Any, ...]] = {}
    now = insert.prep("created_at", timezone.now())
    rows = []
    for configured_id, number, settings in new_versions:
        values = prepared.get(id(settings))
        if values is None:
            values = prepared[id(settings)] = (
                insert.prep("procedure_version", settings.procedure_version_id),
                insert.prep("processing_days", settings.processing_days),
                insert.prep("processing_unit", settings.processing_unit),
                insert.prep("channels", list(settings.channels)),
                insert.prep("fees", settings.fees_json()),
                insert.prep("workflow", settings.workflow_id),
                insert.prep("eform", settings.eform_id),
                settings.digest(),
            )
        rows.append((insert.new_uuid(), configured_id, number, *values, now))
    insert.run(rows)
    report.new_versions += len(rows)
    if new_versions:
        _point_to_latest(in_scope)
    if dropped:
        ConfiguredProcedure.objects.bulk_update(
            dropped,
            ["local_processing_days", "local_fees", "local_channels"],
            batch_size=BATCH,
        )
    for start in range(0, len(relink), BATCH):
        ConfiguredProcedure.objects.filter(pk__in=relink[start : start + BATCH]).update(
            standard_set=standard_set
        )


def _apply_overrides(
    stat: Statutory,
    item: StandardSetItem,
    base: Settings,
    row: Mapping[str, Any],
    workflow_budget: Mapping[int, Decimal],
) -> tuple[Settings, bool, dict[str, str]]:
    """The set's settings with one agency's local overrides that remain
    within the law; also whether any was kept and, per dropped override
    (``days``, ``fees``, ``channels``), the reason."""
    dropped: dict[str, str] = {}
    kept = False
    days = base.processing_days
    local_days = _days(row["local_processing_days"])
    if local_days is not None:
        if _check_days(stat, local_days):
            dropped["days"] = _("thời hạn tại đơn vị vượt thời hạn luật định")
        else:
            days, kept = local_days, True
    fees = dict(item.fees)
    local_fees = row["local_fees"] or {}
    if local_fees:
        if _check_fees(stat, local_fees):
            dropped["fees"] = _("mức phí tại đơn vị không còn được phép")
        else:
            fees.update(local_fees)
            kept = True
    channels: Sequence[str] | None = base.channels
    if row["local_channels"] is not None:
        if _check_channels(stat, row["local_channels"]):
            dropped["channels"] = _("cách thức tại đơn vị không còn trong quy định")
        else:
            channels, kept = row["local_channels"], True
    workflow_id = base.workflow_id
    if row["local_workflow_id"] is not None:
        workflow_id, kept = row["local_workflow_id"], True
    budget = workflow_budget.get(workflow_id) if workflow_id else None
    if (
        budget is not None
        and days is not None
        and budget > days * workflows.HOURS_PER_DAY
        and local_days is not None
        and days == local_days
    ):
        dropped["days"] = _("thời hạn tại đơn vị ngắn hơn tổng thời gian quy trình")
        days = base.processing_days
    settings = configuration_settings(
        stat,
        days=days,
        channels=channels,
        fees=fees,
        workflow_id=workflow_id,
        eform_id=base.eform_id,
    )
    return settings, kept, dropped


# ------------------------------------------------------------ search synonyms


def synonyms_load(*, path: Path) -> int:
    """Replace the search synonyms with the rows of the CSV at ``path``
    (columns ``cum_tu``, ``thay_bang``, optional ``ghi_chu``), all or
    nothing; returns the number of rows. Phrases are stored folded."""
    import csv

    from motcua.catalog.models import SearchSynonym
    from motcua.core.text import query_words

    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if not reader.fieldnames or not {"cum_tu", "thay_bang"} <= set(reader.fieldnames):
                raise DomainError(
                    _("Tệp %(path)s phải có các cột cum_tu, thay_bang.") % {"path": path},
                    code="synonyms_header",
                )
            rows: dict[str, SearchSynonym] = {}
            for line, raw in enumerate(reader, start=2):
                phrase = " ".join(query_words(raw.get("cum_tu") or ""))
                if not phrase:
                    raise DomainError(
                        _("Dòng %(n)d: cụm từ trống.") % {"n": line}, code="synonyms_row"
                    )
                if phrase in rows:
                    raise DomainError(
                        _("Dòng %(n)d: cụm từ “%(p)s” đã có ở dòng trước.")
                        % {"n": line, "p": phrase},
                        code="synonyms_row",
                    )
                rows[phrase] = SearchSynonym(
                    phrase=phrase,
                    replacement=" ".join(query_words(raw.get("thay_bang") or "")),
                    note=(raw.get("ghi_chu") or "").strip()[:200],
                )
    except OSError as exc:
        raise DomainError(
            _("Không đọc được tệp %(path)s: %(err)s") % {"path": path, "err": exc.strerror},
            code="synonyms_file",
        ) from exc
    with transaction.atomic():
        SearchSynonym.objects.all().delete()
        SearchSynonym.objects.bulk_create(rows.values())
    return len(rows)
