"""Per-process caches of what a dossier pins for its whole life.

A dossier pins one ConfiguredProcedureVersion and a published version never
changes, so the version, its workflow graph, procedure version (name, code),
e-form and processing time are cached per process by id: the hot paths load
the dossier row without joins. Agencies can be renamed, so they are cached for
:data:`AGENCY_TTL` seconds only. Saving or deleting any of these rows in this
process empties the caches (and ``attachments.components_of.cache_clear()``
does too: tests reuse row ids after a rollback).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext as _

from motcua.catalog.models import (
    ConfiguredProcedureVersion,
    DocumentComponent,
    EForm,
    ProcedureVersion,
    ProcessingTime,
    VersionStatus,
    WorkflowTemplateVersion,
)
from motcua.catalog.workflows import Graph, Step, parse_graph
from motcua.core.errors import DomainError
from motcua.dossiers import attachments as files
from motcua.dossiers.models import Channel, Dossier
from motcua.units.models import Agency


@lru_cache(maxsize=256)
def _parse_cached(workflow_id: int, definition_json: str) -> Graph | None:
    graph, _errors = parse_graph(json.loads(definition_json))
    return graph


#
# A dossier pins one ConfiguredProcedureVersion for its whole life and a
# published version never changes, so the version, its workflow graph,
# procedure version (name, code), e-form and processing time are cached per
# process by id: the hot paths load the dossier row without joins. Agencies
# can be renamed, so they are cached for AGENCY_TTL seconds only. Saving or
# deleting any of these rows in this process empties the caches (and
# ``attachments.components_of.cache_clear()`` does too: tests reuse row ids
# after a rollback).

#: Large catalogue columns a dossier never needs.
VERSION_DEFERRED = tuple(
    f"procedure_version__{name}"
    for name in (
        "search_text",
        "processing_note",
        "fees_note",
        "result",
        "legal_basis",
        "sources",
        "agency_text",
    )
)


#: Seconds an agency row (name, public id) is reused from memory.
AGENCY_TTL = 60.0


@dataclass
class _Pinned:
    cpv: ConfiguredProcedureVersion
    graph: Graph | None
    processing: dict[str, tuple[Decimal, str]] = field(default_factory=dict)


_PINNED: dict[int, _Pinned] = {}


_AGENCIES: dict[int, tuple[float, Agency]] = {}


def clear_caches() -> None:
    """Forget every cached version, graph and agency (this process)."""
    _PINNED.clear()
    _AGENCIES.clear()
    _parse_cached.cache_clear()


files.components_of.clear_hooks.append(clear_caches)


def _on_catalog_change(**_kwargs: Any) -> None:
    clear_caches()


for _model in (
    ConfiguredProcedureVersion,
    WorkflowTemplateVersion,
    ProcedureVersion,
    EForm,
    ProcessingTime,
    DocumentComponent,
    Agency,
):
    post_save.connect(_on_catalog_change, sender=_model, dispatch_uid=f"dossiers-cache-{_model}")
    post_delete.connect(
        _on_catalog_change, sender=_model, dispatch_uid=f"dossiers-cache-del-{_model}"
    )


def _pinned(cpv_id: int) -> _Pinned:
    entry = _PINNED.get(cpv_id)
    if entry is not None:
        return entry
    cpv = (
        ConfiguredProcedureVersion.objects.select_related("workflow", "procedure_version", "eform")
        .defer(*VERSION_DEFERRED)
        .get(pk=cpv_id)
    )
    graph = None
    if cpv.workflow is not None:
        graph, _errors = parse_graph(cpv.workflow.definition)
    entry = _Pinned(cpv=cpv, graph=graph)
    if cpv.workflow is None or cpv.workflow.status == VersionStatus.PUBLISHED:
        if len(_PINNED) >= 4096:
            _PINNED.clear()
        _PINNED[cpv_id] = entry
    return entry


def pinned_version(cpv_id: int) -> ConfiguredProcedureVersion:
    """The configured procedure version ``cpv_id`` with its workflow,
    procedure version and e-form (cached per process)."""
    return _pinned(cpv_id).cpv


def remember_loaded(cpv: ConfiguredProcedureVersion, agency: Agency) -> None:
    """Seed the caches with the rows a submission already loaded (the
    version with its workflow and procedure version, the receiving agency),
    so the reads and actions that follow start warm."""
    if cpv.pk not in _PINNED:
        cpv_fields = ConfiguredProcedureVersion._meta
        if all(
            cpv_fields.get_field(name).is_cached(cpv)  # type: ignore[union-attr]
            for name in ("workflow", "procedure_version", "eform")
        ):
            workflow = cpv.workflow
            if workflow is None or workflow.status == VersionStatus.PUBLISHED:
                graph = parse_graph(workflow.definition)[0] if workflow is not None else None
                _PINNED[cpv.pk] = _Pinned(cpv=cpv, graph=graph)
        else:
            _pinned(cpv.pk)
    if agency.pk not in _AGENCIES:
        _AGENCIES[agency.pk] = (time.monotonic(), agency)


def pinned_graph(cpv_id: int) -> Graph | None:
    """The parsed workflow of the pinned version ``cpv_id`` (None when it
    has none or it is invalid)."""
    return _pinned(cpv_id).graph


def agencies_by_id(ids: Sequence[int | None]) -> dict[int, Agency]:
    """The agencies ``ids`` (one query for those not cached in the last
    :data:`AGENCY_TTL` seconds; none when all are)."""
    now = time.monotonic()
    found: dict[int, Agency] = {}
    missing = []
    for pk in ids:
        if pk is None or pk in found:
            continue
        hit = _AGENCIES.get(pk)
        if hit is not None and now - hit[0] < AGENCY_TTL:
            found[pk] = hit[1]
        else:
            missing.append(pk)
    if missing:
        if len(_AGENCIES) >= 8192:
            _AGENCIES.clear()
        for agency in Agency.objects.filter(pk__in=missing):
            _AGENCIES[agency.pk] = (now, agency)
            found[agency.pk] = agency
    return found


_RELATED_AGENCIES = ("receiving_agency", "processing_agency", "holder_agency")


def attach_related(dossier: Dossier) -> Dossier:
    """Fill ``dossier``'s configured procedure version (with workflow and
    procedure version) and its receiving, processing and holding agencies
    from the caches, so reading them costs no query."""
    fields = Dossier._meta
    cpv_field = fields.get_field("configured_procedure_version")
    if not cpv_field.is_cached(dossier):
        cpv_field.set_cached_value(dossier, pinned_version(dossier.configured_procedure_version_id))
    wanted = [
        name
        for name in _RELATED_AGENCIES
        if not fields.get_field(name).is_cached(dossier)  # type: ignore[union-attr]
    ]
    if wanted:
        agencies = agencies_by_id([getattr(dossier, f"{name}_id") for name in wanted])
        for name in wanted:
            pk = getattr(dossier, f"{name}_id")
            fields.get_field(name).set_cached_value(  # type: ignore[union-attr]
                dossier, agencies.get(pk) if pk is not None else None
            )
    return dossier


def workflow_graph(cpv: ConfiguredProcedureVersion) -> Graph:
    """The pinned workflow of a configured procedure version (published
    workflow versions are immutable, so the parsed graph is cached)."""
    entry = _PINNED.get(cpv.pk) if cpv.pk is not None else None
    if entry is not None:
        graph = entry.graph
        if graph is None:
            raise DomainError(
                _("Quy trình xử lý của thủ tục không hợp lệ.")
                if entry.cpv.workflow is not None
                else _("Thủ tục chưa được gắn quy trình xử lý."),
                code="workflow_invalid" if entry.cpv.workflow is not None else "workflow_missing",
            )
        return graph
    workflow = cpv.workflow
    if workflow is None:
        raise DomainError(_("Thủ tục chưa được gắn quy trình xử lý."), code="workflow_missing")
    graph = _parse_cached(workflow.pk, json.dumps(workflow.definition, sort_keys=True))
    if graph is None:
        raise DomainError(_("Quy trình xử lý của thủ tục không hợp lệ."), code="workflow_invalid")
    return graph


def dossier_graph(dossier: Dossier) -> Graph:
    """The workflow graph ``dossier`` pinned."""
    return workflow_graph(_pinned(dossier.configured_procedure_version_id).cpv)


def graph_step(graph: Graph, key: str) -> Step:
    """The step ``key`` of ``graph`` (``step_unknown`` when it has none)."""
    for step in graph.steps:
        if step.key == key:
            return step
    raise DomainError(
        _("Bước “%(key)s” không có trong quy trình.") % {"key": key}, code="step_unknown"
    )


#: The catalogue's channel names for a dossier's channel.
CHANNEL_TO_CATALOG = {Channel.ONLINE: "online", Channel.COUNTER: "in_person", Channel.POST: "post"}


def processing_time_of(cpv: ConfiguredProcedureVersion, channel: str) -> tuple[Decimal, str]:
    """(days, unit) for ``channel``: the configured version's, else the procedure
    version's for the channel (cached with the pinned version)."""
    if cpv.processing_days is not None:
        return cpv.processing_days, cpv.processing_unit
    entry = _PINNED.get(cpv.pk)
    if entry is not None and channel in entry.processing:
        return entry.processing[channel]
    row = (
        ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id,
            channel=CHANNEL_TO_CATALOG.get(Channel(channel), "online"),
            days__isnull=False,
        ).first()
        or ProcessingTime.objects.filter(
            version_id=cpv.procedure_version_id, days__isnull=False
        ).first()
    )
    if row is None or row.days is None:
        raise DomainError(
            _("Thủ tục chưa có thời hạn giải quyết nên không thể hẹn ngày trả kết quả."),
            code="processing_time_unknown",
        )
    if entry is not None:
        entry.processing[channel] = (row.days, row.unit)
    return row.days, row.unit
