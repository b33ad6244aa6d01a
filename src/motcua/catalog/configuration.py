"""A configured procedure at one agency: the statutory limits an agency's
settings must keep (days, fees, channels, workflow) and
:func:`configured_procedure_configure`, which writes a new immutable
configured version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.translation import gettext as _

from motcua.catalog import workflows
from motcua.catalog.changes import Actor, audit_record
from motcua.catalog.models import (
    Channel,
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    EForm,
    OnlineLevel,
    ProcedureVersion,
    StandardSetItem,
    TimeUnit,
    VersionStatus,
    WorkflowTemplateVersion,
)
from motcua.core.errors import DomainError
from motcua.units.models import Agency


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


def parse_days(value: Any) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def check_days(stat: Statutory, days: Decimal | None) -> list[str]:
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


def check_fees(stat: Statutory, local: Mapping[str, Any]) -> list[str]:
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


def check_channels(stat: Statutory, channels: Sequence[str] | None) -> list[str]:
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


def check_workflow(
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


def latest_eforms(procedure_ids: Iterable[int]) -> dict[int, int]:
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


def point_to_latest(configured: QuerySet[ConfiguredProcedure]) -> None:
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
        check_days(stat, days)
        + check_fees(stat, fees)
        + check_channels(stat, channels)
        + check_workflow(stat, chosen_workflow, days if days is not None else stat.days)
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
        eform_id=latest_eforms([stat.procedure_id]).get(stat.procedure_id),
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
        audit_record(
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
