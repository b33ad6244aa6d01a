"""Public, read-only catalogue API (mounted at ``/api/v1/catalog/``).
Handlers parse, call one selector and serialise; errors are problem+json
via :mod:`motcua.core.errors`."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema

from motcua.catalog import selectors
from motcua.catalog.models import (
    ConfiguredProcedure,
    ImplementingLevel,
    OnlineLevel,
    ProcedureVersion,
)
from motcua.catalog.services import Statutory
from motcua.core.errors import DomainError

router = Router(tags=["Danh mục thủ tục"])
MAX_LIMIT = settings.MOTCUA_PAGE_SIZE_MAX
MAX_OFFSET = settings.MOTCUA_PAGE_OFFSET_MAX

# --------------------------------------------------------------------------
# Input schemas


class ProcedureSearchIn(Schema):
    q: str = Field("", max_length=200, description="Tên hoặc mã, có hoặc không dấu")
    field: str = Field("", max_length=200, description="Lĩnh vực (đúng tên)")
    level: ImplementingLevel | None = None
    online: OnlineLevel | None = None
    limit: int = Field(50, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class EstimateIn(Schema):
    agency: str | None = Field(None, max_length=60, description="Mã công khai của cơ quan")
    at: datetime.datetime | None = Field(
        None, description="Thời điểm nộp (ISO 8601); mặc định là bây giờ"
    )


# --------------------------------------------------------------------------
# Output schemas


class ProcessingTimeOut(Schema):
    channel: str
    days: Decimal | None
    unit: str
    note: str


class FeeOut(Schema):
    name: str
    channel: str
    amount_vnd: int | None = Field(description="null: do HĐND tỉnh quy định hoặc chưa rõ")
    note: str


class DocumentOut(Schema):
    id: int = Field(description="id của thành phần hồ sơ (dùng khi nộp: documents[].component)")
    name: str
    copies: int
    original_required: bool
    required: bool
    form_ref: str
    mode: str
    reusable: bool
    note: str


class ProcedureSummaryOut(Schema):
    code: str
    version: int
    name: str
    short_name: str
    field: str
    level: str
    levels: list[str]
    online_level: str

    @staticmethod
    def build(v: ProcedureVersion) -> dict[str, Any]:
        return {
            "code": v.procedure.code,
            "version": v.number,
            "name": v.name,
            "short_name": v.short_name,
            "field": v.field,
            "level": v.level,
            "levels": [lv for lv in v.levels.split(",") if lv],
            "online_level": v.online_level,
        }


class ProcedureListOut(Schema):
    count: int
    items: list[ProcedureSummaryOut]


class ProcedureOut(ProcedureSummaryOut):
    ministry: str
    agency: str
    result: str
    processing_note: str
    fees_note: str
    legal_basis: list[str]
    announced_by: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None
    processing_times: list[ProcessingTimeOut]
    fees: list[FeeOut]
    documents: list[DocumentOut]
    eform: dict[str, Any] | None = Field(description="Lược đồ biểu mẫu điện tử")


class ConfiguredProcedureOut(Schema):
    id: str = Field(description="Mã công khai của thủ tục tại đơn vị")
    configuration_version_id: str = Field(
        description="Phiên bản cấu hình hiện hành (hồ sơ mới ghim vào đây)"
    )
    configuration_version: int
    code: str
    short_name: str
    procedure_version: int
    processing_days: Decimal | None
    processing_unit: str
    channels: list[str]
    fees: list[dict[str, Any]]
    workflow: str | None
    has_eform: bool


class EstimateOut(Schema):
    code: str
    agency: str | None
    submitted_at: datetime.datetime
    processing_days: Decimal | None
    processing_unit: str
    expected_at: datetime.datetime | None = Field(description="null: chưa rõ thời hạn")


# --------------------------------------------------------------------------
# Handlers


@router.get("/procedures", response=ProcedureListOut, summary="Tìm thủ tục")
def procedure_list(request: HttpRequest, filters: Query[ProcedureSearchIn]) -> dict[str, Any]:
    qs = selectors.procedure_find(
        q=filters.q,
        field=filters.field,
        level=filters.level.value if filters.level else "",
        online=filters.online.value if filters.online else "",
    ).results
    items = qs[filters.offset : filters.offset + filters.limit]
    return {"count": qs.count(), "items": [ProcedureSummaryOut.build(v) for v in items]}


@router.get("/procedures/{code}", response=ProcedureOut, summary="Chi tiết thủ tục")
def procedure_detail(request: HttpRequest, code: str) -> dict[str, Any]:
    v = selectors.procedure_get(code=code)
    return {
        **ProcedureSummaryOut.build(v),
        "ministry": v.ministry,
        "agency": v.agency_text,
        "result": v.result,
        "processing_note": v.processing_note,
        "fees_note": v.fees_note,
        "legal_basis": v.legal_basis,
        "announced_by": v.announced_by,
        "valid_from": v.valid_from,
        "valid_to": v.valid_to,
        "processing_times": list(v.processing_times.all()),
        "fees": list(v.fees.all()),
        "documents": list(v.documents.all()),
        "eform": selectors.procedure_published_eform(procedure=v.procedure),
    }


def _configured_out(c: ConfiguredProcedure) -> dict[str, Any]:
    cv = c.current_version
    assert cv is not None
    return {
        "id": str(c.public_id),
        "configuration_version_id": str(cv.public_id),
        "configuration_version": cv.number,
        "code": c.procedure.code,
        "short_name": cv.procedure_version.short_name,
        "procedure_version": cv.procedure_version.number,
        "processing_days": cv.processing_days,
        "processing_unit": cv.processing_unit,
        "channels": cv.channels,
        "fees": cv.fees,
        "workflow": (
            f"{cv.workflow.template.key} v{cv.workflow.number}" if cv.workflow is not None else None
        ),
        "has_eform": cv.eform_id is not None,
    }


@router.get(
    "/agencies/{public_id}/procedures",
    response=list[ConfiguredProcedureOut],
    summary="Thủ tục cơ quan cung cấp",
)
def agency_procedures(request: HttpRequest, public_id: str) -> list[dict[str, Any]]:
    agency = selectors.agency_get(public_id=public_id)
    return [_configured_out(c) for c in selectors.agency_procedures(agency=agency)]


@router.get(
    "/procedures/{code}/estimate",
    response=EstimateOut,
    summary="Thời điểm dự kiến có kết quả",
)
def procedure_estimate(
    request: HttpRequest, code: str, params: Query[EstimateIn]
) -> dict[str, Any]:
    at = params.at or timezone.now()
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    if at.year < 2000 or at.year > 2100:
        raise DomainError("Thời điểm nộp nằm ngoài khoảng hỗ trợ.", code="at_out_of_range")
    if params.agency:
        agency = selectors.agency_get(public_id=params.agency)
        configured = selectors.configured_procedure_current(agency=agency, code=code)
        expected = selectors.configured_procedure_estimate(version=configured, now=at)
        days, unit = configured.processing_days, configured.processing_unit
    else:
        version = selectors.procedure_get(code=code)
        expected = selectors.procedure_estimate(version=version, now=at)
        stat = Statutory.of(version)
        days, unit = stat.days, stat.unit
    return {
        "code": code,
        "agency": params.agency,
        "submitted_at": at,
        "processing_days": days,
        "processing_unit": unit,
        "expected_at": expected,
    }
