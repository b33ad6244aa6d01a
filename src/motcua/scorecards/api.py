"""Open data of the service index (``/api/v1/open-data``): the province's
figures and ranking per period, public and throttled like the public page."""

from __future__ import annotations

from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.params import functions as param

from motcua.core.throttling import throttle_request
from motcua.scorecards import opendata
from motcua.scorecards.periods import parse_period
from motcua.scorecards.selectors import province_by_code, ranking

router = Router(tags=["Dữ liệu mở"])


class FieldOut(Schema):
    name: str
    description: str


class ScorecardRow(Schema):
    period: str
    agency_code: str
    agency_name: str
    received: int
    finished: int
    finished_early: int
    finished_on_time: int
    finished_late: int
    in_progress_within: int
    in_progress_overdue: int
    withdrawn: int
    refused: int
    received_online: int
    index_total: float | None
    index_available: float
    index_converted: float | None
    grade: str
    rank: int | None
    rank_previous: int | None


class OpenDataOut(Schema):
    period: str
    fields: list[FieldOut]
    rows: list[ScorecardRow]


@router.get(
    "/scorecards",
    response=OpenDataOut,
    auth=None,
    summary="Chỉ số phục vụ và xếp hạng các đơn vị của tỉnh theo kỳ",
)
def open_data_scorecards(
    request: HttpRequest,
    period: Annotated[
        str,
        param.Query(
            "",
            max_length=20,
            pattern=r"^(20[0-9]{2}(-(0[1-9]|1[0-2]|Q[1-4]))?)?$",
            description="Kỳ: 2026-03 (tháng), 2026-Q1 (quý) hoặc 2026 (năm); trống: tháng này",
        ),
    ] = "",
) -> OpenDataOut:
    throttle_request(request=request, scope="open-data", setting="MOTCUA_THROTTLE_OPEN_DATA")
    p = parse_period(period, today=timezone.localdate())
    province_id = province_by_code(str(settings.PROVINCE_CODE))
    rows = opendata.rows(ranking(province_id=province_id, period=p), p) if province_id else []
    return OpenDataOut(
        period=p.key,
        fields=[FieldOut(name=n, description=d) for n, d in opendata.FIELDS],
        rows=[ScorecardRow(**r) for r in rows],
    )
