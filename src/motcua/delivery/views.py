"""Pages of results by post: the applicant's choice (portal) and the
officer's order (back office). Thin: they call the services."""

from __future__ import annotations

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.accounts.models import User
from motcua.core.errors import DomainError, NotFound
from motcua.core.http import problem_response
from motcua.core.throttling import throttle_request
from motcua.delivery import selectors, services
from motcua.delivery.models import Direction
from motcua.dossiers.models import AccessChannel, Dossier
from motcua.dossiers.selectors import dossier_get_for_user
from motcua.integrations.vnpost.signing import SIGNATURE_HEADER


def _user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise Http404
    return user


def _dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_get_for_user(user=_user(request), code=code, channel=AccessChannel.WEB)
    except NotFound:
        raise Http404 from None


@login_required
def postal_request(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant picks send-dossier, receive-result or both."""
    dossier = _dossier(request, code)
    user = _user(request)
    if not services.is_applicant(dossier=dossier, actor=user):
        raise Http404
    current = selectors.postal_request_of_dossier(dossier=dossier)
    values = {
        "receiver_name": current.receiver_name if current else dossier.applicant.name,
        "receiver_phone": current.receiver_phone if current else "",
        "receiver_address": current.receiver_address if current else "",
        "send_dossier": bool(current and current.send_dossier),
        "receive_result": bool(current.receive_result) if current else True,
    }
    error = ""
    status = 200
    if request.method == "POST":
        throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
        values = {
            "receiver_name": request.POST.get("receiver_name", "")[:200],
            "receiver_phone": request.POST.get("receiver_phone", "")[:20],
            "receiver_address": request.POST.get("receiver_address", "")[:500],
            "send_dossier": request.POST.get("send_dossier") == "1",
            "receive_result": request.POST.get("receive_result") == "1",
        }
        try:
            services.postal_request_set(dossier=dossier, actor=user, **values)  # type: ignore[arg-type]
        except DomainError as exc:
            error, status = exc.message, 400
        else:
            messages.success(request, "Đã ghi yêu cầu dịch vụ bưu chính.")
            return redirect("portal:my_dossier", code=dossier.code)
    return render(
        request,
        "delivery/postal_request.html",
        {
            "d": dossier,
            "values": values,
            "error": error,
            "eligible": services.postal_eligible(dossier=dossier),
        },
        status=status,
    )


@login_required
@require_POST
def order_create(request: HttpRequest, code: str) -> HttpResponse:
    """The one-stop officer gives the result to the carrier."""
    dossier = _dossier(request, code)
    try:
        weight = int(request.POST.get("weight_grams") or 500)
    except ValueError:
        weight = 0
    try:
        services.delivery_order_create(
            dossier=dossier,
            actor=_user(request),
            direction=Direction.RECEIVE_RESULT,
            weight_grams=weight,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Đã tạo vận đơn; bưu điện sẽ đến nhận kết quả.")
    return redirect("backoffice:dossier", code=dossier.code)


@csrf_exempt
@require_POST
def carrier_webhook(request: HttpRequest) -> HttpResponse:
    """The carrier's status update, signed (``X-VNPost-Signature``, HMAC-SHA256
    of the body): 200 ``{"outcome": "applied"|"ignored"}``; a wrong signature
    403, an unknown order 404, a bad body 400, as problem+json."""
    if request.content_type != "application/json":  # a form's body is already read
        return problem_response(
            request,
            status=400,
            code="invalid_carrier_update",
            title="Yêu cầu không hợp lệ",
            detail="Thông báo trạng thái phải là JSON.",
        )
    try:
        outcome = services.delivery_webhook_receive(
            body=request.body,
            signature=request.headers.get(SIGNATURE_HEADER, ""),
            secret=settings.VNPOST_WEBHOOK_SECRET,
        )
    except DomainError as exc:
        return problem_response(
            request, status=exc.status, code=exc.code, title=exc.title, detail=exc.message
        )
    return HttpResponse(json.dumps({"outcome": outcome}), content_type="application/json")
