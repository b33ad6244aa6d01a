"""Faces of the national sync: the signed document download the national
portal fetches, and the back-office report (screen and xlsx)."""

from __future__ import annotations

import datetime
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from motcua.accounts.models import User
from motcua.core.throttling import throttle_request
from motcua.documents.models import StoredFile
from motcua.national import links, selectors
from motcua.national.report_xlsx import report_xlsx


@require_GET
def signed_file(request: HttpRequest, token: str) -> FileResponse:
    """A document sent to the national portal, by its signed link (no
    session). Throttled per address; every refusal is the same 404."""
    throttle_request(
        request=request, scope="national-file", setting="MOTCUA_THROTTLE_NATIONAL_FILE"
    )
    file_id = links.verify(token)
    if file_id is None:
        raise Http404
    stored = StoredFile.objects.filter(public_id=file_id).first()
    if stored is None:
        raise Http404
    response = FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=True,
        filename=stored.name,
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Robots-Tag"] = "noindex"
    return response


def _parse_day(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return default


@login_required
def sync_report(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    if not selectors.report_agencies(user=user).exists():
        raise Http404
    today = timezone.localdate()
    start = _parse_day(request.GET.get("tu"), today - datetime.timedelta(days=29))
    end = _parse_day(request.GET.get("den"), today)
    if end < start or (end - start).days > 366:
        start, end = today - datetime.timedelta(days=29), today
    period = (start, end)
    rows = selectors.sync_report(user=user, period=period)
    dossiers = selectors.unsynced_dossiers(user=user, period=period)
    if request.GET.get("dang") == "xlsx":
        response = HttpResponse(
            report_xlsx(rows, dossiers),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="dong-bo-dvcqg-{start}-{end}.xlsx"'
        return response
    return render(
        request,
        "national/report.html",
        {"rows": rows, "dossiers": dossiers, "start": start, "end": end},
    )
