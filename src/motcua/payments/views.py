"""Pages of the payments app: the citizen's "Thanh toán" page of a dossier,
the return page after the gateway, the electronic receipt (PDF), the
gateways' server-to-server callbacks, and the officers' payments list and
reconciliation report (screen and xlsx)."""

from __future__ import annotations

import datetime
import json
import logging
import uuid
from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from motcua.accounts.models import User
from motcua.core.errors import DomainError, NotFound
from motcua.core.throttling import client_address, throttle_request
from motcua.dossiers import selectors as dossier_selectors
from motcua.dossiers.models import AccessChannel, Dossier
from motcua.payments import receipts, selectors, services
from motcua.payments.models import Obligation, Payment
from motcua.payments.report_xlsx import report_xlsx
from motcua.payments.states import GatewayName, ObligationState, PaymentState

log = logging.getLogger("motcua.payments")

MAX_CALLBACK_BYTES = 16_384


def _mine(request: HttpRequest, code: str) -> Dossier:
    user = cast(User, request.user)
    try:
        dossier = dossier_selectors.dossier_get_for_user(
            user=user, code=code, channel=AccessChannel.WEB
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if dossier.applicant.user_id != user.pk and dossier.submitted_by_id != user.pk:
        raise Http404
    return dossier


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, code: str) -> HttpResponse:
    """What is owed and how to pay it; POST starts one charge (the form's
    key makes a double click or a resend one charge)."""
    dossier = _mine(request, code)
    obligations = list(selectors.obligations_of_dossier(dossier_id=dossier.pk))
    due = next((o for o in obligations if o.state == ObligationState.DUE), None)
    error = ""
    if request.method == "POST" and due is not None:
        gateway = request.POST.get("gateway", "")
        key = request.POST.get("key", "")[:100]
        try:
            throttle_request(request=request, scope="pay", setting="MOTCUA_THROTTLE_PAY")
            started = services.payment_start(
                obligation=due,
                gateway=gateway,
                idempotency_key=key,
                client_ip=client_address(request),
            )
        except DomainError as exc:
            error = exc.message
        else:
            if started.payment.state == PaymentState.PENDING and started.payment.pay_url:
                return redirect(started.payment.pay_url)
            error = "Lần thanh toán này đã kết thúc. Vui lòng tải lại trang để thử lại."
    response = render(
        request,
        "payments/pay.html",
        {
            "d": dossier,
            "due": due,
            "paid": [o for o in obligations if o.state == ObligationState.PAID],
            "gateways": GatewayName.choices,
            "key": uuid.uuid4().hex,
            "error": error,
        },
        status=400 if error else 200,
    )
    # The form is answered by a redirect to the gateway: CSP's form-action
    # must allow the gateways' origins on this page (and only here).
    response._csp_update = {"form-action": _gateway_origins()}  # type: ignore[attr-defined]
    return response


def _gateway_origins() -> list[str]:
    from urllib.parse import urlsplit

    from django.conf import settings

    origins = []
    for url in (settings.MOTCUA_PAY_NATIONAL_URL, settings.MOTCUA_PAY_VNPAY_URL):
        parts = urlsplit(url)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return origins


@login_required
def returned(request: HttpRequest, reference: str) -> HttpResponse:
    """Where the gateway sends the browser back. The query string is never
    proof of payment: the page shows our record, asking the gateway once
    when it is still open."""
    payment = (
        Payment.objects.select_related("obligation__dossier").filter(reference=reference).first()
    )
    if payment is None:
        raise Http404
    dossier = _mine(request, payment.obligation.dossier.code)
    if payment.state in (PaymentState.CREATED, PaymentState.PENDING):
        services.payment_refresh(payment=payment, source="return")
        payment.refresh_from_db()
    return render(request, "payments/returned.html", {"d": dossier, "p": payment})


@login_required
def receipt(request: HttpRequest, code: str, obligation: uuid.UUID) -> HttpResponse:
    """The electronic receipt (biên lai điện tử) of a paid obligation."""
    dossier = _mine(request, code)
    row = Obligation.objects.filter(dossier=dossier, public_id=obligation).first()
    if row is None or row.state != ObligationState.PAID:
        raise Http404
    pdf = receipts.receipt_pdf(obligation=row)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{row.receipt_number}.pdf"'
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def notify(request: HttpRequest, gateway: str) -> HttpResponse:
    """A gateway's server-to-server callback (national: POST JSON; VNPay:
    GET IPN). Answers in the gateway's own terms; every call is recorded."""
    if gateway not in GatewayName.values:
        raise Http404
    params: dict[str, str]
    if gateway == GatewayName.VNPAY:
        params = {str(k): str(v) for k, v in request.GET.items()}
    else:
        if len(request.body) > MAX_CALLBACK_BYTES:
            return JsonResponse({"MaLoi": "99", "MoTaLoi": "Quá dài"}, status=413)
        try:
            data = json.loads(request.body or b"{}")
        except ValueError:
            data = None
        if not isinstance(data, dict):
            params = {}
        else:
            params = {str(k): str(v) for k, v in data.items() if not isinstance(v, (dict, list))}
    _applied, (status, body) = services.payment_callback(
        gateway=gateway, params=params, remote_addr=client_address(request)
    )
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


# ------------------------------------------------------------ back office


def _parse_day(text: str | None, default: datetime.date) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text or "")
    except ValueError:
        return default


@login_required
def office_payments(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)
    agencies = selectors.agencies_of_officer(user=user)
    if not agencies:
        raise Http404
    today = timezone.localdate()
    start = _parse_day(request.GET.get("tu"), today - datetime.timedelta(days=6))
    end = _parse_day(request.GET.get("den"), today)
    if end < start or (end - start).days > 366:
        start, end = today - datetime.timedelta(days=6), today
    rows = selectors.reconciliation_report(agency_ids=agencies, start=start, end=end)
    if request.GET.get("dang") == "xlsx":
        response = HttpResponse(
            report_xlsx(rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="doi-soat-{start}-{end}.xlsx"'
        return response
    return render(
        request,
        "payments/office.html",
        {
            "rows": rows,
            "labels": dict(GatewayName.choices),
            "payments": list(selectors.payments_for_officer(user=user)[:50]),
            "start": start,
            "end": end,
        },
    )
