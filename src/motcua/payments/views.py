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

from django.conf import settings
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
from motcua.payments import counter as counter_payments
from motcua.payments import receipts, refunds, selectors, services
from motcua.payments.models import Obligation, Payment
from motcua.payments.report_xlsx import report_xlsx
from motcua.payments.states import (
    ONLINE_GATEWAYS,
    CounterMethod,
    GatewayName,
    ObligationState,
    PaymentState,
)

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
            "gateways": [(g, GatewayName(g).label) for g in ONLINE_GATEWAYS],
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
    if gateway not in ONLINE_GATEWAYS:
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


# ------------------------------------------------------------ at the counter


def _office_dossier(request: HttpRequest, code: str) -> Dossier:
    try:
        return dossier_selectors.dossier_get_for_user(
            user=cast(User, request.user), code=code, channel=AccessChannel.WEB
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_http_methods(["GET", "POST"])
def counter(request: HttpRequest, code: str) -> HttpResponse:
    """The fee notice at the counter: what is due, a VietQR code to transfer
    it, and the officer's form to record a cash or bank-transfer payment;
    the paid obligations with their receipts."""
    dossier = _office_dossier(request, code)
    user = cast(User, request.user)
    try:
        counter_payments.require_counter_officer(dossier=dossier, actor=user)
    except DomainError as exc:
        raise Http404(exc.message) from exc
    obligations = list(selectors.obligations_of_dossier(dossier_id=dossier.pk))
    due = next((o for o in obligations if o.state == ObligationState.DUE), None)
    error = ""
    if request.method == "POST" and request.POST.get("action") == "refund":
        payment = Payment.objects.filter(
            reference=request.POST.get("reference", "")[:40], obligation__dossier=dossier
        ).first()
        if payment is None:
            raise Http404
        try:
            refunds.refund_request(
                payment=payment, actor=user, reason=request.POST.get("reason", "")
            )
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("payments:counter", code=dossier.code)
    elif request.method == "POST" and request.POST.get("action") == "notice":
        try:
            counter_payments.obligation_for_counter(dossier=dossier, actor=user)
        except DomainError as exc:
            error = exc.message
        else:
            return redirect("payments:counter", code=dossier.code)
    elif request.method == "POST":
        if due is None:
            error = "Hồ sơ không còn khoản phí phải nộp."
        else:
            try:
                counter_payments.payment_record_counter(
                    obligation=due,
                    actor=user,
                    method=request.POST.get("method", ""),
                    idempotency_key=request.POST.get("key", ""),
                    note=request.POST.get("note", "")[:200],
                )
            except DomainError as exc:
                error = exc.message
            else:
                return redirect("payments:counter", code=dossier.code)
    payload = counter_payments.vietqr_for(obligation=due) if due is not None else ""
    return render(
        request,
        "payments/counter.html",
        {
            "d": dossier,
            "due": due,
            "paid": [o for o in obligations if o.state == ObligationState.PAID],
            "none_yet": not obligations,
            "online": [
                pay
                for o in obligations
                for pay in o.payments.all()
                if pay.gateway in ONLINE_GATEWAYS
                and pay.state in (PaymentState.PAID, PaymentState.REFUNDED)
            ],
            "methods": CounterMethod.choices,
            "key": uuid.uuid4().hex,
            "error": error,
            "qr_svg": counter_payments.vietqr_svg(payload) if payload else "",
            "bank": {
                "bin": settings.MOTCUA_PAY_BANK_BIN,
                "account": settings.MOTCUA_PAY_BANK_ACCOUNT,
                "name": settings.MOTCUA_PAY_BANK_ACCOUNT_NAME,
            },
        },
        status=400 if error else 200,
    )


@login_required
def counter_receipt(request: HttpRequest, code: str, obligation: uuid.UUID) -> HttpResponse:
    """The electronic receipt, printed by the counter officer."""
    dossier = _office_dossier(request, code)
    try:
        counter_payments.require_counter_officer(dossier=dossier, actor=cast(User, request.user))
    except DomainError as exc:
        raise Http404(exc.message) from exc
    row = Obligation.objects.filter(
        public_id=obligation, dossier=dossier, state=ObligationState.PAID
    ).first()
    if row is None:
        raise Http404
    response = HttpResponse(receipts.receipt_pdf(obligation=row), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="bien-lai-{row.receipt_number}.pdf"'
    return response
