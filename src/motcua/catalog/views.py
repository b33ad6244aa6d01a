"""Public catalogue pages (/thu-tuc/): search and the procedure page. Thin:
parse, call selectors, render. The procedure page's expected result date is
computed by :func:`procedure_page` from an explicit ``now``."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.catalog import eforms, selectors
from motcua.catalog.models import Channel, ImplementingLevel, OnlineLevel
from motcua.core.errors import NotFound
from motcua.units.models import Agency
from motcua.units.selectors import agency_find

#: Offered on a search that found nothing.
EXAMPLE_SEARCHES = ["khai sinh", "đăng ký kết hôn", "tạm trú", "chứng thực bản sao", "sổ đỏ"]

WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def format_moment(moment: datetime) -> str:
    """ "15 giờ 30, thứ Tư, 25/02/2026" in local time."""
    local = timezone.localtime(moment)
    return _("%(h)d giờ %(m)02d, %(wd)s, %(d)s") % {
        "h": local.hour,
        "m": local.minute,
        "wd": WEEKDAYS[local.weekday()],
        "d": local.strftime("%d/%m/%Y"),
    }


def procedure_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "").strip()[:200]
    field = request.GET.get("linh-vuc", "")
    level = request.GET.get("cap", "")
    online = request.GET.get("truc-tuyen", "")
    unit = request.GET.get("don-vi", "")
    agency = Agency.objects.filter(public_id=unit).first() if unit else None
    found = selectors.procedure_find(
        q=q,
        field=field,
        level=level if level in ImplementingLevel.values else "",
        online=online if online in OnlineLevel.values else "",
        agency=agency,
    )
    page = Paginator(found.results, 25).get_page(request.GET.get("trang"))
    count = page.paginator.count
    offering = selectors.agencies_offering(province_code=settings.PROVINCE_CODE)
    context = {
        "q": q,
        "field": field,
        "level": level,
        "online": online,
        "unit": unit,
        "fields": selectors.procedure_fields(),
        "levels": [
            (ImplementingLevel.COMMUNE, _("Cấp xã")),
            (ImplementingLevel.PROVINCE, _("Cấp tỉnh")),
        ],
        "online_levels": OnlineLevel.choices,
        "agencies": offering,
        "page": page,
        "count": count,
        "approximate": found.approximate,
        "blank": found.query.blank,
        # Nothing (or only something close) found: maybe the person typed a unit's name.
        "unit_matches": agency_find(query=q, agencies=offering, limit=5)
        if q and (not count or found.approximate)
        else [],
        "examples": EXAMPLE_SEARCHES,
    }
    template = "catalog/_results.html" if request.headers.get("HX-Request") else "catalog/list.html"
    return render(request, template, context)


def procedure_page(request: HttpRequest, code: str, *, now: datetime) -> HttpResponse:
    """The procedure page as if viewed at ``now`` (the view passes the
    current time; tests pass a fixed one)."""
    try:
        version = selectors.procedure_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    times = list(version.processing_times.all())
    channel = (
        Channel.ONLINE if any(t.channel == Channel.ONLINE for t in times) else Channel.IN_PERSON
    )
    estimate = selectors.procedure_estimate(
        version=version, now=now, channel=channel, province_code=settings.PROVINCE_CODE
    )
    context = {
        "version": version,
        "procedure": version.procedure,
        "times": times,
        "fees": list(version.fees.all()),
        "documents": list(version.documents.all()),
        "eform": selectors.procedure_published_eform(procedure=version.procedure),
        "estimate": estimate,
        "estimate_text": format_moment(estimate) if estimate else "",
        "estimate_channel": Channel(channel).label,
    }
    return render(request, "catalog/detail.html", context)


def procedure_form(request: HttpRequest, code: str) -> HttpResponse:
    """The procedure's e-form: fill it in and have it checked by the server
    (submission itself belongs to the dossiers app)."""
    try:
        version = selectors.procedure_get(code=code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    schema = selectors.procedure_published_eform(procedure=version.procedure)
    if schema is None:
        raise Http404(_("Thủ tục này chưa có biểu mẫu điện tử."))
    data: dict[str, object] = {}
    errors: eforms.Errors = {}
    checked = False
    if request.method == "POST":
        data = eforms.data_from_post(schema, request.POST)
        errors = eforms.validate(schema, data)
        checked = True
    return render(
        request,
        "catalog/form.html",
        {
            "version": version,
            "schema": schema,
            "data": data,
            "errors": errors,
            "checked": checked,
            "error_count": sum(len(v) for v in errors.values()),
        },
        status=422 if errors else 200,
    )


def procedure_detail(request: HttpRequest, code: str) -> HttpResponse:
    return procedure_page(request, code, now=timezone.now())
