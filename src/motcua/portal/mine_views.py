"""The applicant's own dossiers (/ho-so-cua-toi/) and public tracking
(/tra-cuu/). Only the applicant (or whoever filed it for them) sees a dossier
here; anyone else gets "not found", the same as for a missing one. The
timeline names units, never staff."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from motcua.catalog import eforms
from motcua.core.db import reading
from motcua.core.errors import DomainError, NotFound
from motcua.core.limits import posted_int
from motcua.core.throttling import throttle_request, throttle_tracking
from motcua.documents.pdf import FormPurpose
from motcua.documents.services import stored_file_create
from motcua.dossiers import answers, drafts, printing, selectors, services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import (
    AccessChannel,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierEvent,
)
from motcua.dossiers.states import TERMINAL_STATES, State
from motcua.portal.common import current_user

log = logging.getLogger("motcua.portal")

_REQUEST_ACTIONS = ("ask_to_supplement", "ask_to_complete")
_ANSWERABLE = {State.SUPPLEMENTING, State.COMPLETING}


@dataclass
class NextStep:
    label: str
    url: str = ""


def _mine(request: HttpRequest, code: str) -> Dossier:
    """``code`` if the signed-in user filed it or it was filed for them
    (the read is logged)."""
    user = current_user(request)
    try:
        dossier = selectors.dossier_get_for_user(user=user, code=code, channel=AccessChannel.WEB)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if dossier.applicant.user_id != user.pk and dossier.submitted_by_id != user.pk:
        raise Http404
    return dossier


def _results(dossier: Dossier) -> list[DossierDocument]:
    return [d for d in dossier.documents.all() if d.kind == DocumentKind.RESULT]


def next_step(dossier: Dossier, results: list[DossierDocument]) -> NextStep:
    """What the citizen has to do now, in plain words."""
    from django.urls import reverse

    if dossier.state in _ANSWERABLE:
        return NextStep(_("Cần bổ sung"), reverse("portal:supplement", args=[dossier.code]))
    if dossier.state == State.AWAITING_PAYMENT:
        return NextStep(_("Cần nộp phí, lệ phí"), reverse("payments:pay", args=[dossier.code]))
    if dossier.state in (State.RESULT_READY, State.RETURNED) and results:
        return NextStep(
            _("Đã có kết quả — tải về"),
            reverse("portal:result_file", args=[dossier.code, results[0].public_id]),
        )
    if dossier.state == State.RESULT_READY:
        return NextStep(_("Đã có kết quả — nhận theo hình thức bạn đã chọn"))
    if dossier.state == State.SUBMITTED:
        return NextStep(_("Chờ bộ phận một cửa tiếp nhận"))
    if dossier.state == State.PROCESSING:
        return NextStep(_("Chờ cơ quan giải quyết"))
    return NextStep(_("Không cần làm gì thêm"))


@login_required
def my_dossiers(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = selectors.dossiers_of_applicant(user=user).prefetch_related(
        Prefetch(
            "documents",
            queryset=DossierDocument.objects.filter(kind=DocumentKind.RESULT),
        )
    )[:100]
    dossiers = []
    for d in rows:
        results = _results(d)
        dossiers.append(
            {
                "d": d,
                "state_label": State(d.state).label,
                "next": next_step(d, results),
            }
        )
    return render(
        request,
        "portal/my_dossiers.html",
        {"dossiers": dossiers, "drafts": list(drafts.drafts_of_user(user=user)[:20])},
    )


def _requested(events: list[DossierEvent]) -> DossierEvent | None:
    return next((e for e in reversed(events) if e.action in _REQUEST_ACTIONS), None)


def _timeline(events: list[DossierEvent]) -> list[dict[str, Any]]:
    rows = []
    for e in events:
        payload = e.payload or {}
        details: list[str] = []
        if e.action in _REQUEST_ACTIONS:
            details = [
                f"{p.get('component_name') or p.get('reason')}: {p.get('text') or p.get('reason')}"
                for p in payload.get("requested", [])
            ] or [str(x) for x in payload.get("missing", payload.get("items", []))]
            if payload.get("reason"):
                details.insert(0, str(payload["reason"]))
        elif e.action in ("refuse", "stop"):
            details = [str(r) for r in payload.get("reasons", [payload.get("reason", "")]) if r]
        rows.append(
            {
                "at": e.at,
                "label": selectors.ACTION_LABELS.get(e.action, e.action),
                "unit": (
                    e.actor_agency.name
                    if e.actor_agency
                    else _("Bạn")
                    if e.actor_role == services.APPLICANT_ROLE
                    else _("Hệ thống")
                ),
                "state": State(e.to_state).label,
                "details": details,
            }
        )
    return rows


@login_required
def my_dossier(request: HttpRequest, code: str) -> HttpResponse:
    dossier = _mine(request, code)
    events = list(
        DossierEvent.objects.filter(dossier=dossier).select_related("actor_agency").order_by("seq")
    )
    results = list(dossier.documents.filter(kind=DocumentKind.RESULT).select_related("file"))
    request_event = _requested(events) if dossier.state in _ANSWERABLE else None
    return render(
        request,
        "portal/my_dossier.html",
        {
            "d": dossier,
            "state_label": State(dossier.state).label,
            "next": next_step(dossier, results),
            "timeline": _timeline(events),
            "results": results,
            "request_event": request_event,
            "can_withdraw": dossier.state not in TERMINAL_STATES,
            "documents": list(
                dossier.documents.exclude(kind=DocumentKind.RESULT).select_related("file")
            ),
        },
    )


@login_required
def my_receipt(request: HttpRequest, code: str) -> HttpResponse:
    """The receipt (form 01) of the citizen's dossier as PDF, to print or
    save, once the one-stop unit has received it."""
    dossier = _mine(request, code)
    try:
        _spec, pdf = printing.render_dossier_form(
            dossier=dossier,
            purpose=FormPurpose.RECEIPT,
            site=request.build_absolute_uri("/").rstrip("/"),
        )
    except DomainError as exc:
        messages.info(request, exc.message)
        return redirect("portal:my_dossier", code=dossier.code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="giay-tiep-nhan-{dossier.code}.pdf"'
    return response


@login_required
def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """Answer a request to complete or supplement: upload only the parts
    named (with their reason), optionally fix the e-form."""
    dossier = _mine(request, code)
    user = current_user(request)
    if dossier.state not in _ANSWERABLE:
        messages.info(request, _("Hồ sơ hiện không cần bổ sung."))
        return redirect("portal:my_dossier", code=dossier.code)
    request_ = answers.open_request(dossier=dossier)
    asked = request_.event
    payload = asked.payload if asked is not None else {}
    parts = request_.parts
    components = request_.components
    cpv = dossier.configured_procedure_version
    schema = cpv.eform.schema if cpv.eform_id is not None and cpv.eform is not None else None
    form_fix = schema is not None and request_.form_fix
    errors: dict[str, str] = {}
    form_errors: dict[str, list[str]] = {}
    data = dossier.form_data
    if request.method == "POST":
        if request.FILES:
            throttle_request(request=request, scope="upload", setting="MOTCUA_THROTTLE_UPLOAD")
        attachments: list[Attachment] = []
        for pk in components:
            upload = request.FILES.get(f"file-{pk}")
            if upload is None:
                errors[str(pk)] = _("Vui lòng tải lên giấy tờ được yêu cầu.")
                continue
            try:
                stored = stored_file_create(actor=user, uploaded=upload)
            except DomainError as exc:
                errors[str(pk)] = exc.message
                continue
            attachments.append(Attachment(file=stored, component_id=pk))
        extra = request.FILES.get("file-other")
        if extra is not None:
            try:
                attachments.append(
                    Attachment(
                        file=stored_file_create(actor=user, uploaded=extra),
                        title=_("Giấy tờ bổ sung"),
                    )
                )
            except DomainError as exc:
                errors["other"] = exc.message
        new_data = None
        if form_fix and schema is not None and request.POST.get("fix_form") == "on":
            new_data = eforms.data_from_post(schema, request.POST)
            form_errors = eforms.validate(schema, new_data)
            data = new_data
        if not errors and not form_errors:
            try:
                answers.dossier_answer_request(
                    dossier=dossier,
                    actor=user,
                    expected_version=posted_int(
                        request.POST.get("version"), field="version", default=dossier.version
                    ),
                    form_data=new_data,
                    note=request.POST.get("note", "").strip()[:1000],
                    attachments=attachments,
                    request=request_,
                )
            except DomainError as exc:
                errors["general"] = exc.message
            else:
                messages.success(request, _("Đã gửi phần bổ sung. Hồ sơ tiếp tục được xử lý."))
                return redirect("portal:my_dossier", code=dossier.code)
    return render(
        request,
        "portal/supplement.html",
        {
            "d": dossier,
            "asked": asked,
            "reason": payload.get("reason", ""),
            "parts": parts,
            "components": components,
            "others": [p for p in parts if not p.get("component")],
            "errors": errors,
            "form_fix": form_fix,
            "fields": (
                eforms.render(schema, data, form_errors, commune_name=eforms.commune_label)
                if form_fix and schema
                else ""
            ),
            "form_error_count": sum(len(v) for v in form_errors.values()),
            "summary": _supplement_summary(errors, schema, form_errors),
        },
        status=422 if errors or form_errors else 200,
    )


def _supplement_summary(
    errors: dict[str, str], schema: dict[str, Any] | None, form_errors: dict[str, list[str]]
) -> list[dict[str, str]]:
    """The error summary of the supplementation page: each refused file
    links to its upload input, each e-form problem to its field."""
    lines = []
    for key, message in errors.items():
        target = {"other": "#tep-khac", "general": ""}.get(key, f"#tep-{key}")
        lines.append({"href": target, "message": message})
    if schema is not None:
        lines += eforms.error_summary(schema, form_errors)
    return lines


@login_required
def withdraw(request: HttpRequest, code: str) -> HttpResponse:
    """Withdraw, after a confirmation page."""
    dossier = _mine(request, code)
    error = ""
    if request.method == "POST":
        try:
            services.dossier_withdraw(
                dossier=dossier,
                actor=current_user(request),
                expected_version=posted_int(
                    request.POST.get("version"), field="version", default=dossier.version
                ),
                reason=request.POST.get("reason", "").strip()[:500],
            )
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, _("Bạn đã rút hồ sơ %(code)s.") % {"code": dossier.code})
            return redirect("portal:my_dossier", code=dossier.code)
    return render(
        request,
        "portal/withdraw.html",
        {"d": dossier, "error": error, "terminal": dossier.state in TERMINAL_STATES},
    )


@login_required
def result_file(request: HttpRequest, code: str, document: uuid.UUID) -> HttpResponseBase:
    """Download a result file of one's own dossier (access is logged)."""
    dossier = _mine(request, code)
    doc = (
        DossierDocument.objects.filter(
            dossier=dossier, public_id=document, kind=DocumentKind.RESULT
        )
        .select_related("file")
        .first()
    )
    if doc is None:
        raise Http404
    log.info(
        "result download dossier=%s document=%s user=%s",
        dossier.code,
        doc.public_id,
        current_user(request).pk,
    )
    return FileResponse(
        doc.file.file.open("rb"),
        as_attachment=True,
        filename=doc.file.name,
        content_type=doc.file.content_type,
    )


# ---------------------------------------------------------------- tracking


def track(request: HttpRequest) -> HttpResponse:
    """Public tracking by dossier code and the last four digits of the ID
    (or tax code), or by the receipt's QR link ``?ma=<code>&t=<token>``.
    A wrong code and a wrong factor give the same answer."""
    code = selectors.dossier_code_normalise(text=request.GET.get("ma", "")[:100])
    factor = (request.GET.get("t") or request.GET.get("so") or "").strip()[:64]
    result = None
    not_found = False
    if code or factor:
        throttle_tracking(request=request, code=code)
        try:
            with reading():  # a streaming replica, when there is one (core/db.py)
                result = selectors.dossier_track(code=code, factor=factor)
        except NotFound:
            not_found = True
    return render(
        request,
        "portal/track.html",
        {
            "code": code,
            "result": result,
            "not_found": not_found,
            "from_link": bool(request.GET.get("t")),
        },
        status=404 if not_found else 200,
    )
