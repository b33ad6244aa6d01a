"""Pages of the accountability lists (``/can-bo/trach-nhiem/``) and their
exports. Thin: parse the filters, call the registry, render or stream."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import cast
from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accountability import exports
from motcua.accountability.exports import Cell
from motcua.accountability.periods import Period, period_parse
from motcua.accountability.reports import REPORTS, Context, Report, report_count, report_page
from motcua.accountability.selectors import Scope, scope_for_user
from motcua.accounts.models import User
from motcua.backoffice.access import staff_required
from motcua.core.errors import DomainError, NotFound
from motcua.core.throttling import throttle_request

FORMATS = ("csv", "xlsx")


def _int(text: str | None, default: int, low: int, high: int) -> int:
    try:
        return min(high, max(low, int(text or default)))
    except ValueError:
        return default


def _scope(request: HttpRequest) -> Scope:
    try:
        return scope_for_user(user=cast(User, request.user), agency=request.GET.get("don_vi", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    query = urlencode({"don_vi": scope.picked}) if scope.picked else ""
    return render(
        request,
        "accountability/index.html",
        {"scope": scope, "reports": list(REPORTS.values()), "query": query},
    )


@staff_required
def report(request: HttpRequest, slug: str) -> HttpResponseBase:
    chosen = REPORTS.get(slug)
    if chosen is None:
        raise Http404(_("Không tìm thấy trang."))
    scope = _scope(request)
    today = timezone.localdate()
    error = ""
    period: Period | None
    try:
        period = period_parse(start=request.GET.get("tu"), end=request.GET.get("den"), today=today)
    except DomainError as exc:
        period, error = None, exc.message
    ctx = None
    if period is not None:
        ctx = Context(
            scope=scope,
            period=period,
            now=timezone.now(),
            after=request.GET.get("sau", "")[:80],
            page_size=settings.MOTCUA_ACCOUNTABILITY_PAGE_SIZE,
            more_than=_int(
                request.GET.get("tren"), settings.MOTCUA_ACCOUNTABILITY_BOUNCES, 0, 1000
            ),
            at_least=_int(request.GET.get("tu_lan"), 2, 1, 1000),
        )
    status = 200
    fmt = request.GET.get("dang", "")
    if ctx is not None and fmt in FORMATS:
        throttle_request(
            request=request, scope="accountability-export", setting="MOTCUA_THROTTLE_EXPORT"
        )
        count, rows = report_count(chosen, ctx)
        cap = settings.MOTCUA_EXPORT_MAX_ROWS
        if count <= cap:
            return _export(chosen, ctx, rows, fmt)
        error = _(
            "Bảng này có %(count)s dòng, nhiều hơn giới hạn %(cap)s dòng của một tệp xuất. "
            "Hãy chọn kỳ ngắn hơn hoặc một đơn vị rồi tải lại."
        ) % {"count": f"{count:,}".replace(",", "."), "cap": f"{cap:,}".replace(",", ".")}
        status = 400
    elif error:
        status = 400
    result = report_page(chosen, ctx) if ctx is not None and not error else None
    base = {k: v for k, v in request.GET.items() if k in ("don_vi", "tu", "den", "tren", "tu_lan")}
    return render(
        request,
        "accountability/report.html",
        {
            "report": chosen,
            "scope": scope,
            "period": period,
            "ctx": ctx,
            "result": result,
            "rows": [list(zip(chosen.columns, r, strict=False)) for r in result.rows]
            if result
            else [],
            "total": list(zip(chosen.columns, result.total_row, strict=False))
            if result and result.total_row
            else None,
            "error": error,
            "start": request.GET.get("tu", "") or (period.start.isoformat() if period else ""),
            "end": request.GET.get("den", "") or (period.end.isoformat() if period else ""),
            "next_query": urlencode({**base, "sau": result.next}) if result and result.next else "",
            "first_query": urlencode(base),
            "export_csv": urlencode({**base, "dang": "csv"}),
            "export_xlsx": urlencode({**base, "dang": "xlsx"}),
        },
        status=status,
    )


def _export(
    chosen: Report, ctx: Context, rows: Iterable[Sequence[Cell]], fmt: str
) -> HttpResponseBase:
    period, title, slug = ctx.period, chosen.title, chosen.slug
    heading = _("%(title)s — từ %(start)s đến %(end)s") % {
        "title": title,
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.end.strftime("%d/%m/%Y"),
    }
    if not chosen.uses_period:
        heading = _("%(title)s — lúc %(now)s") % {
            "title": title,
            "now": timezone.localtime(ctx.now).strftime("%H:%M %d/%m/%Y"),
        }
    table = exports.Table(
        title=title, heading=heading, headers=[c.label for c in chosen.columns], rows=rows
    )
    name = f"{slug}-{period.start:%Y%m%d}-{period.end:%Y%m%d}"
    if fmt == "csv":
        stream = StreamingHttpResponse(exports.csv_lines(table), content_type=exports.CSV_TYPE)
        stream["Content-Disposition"] = f'attachment; filename="{name}.csv"'
        return stream
    response = HttpResponse(exports.xlsx_bytes(table), content_type=exports.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
    return response
