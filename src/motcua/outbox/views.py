"""The back office's outbox pages (unit and province administrators): what
was sent for a dossier, when, the answer and every try, with "Gửi lại" and
"Bỏ qua"; and the dead letters of the administrator's units."""

from __future__ import annotations

from typing import cast

from django.contrib import messages as flash
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.backoffice.access import staff_required
from motcua.dossiers.access import write_access_log
from motcua.dossiers.models import AccessChannel, Dossier
from motcua.outbox import selectors, services
from motcua.outbox.models import State

DESTINATION_LABELS = {
    "national_portal": "Cổng Dịch vụ công quốc gia",
    "measurement": "Hệ thống đo lường, đánh giá",
    "webhooks": "Webhook của hệ thống khác",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def label(destination: str) -> str:
    return DESTINATION_LABELS.get(destination, destination)


@staff_required
def dossier_messages(request: HttpRequest, code: str) -> HttpResponse:
    user = _user(request)
    dossier = (
        Dossier.objects.select_related("receiving_agency", "processing_agency")
        .filter(code=code)
        .first()
    )
    if dossier is None or not selectors.may_administer(user=user, dossier=dossier):
        raise Http404("Không tìm thấy hồ sơ.")
    write_access_log(dossier.pk, user.pk, AccessChannel.WEB)
    rows = selectors.messages_of_dossier(dossier=dossier)
    for row in rows:
        row.destination_label = label(row.destination)  # type: ignore[attr-defined]
    return render(
        request, "outbox/dossier.html", {"dossier": dossier, "rows": rows, "State": State}
    )


@staff_required
def dead_letters(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not selectors.is_outbox_admin(user=user):
        raise Http404("Không tìm thấy trang.")
    units = list(selectors.admin_agencies(user=user).order_by("name"))
    chosen = next((a for a in units if a.public_id == request.GET.get("don-vi")), None)
    rows = list(selectors.dead_letters(user=user, agency=chosen)[:200])
    for row in rows:
        row.destination_label = label(row.destination)  # type: ignore[attr-defined]
    return render(request, "outbox/dead.html", {"rows": rows, "units": units, "chosen": chosen})


def _back(request: HttpRequest, row_dossier: Dossier | None) -> HttpResponse:
    if request.POST.get("tu") == "danh-sach" or row_dossier is None:
        return redirect("outbox:dead")
    return redirect("outbox:dossier", code=row_dossier.code)


@staff_required
@require_POST
def resend(request: HttpRequest, message_id: int) -> HttpResponse:
    user = _user(request)
    row = selectors.message_for_admin(user=user, message_id=message_id)
    if row is None:
        raise Http404("Không tìm thấy thư.")
    try:
        services.message_resend(message_id=row.pk, by=user.username)
        flash.success(request, "Đã đưa thư vào hàng đợi để gửi lại.")
    except services.NotAllowed:
        flash.error(request, "Thư này đang chờ gửi hoặc đang được gửi, không cần gửi lại.")
    return _back(request, row.dossier)


@staff_required
@require_POST
def skip(request: HttpRequest, message_id: int) -> HttpResponse:
    user = _user(request)
    row = selectors.message_for_admin(user=user, message_id=message_id)
    if row is None:
        raise Http404("Không tìm thấy thư.")
    try:
        services.message_skip(message_id=row.pk, by=user.username)
        flash.success(request, "Đã bỏ qua thư; các thư sau của hồ sơ sẽ được gửi tiếp.")
    except services.NotAllowed:
        flash.error(request, "Chỉ bỏ qua được thư đã dừng gửi.")
    return _back(request, row.dossier)
