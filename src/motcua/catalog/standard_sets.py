"""Standard procedure sets: the list a level of agencies offers, checked item
by item and published in one action to every agency of that level (bulk
inserts, existing local overrides kept).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import workflows
from motcua.catalog.changes import Actor, audit_record
from motcua.catalog.configuration import (
    ConfigurationInvalid,
    Settings,
    Statutory,
    check_channels,
    check_days,
    check_fees,
    check_workflow,
    configuration_settings,
    latest_eforms,
    parse_days,
    point_to_latest,
)
from motcua.catalog.models import (
    ConfiguredProcedure,
    ConfiguredProcedureVersion,
    ProcedureVersion,
    StandardSet,
    StandardSetItem,
    StandardSetLevel,
    VersionStatus,
    WorkflowTemplateVersion,
)
from motcua.core.errors import DomainError
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind

BATCH = 2000


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
        audit_record(
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
        check_days(stat, processing_days)
        + check_fees(stat, fees or {})
        + check_channels(stat, channels)
        + check_workflow(
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
        audit_record(
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
    audit_record(actor=actor, action="standard_set.items_change", obj=standard_set, after=items)


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
        problems += check_days(stat, item.processing_days)
        problems += check_fees(stat, item.fees)
        problems += check_channels(stat, item.channels or None)
        problems += check_workflow(
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
    eform_ids = latest_eforms(stat.procedure_id for _i, stat in loaded)
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
        audit_record(
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
        point_to_latest(in_scope)
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
    local_days = parse_days(row["local_processing_days"])
    if local_days is not None:
        if check_days(stat, local_days):
            dropped["days"] = _("thời hạn tại đơn vị vượt thời hạn luật định")
        else:
            days, kept = local_days, True
    fees = dict(item.fees)
    local_fees = row["local_fees"] or {}
    if local_fees:
        if check_fees(stat, local_fees):
            dropped["fees"] = _("mức phí tại đơn vị không còn được phép")
        else:
            fees.update(local_fees)
            kept = True
    channels: Sequence[str] | None = base.channels
    if row["local_channels"] is not None:
        if check_channels(stat, row["local_channels"]):
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
