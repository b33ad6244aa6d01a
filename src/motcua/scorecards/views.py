"""Faces of the scorecards: the back office's scorecard, ranking and
drill-down pages, the leader's dashboard block on the back-office home, and
the public page with its open data (CSV, JSON). Parse, call the selectors,
render; bad input becomes a Vietnamese message, never a 500."""

from __future__ import annotations

import json
from typing import Any, cast

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from motcua.accounts.models import User
from motcua.backoffice.access import staff_required
from motcua.core.errors import NotFound
from motcua.core.throttling import throttle_request
from motcua.scorecards import opendata
from motcua.scorecards.charts import Series, bar_chart, line_chart
from motcua.scorecards.index import LABELS as METRIC_LABELS
from motcua.scorecards.index import NO_DATA
from motcua.scorecards.metrics import METRICS
from motcua.scorecards.periods import Period, PeriodError, parse_period
from motcua.scorecards.selectors import (
    Scorecard,
    TrendPoint,
    agency_for_scorecard,
    dossiers_behind,
    is_province_wide,
    live_figures,
    province_by_code,
    province_of_user,
    ranking,
    scorable_agencies,
    scorecard,
    trend,
)
from motcua.units.models import Agency

DRILLABLE = frozenset(METRICS) | {"in_progress", "in_progress_within", "in_progress_overdue"}
TIMELINESS = (
    "received",
    "finished",
    "finished_early",
    "finished_on_time",
    "finished_late",
    "in_progress",
    "in_progress_within",
    "in_progress_overdue",
    "withdrawn",
    "stopped",
    "refused",
    "returned",
    "supplement_requests",
    "apologies",
    "sent_back",
    "late_receptions",
    "step_on_time",
    "step_late",
    "received_online",
    "received_counter",
    "received_post",
    "fully_online",
)


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _period(request: HttpRequest) -> Period:
    return parse_period(
        request.GET.get("ky", "")[:20],
        start=request.GET.get("tu", "")[:20],
        end=request.GET.get("den", "")[:20],
        today=timezone.localdate(),
    )


def _period_or_error(request: HttpRequest) -> tuple[Period, str]:
    try:
        return _period(request), ""
    except PeriodError as exc:
        return parse_period("", today=timezone.localdate()), exc.message


def _trend_charts(points: list[TrendPoint], subject: str) -> dict[str, Any]:
    labels = [f"{p.period.start.month}/{p.period.start.year % 100:02d}" for p in points]
    return {
        "points": points,
        "received_chart": bar_chart(
            title=f"Hồ sơ tiếp nhận và đã giải quyết theo tháng — {subject}",
            labels=labels,
            series=[
                Series("Tiếp nhận", [float(p.received) for p in points]),
                Series("Đã giải quyết", [float(p.finished) for p in points]),
            ],
        ),
        "on_time_chart": line_chart(
            title=f"Tỷ lệ giải quyết đúng hạn và điểm chỉ số theo tháng — {subject}",
            labels=labels,
            series=[
                Series(
                    "Đúng hạn (%)",
                    [None if p.on_time_rate is None else p.on_time_rate * 100 for p in points],
                ),
                Series("Điểm quy đổi", [p.index for p in points]),
            ],
            max_value=100,
        ),
    }


def _timeliness_chart(card: Scorecard, subject: str) -> Any:
    keys = (
        "finished_early",
        "finished_on_time",
        "finished_late",
        "in_progress_within",
        "in_progress_overdue",
    )
    return bar_chart(
        title=f"Tiến độ giải quyết — {subject}, {card.period.label}",
        labels=["Trước hạn", "Đúng hạn", "Quá hạn", "Đang trong hạn", "Đang quá hạn"],
        series=[Series("Số hồ sơ", [float(card.inputs.get(k) or 0) for k in keys])],
    )


def dashboard_context(*, user: User) -> dict[str, Any] | None:
    """The figures block of the back-office home for a leader (their units)
    or a province-wide role (the whole province); ``None`` for other staff."""
    agencies = list(scorable_agencies(user=user)[:200])
    if not agencies:
        return None
    province_wide = is_province_wide(user=user)
    period = parse_period("", today=timezone.localdate())
    ids = [a.pk for a in agencies]
    if province_wide:
        card = scorecard(agency=None, period=period, province_id=province_of_user(user=user))
        subject = "toàn tỉnh"
    elif len(agencies) == 1:
        card = scorecard(agency=agencies[0], period=period)
        subject = agencies[0].name
    else:
        card = scorecard(agency=None, period=period, agency_ids=ids)
        subject = "các đơn vị của bạn"
    return {
        "subject": subject,
        "province_wide": province_wide,
        "card": card,
        "live": live_figures(agency_ids=ids),
        "agency": agencies[0] if len(agencies) == 1 else None,
        "timeliness_chart": _timeliness_chart(card, subject),
        **_trend_charts(trend(agency_ids=ids), subject),
    }


