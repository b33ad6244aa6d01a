"""Public, read-only API over the administrative units and agencies
(mounted at ``/api/v1/units/``). Handlers only parse, call a selector and
serialise."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from motcua.units import selectors
from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

router = Router(tags=["Đơn vị hành chính"])


# --------------------------------------------------------------------------
# Input schemas


class UnitSearchIn(Schema):
    q: str = Field("", max_length=100, description="Tên, có hoặc không dấu")
    level: Level | None = None
    generation: Generation | None = Field(
        Generation.CURRENT, description="'2025' (từ 01/7/2025) hoặc 'legacy'"
    )
    province: str | None = Field(
        None, pattern=r"^\d{2}$", description="Mã tỉnh (2 chữ số) cùng thế hệ"
    )
    limit: int = Field(20, ge=1, le=selectors.MAX_LIMIT)


class AgencySearchIn(Schema):
    q: str = Field("", max_length=100, description="Tên (có hoặc không dấu) hoặc mã định danh")
    province: str | None = Field(None, pattern=r"^\d{2}$", description="Mã tỉnh hiện hành")
    limit: int = Field(20, ge=1, le=selectors.MAX_LIMIT)


# --------------------------------------------------------------------------
# Output schemas


class UnitRefOut(Schema):
    generation: Generation
    level: Level
    code: str
    name: str

    @staticmethod
    def from_unit(unit: AdministrativeUnit) -> UnitRefOut:
        return UnitRefOut(
            generation=Generation(unit.generation),
            level=Level(unit.level),
            code=unit.code,
            name=unit.name,
        )


class UnitOut(UnitRefOut):
    division_type: str
    province_code: str | None
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    @staticmethod
    def from_model(unit: AdministrativeUnit) -> UnitOut:
        return UnitOut(
            **UnitRefOut.from_unit(unit).dict(),
            division_type=unit.division_type,
            province_code=unit.province.code if unit.province else None,
            valid_from=unit.valid_from,
            valid_to=unit.valid_to,
        )


class UnitLinkOut(Schema):
    unit: UnitRefOut
    partial: bool = Field(description="Chỉ một phần địa bàn của đơn vị cũ")


class UnitDetailOut(UnitOut):
    parent: UnitRefOut | None
    province: UnitRefOut | None
    successors: list[UnitLinkOut]
    predecessors: list[UnitLinkOut]


class AgencyOut(Schema):
    public_id: str
    name: str
    short_name: str
    kind: AgencyKind
    e_identifier: str | None
    area: UnitRefOut
    province_code: str

    @staticmethod
    def from_model(agency: Agency) -> AgencyOut:
        return AgencyOut(
            public_id=agency.public_id,
            name=agency.name,
            short_name=agency.short_name,
            kind=AgencyKind(agency.kind),
            e_identifier=agency.e_identifier,
            area=UnitRefOut.from_unit(agency.area),
            province_code=agency.province.code,
        )


def _links(links: list[selectors.UnitLink]) -> list[UnitLinkOut]:
    return [UnitLinkOut(unit=UnitRefOut.from_unit(x.unit), partial=x.partial) for x in links]


# --------------------------------------------------------------------------
# Endpoints


@router.get("/search", response=list[UnitOut], summary="Tìm đơn vị hành chính theo tên")
def search_units(request: HttpRequest, filters: Query[UnitSearchIn]) -> list[UnitOut]:
    units = selectors.unit_search(
        query=filters.q,
        level=filters.level,
        generation=filters.generation,
        province_code=filters.province,
        limit=filters.limit,
    )
    return [UnitOut.from_model(unit) for unit in units]


@router.get("/agencies", response=list[AgencyOut], summary="Tìm cơ quan, đơn vị")
def search_agencies(request: HttpRequest, filters: Query[AgencySearchIn]) -> list[AgencyOut]:
    agencies = selectors.agency_search(
        query=filters.q, province_code=filters.province, limit=filters.limit
    )
    return [AgencyOut.from_model(agency) for agency in agencies]


@router.get(
    "/{generation}/{code}",
    response=UnitDetailOut,
    summary="Chi tiết đơn vị hành chính, kèm đơn vị tiền thân và kế thừa",
)
def get_unit(request: HttpRequest, generation: Generation, code: str) -> UnitDetailOut:
    unit = selectors.unit_get(generation=generation, code=code)
    return UnitDetailOut(
        **UnitOut.from_model(unit).dict(),
        parent=UnitRefOut.from_unit(unit.parent) if unit.parent else None,
        province=UnitRefOut.from_unit(unit.province) if unit.province else None,
        successors=_links(selectors.unit_successors(unit=unit)),
        predecessors=_links(selectors.unit_predecessors(unit=unit)),
    )
