"""Reads of the catalogue: search, procedure details, what an agency offers,
what a configured procedure requires, expected result dates and the
standard-set difference report."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Exists, F, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from motcua.calendar import services as calendar
from motcua.catalog import search
from motcua.catalog.models import (
    Channel,
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    DocumentComponent,
    ProcedureVersion,
    StandardSet,
    StandardSetLevel,
    TimeUnit,
    VersionStatus,
)
from motcua.catalog.models import Procedure as ProcedureModel
from motcua.catalog.services import LEVEL_AGENCY_KIND, Statutory, configuration_settings
from motcua.core.errors import NotFound
from motcua.units.models import Agency, Generation

# ---------------------------------------------------------------- procedures


def _current_versions() -> QuerySet[ProcedureVersion]:
    return ProcedureVersion.objects.filter(
        status=VersionStatus.PUBLISHED, procedure__current_version_id=F("pk")
    )


@dataclass(frozen=True)
class ProcedureSearch:
    """A search's results; ``approximate`` when no procedure matched every
    word and the closest ones are shown instead."""

    results: QuerySet[ProcedureVersion]
    query: search.ParsedQuery
    approximate: bool = False


def procedure_find(
    *,
    q: str = "",
    field: str = "",
    level: str = "",
    online: str = "",
    agency: Agency | None = None,
) -> ProcedureSearch:
    """Current published versions matching ``q`` as :mod:`motcua.catalog.search`
    reads it (synonyms, spelling variants, diacritics optional) and the
    filters, best match first (by code when ``q`` is empty)."""
    qs = _current_versions().select_related("procedure")
    if field:
        qs = qs.filter(field=field)
    if level:
        qs = qs.filter(levels__contains=f",{level},")
    if online:
        qs = qs.filter(online_level=online)
    if agency is not None:
        qs = qs.filter(procedure__configured__agency=agency, procedure__configured__is_active=True)
    query = search.query_parse(q)
    results, approximate = search.filter_by_query(
        qs, query=query, text_field="search_text", name_field="name", code_field="procedure__code"
    )
    return ProcedureSearch(results=results, query=query, approximate=approximate)


def procedure_fields() -> list[str]:
    return list(_current_versions().order_by("field").values_list("field", flat=True).distinct())


def procedure_get(*, code: str) -> ProcedureVersion:
    """The current published version of procedure ``code``, with its
    processing times, fees and documents loaded."""
    version = (
        _current_versions()
        .filter(procedure__code=code)
        .select_related("procedure")
        .prefetch_related("processing_times", "fees", "documents", "procedure__eforms")
        .first()
    )
    if version is None:
        raise NotFound(_("Không tìm thấy thủ tục %(code)s.") % {"code": code})
    return version


def procedure_published_eform(*, procedure: ProcedureModel) -> dict[str, Any] | None:
    eform = procedure.eforms.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    return eform.schema if eform else None


# ----------------------------------------------------- configured procedures


def agencies_offering(*, province_code: str) -> QuerySet[Agency]:
    """Agencies of the province that offer at least one procedure (for the
    public catalogue's unit filter)."""
    offers = ConfiguredProcedure.objects.filter(agency=OuterRef("pk"), is_active=True)
    return Agency.objects.filter(
        Exists(offers),
        province__code=province_code,
        province__generation=Generation.CURRENT,
        is_active=True,
    ).order_by("name")


def agency_get(*, public_id: str) -> Agency:
    agency = Agency.objects.filter(public_id=public_id, is_active=True).first()
    if agency is None:
        raise NotFound(_("Không tìm thấy cơ quan %(id)s.") % {"id": public_id})
    return agency


def agency_procedures(*, agency: Agency) -> QuerySet[ConfiguredProcedure]:
    """What ``agency`` offers now: active configured procedures with their
    current version and national content."""
    return (
        ConfiguredProcedure.objects.filter(
            agency=agency, is_active=True, current_version__isnull=False
        )
        .select_related(
            "procedure",
            "current_version__procedure_version",
            "current_version__workflow__template",
        )
        .order_by("procedure__code")
    )


def configured_procedure_current(*, agency: Agency, code: str) -> ConfiguredProcedureVersion:
    """The configuration a new dossier at ``agency`` for procedure ``code``
    must pin."""
    version = (
        ConfiguredProcedureVersion.objects.filter(
            configured__agency=agency,
            configured__procedure__code=code,
            configured__is_active=True,
            configured__current_version_id=F("pk"),
        )
        .select_related("procedure_version__procedure", "workflow", "eform", "configured__agency")
        .first()
    )
    if version is None:
        raise NotFound(
            _("Cơ quan %(a)s không cung cấp thủ tục %(c)s.") % {"a": agency.name, "c": code}
        )
    return version


def configured_procedure_version_get(*, public_id: str) -> ConfiguredProcedureVersion:
    version = (
        ConfiguredProcedureVersion.objects.filter(public_id=public_id)
        .select_related("procedure_version__procedure", "workflow", "eform", "configured__agency")
        .first()
    )
    if version is None:
        raise NotFound(_("Không tìm thấy cấu hình thủ tục."))
    return version


def configured_procedure_version_documents(
    *, version: ConfiguredProcedureVersion
) -> list[DocumentComponent]:
    """The document components the pinned national version requires."""
    return list(version.procedure_version.documents.order_by("position"))


def configured_procedure_version_eform_schema(
    *, version: ConfiguredProcedureVersion
) -> dict[str, Any] | None:
    """The e-form schema frozen in this configuration (None = no e-form)."""
    return version.eform.schema if version.eform is not None else None


# ----------------------------------------------------------------- estimates


def estimate_result(
    *,
    days: Decimal | None,
    unit: str,
    now: datetime,
    province_code: str | None = None,
) -> datetime | None:
    """When a dossier received at ``now`` is due: ``days`` working days (or
    calendar days) by the legal calendar. None when the time is unknown."""
    if days is None:
        return None
    if unit == TimeUnit.CALENDAR_DAYS:
        return calendar.add_calendar_days(start=now, days=days, province_code=province_code)
    return calendar.add_working_days(start=now, days=days, province_code=province_code)


def procedure_estimate(
    *,
    version: ProcedureVersion,
    now: datetime,
    channel: str = Channel.ONLINE,
    province_code: str | None = None,
) -> datetime | None:
    """Expected result moment for the national version submitted at ``now``
    by ``channel`` (falls back to the shortest statutory time)."""
    times = {t.channel: t for t in version.processing_times.all()}
    chosen = times.get(channel)
    if chosen is None:
        stat = Statutory.of(version)
        return estimate_result(days=stat.days, unit=stat.unit, now=now, province_code=province_code)
    return estimate_result(days=chosen.days, unit=chosen.unit, now=now, province_code=province_code)


def configured_procedure_estimate(
    *, version: ConfiguredProcedureVersion, now: datetime
) -> datetime | None:
    agency = version.configured.agency
    return estimate_result(
        days=version.processing_days,
        unit=version.processing_unit,
        now=now,
        province_code=agency.province.code,
    )


# ----------------------------------------------------- standard set report


@dataclass
class ProcedureDifference:
    code: str
    name: str
    differences: list[str] = field(default_factory=list)


@dataclass
class AgencyDifferences:
    agency: Agency
    procedures: list[ProcedureDifference] = field(default_factory=list)


def standard_set_differences(*, standard_set: StandardSet) -> list[AgencyDifferences]:
    """Per agency of the set's level, each procedure whose current
    configuration differs from the set's defaults, and how (missing,
    processing time, fees, channels, workflow, procedure version)."""
    items = list(
        standard_set.items.select_related("procedure_version__procedure").prefetch_related(
            "procedure_version__processing_times", "procedure_version__fees"
        )
    )
    expected = {}
    for item in items:
        stat = Statutory.of(item.procedure_version)
        expected[stat.procedure_id] = (
            item,
            configuration_settings(
                stat,
                days=item.processing_days,
                channels=item.channels or None,
                fees=item.fees,
                workflow_id=item.workflow_id,
                eform_id=None,
            ),
        )
    kind = LEVEL_AGENCY_KIND[StandardSetLevel(standard_set.level)]
    agencies = list(
        Agency.objects.filter(province_id=standard_set.province_id, kind=kind, is_active=True)
        .order_by("name")
        .prefetch_related(
            Prefetch(
                "configured_procedures",
                queryset=ConfiguredProcedure.objects.filter(
                    procedure_id__in=list(expected)
                ).select_related("current_version"),
                to_attr="catalog_configured",
            )
        )
    )
    report = []
    for agency in agencies:
        have = {c.procedure_id: c for c in agency.catalog_configured}
        entry = AgencyDifferences(agency=agency)
        for proc_id, (item, want) in expected.items():
            pv = item.procedure_version
            diff = ProcedureDifference(code=pv.procedure.code, name=pv.short_name)
            configured = have.get(proc_id)
            current = configured.current_version if configured else None
            if current is None:
                diff.differences.append(_("chưa được cấu hình"))
            else:
                if current.procedure_version_id != want.procedure_version_id:
                    diff.differences.append(_("phiên bản thủ tục khác"))
                if current.processing_days != want.processing_days:
                    diff.differences.append(
                        _("thời hạn %(have)s ngày (chuẩn %(want)s)")
                        % {
                            "have": _num(current.processing_days),
                            "want": _num(want.processing_days),
                        }
                    )
                fees = [(f["name"], f["amount_vnd"]) for f in current.fees]
                if fees != [(f[0], f[1]) for f in want.fees]:
                    diff.differences.append(_("mức phí khác"))
                if tuple(current.channels) != want.channels:
                    diff.differences.append(_("cách thức nộp khác"))
                if current.workflow_id != want.workflow_id:
                    diff.differences.append(_("quy trình khác"))
            if diff.differences:
                entry.procedures.append(diff)
        if entry.procedures:
            report.append(entry)
    return report


def _num(value: Decimal | None) -> str:
    return "?" if value is None else f"{value.normalize():f}"