@staff_required
def scorecard_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    agencies = list(scorable_agencies(user=user)[:500])
    if not agencies:
        raise Http404("Không tìm thấy trang.")
    period, error = _period_or_error(request)
    province_wide = is_province_wide(user=user)
    chosen = request.GET.get("don_vi", "")[:60]
    agency: Agency | None
    if chosen:
        try:
            agency = agency_for_scorecard(user=user, public_id=chosen)
        except NotFound:
            raise Http404("Không tìm thấy cơ quan, đơn vị.") from None
    else:
        agency = None if province_wide else agencies[0]
    card = scorecard(agency=agency, period=period, province_id=province_of_user(user=user))
    subject = agency.name if agency else "Toàn tỉnh"
    rows = [(key, METRIC_LABELS[key], card.inputs.get(key)) for key in TIMELINESS]
    return render(
        request,
        "scorecards/scorecard.html",
        {
            "agencies": agencies,
            "agency": agency,
            "province_wide": province_wide,
            "period": period,
            "error": error,
            "card": card,
            "subject": subject,
            "rows": rows,
            "drillable": DRILLABLE,
            "chart": _timeliness_chart(card, subject),
            "no_data": NO_DATA,
            "q": {
                "ky": request.GET.get("ky", "")[:20],
                "tu": request.GET.get("tu", "")[:20],
                "den": request.GET.get("den", "")[:20],
            },
        },
        status=400 if error else 200,
    )


@staff_required
def ranking_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    province_id = province_of_user(user=user)
    if province_id is None:
        raise Http404("Không tìm thấy trang.")
    period, error = _period_or_error(request)
    rows = ranking(province_id=province_id, period=period)
    return render(
        request,
        "scorecards/ranking.html",
        {
            "rows": rows,
            "period": period,
            "error": error,
            "q": {
                "ky": request.GET.get("ky", "")[:20],
                "tu": request.GET.get("tu", "")[:20],
                "den": request.GET.get("den", "")[:20],
            },
        },
        status=400 if error else 200,
    )


@staff_required
def drill_page(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    metric = request.GET.get("chi_tieu", "")[:40]
    if metric not in DRILLABLE:
        raise Http404("Không có chỉ tiêu này.")
    try:
        agency = agency_for_scorecard(user=user, public_id=request.GET.get("don_vi", "")[:60])
    except NotFound:
        raise Http404("Không tìm thấy cơ quan, đơn vị.") from None
    period, error = _period_or_error(request)
    rows, cut = dossiers_behind(agency=agency, period=period, metric=metric)
    return render(
        request,
        "scorecards/drill.html",
        {
            "agency": agency,
            "period": period,
            "error": error,
            "metric": metric,
            "label": METRIC_LABELS[metric],
            "rows": rows,
            "cut": cut,
        },
        status=400 if error else 200,
    )


# ---------------------------------------------------------------- public


def _public(request: HttpRequest) -> tuple[int | None, Period, str]:
    throttle_request(request=request, scope="open-data", setting="MOTCUA_THROTTLE_OPEN_DATA")
    period, error = _period_or_error(request)
    return province_by_code(str(settings.PROVINCE_CODE)), period, error


def public_page(request: HttpRequest) -> HttpResponse:
    province_id, period, error = _public(request)
    rows = ranking(province_id=province_id, period=period) if province_id else []
    card = scorecard(agency=None, period=period, province_id=province_id) if province_id else None
    return render(
        request,
        "scorecards/public.html",
        {
            "rows": rows,
            "card": card,
            "period": period,
            "error": error,
            "chart": _timeliness_chart(card, "toàn tỉnh") if card else None,
            "fields": opendata.FIELDS,
            "q": {"ky": request.GET.get("ky", "")[:20]},
        },
        status=400 if error else 200,
    )


def _open_data(request: HttpRequest) -> tuple[list[dict[str, Any]], Period] | HttpResponse:
    province_id, period, error = _public(request)
    if error:
        body = {
            "type": "about:blank",
            "title": "Kỳ báo cáo không hợp lệ",
            "status": 400,
            "code": "invalid_period",
            "detail": error,
        }
        return HttpResponse(
            json.dumps(body, ensure_ascii=False),
            status=400,
            content_type="application/problem+json",
        )
    data = (
        opendata.rows(ranking(province_id=province_id, period=period), period)
        if province_id
        else []
    )
    return data, period


def open_data_csv(request: HttpRequest) -> HttpResponse:
    result = _open_data(request)
    if isinstance(result, HttpResponse):
        return result
    data, period = result
    response = HttpResponse(opendata.as_csv(data), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="chi-so-phuc-vu-{period.key}.csv"'
    return response


def open_data_json(request: HttpRequest) -> HttpResponse:
    result = _open_data(request)
    if isinstance(result, HttpResponse):
        return result
    data, period = result
    body = {
        "period": period.key,
        "fields": [{"name": n, "description": d} for n, d in opendata.FIELDS],
        "rows": data,
    }
    return HttpResponse(json.dumps(body, ensure_ascii=False), content_type="application/json")
