"""The officers' dossier pages: the personal queue, a unit's open dossiers,
one dossier with the actions its reader may take, its documents and
printable forms, and counter intake. Thin views: reads through the
selectors (which scope and log), writes through the services."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.accounts.models import Applicant, Role, User
from motcua.accounts.selectors import agencies_for_user, user_has_role
from motcua.accounts.services import applicant_register_citizen, applicant_register_organisation
from motcua.backoffice import intake_support, listing, selectors
from motcua.backoffice.access import staff_required
from motcua.backoffice.actions import LABELS, available_actions, run_action
from motcua.catalog import eform_display, eforms
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.db import reading
from motcua.core.errors import Conflict, DomainError, NotFound
from motcua.delivery import services as delivery_services
from motcua.documents.pdf import FormPurpose
from motcua.documents.services import stored_file_create
from motcua.dossiers import printing, services
from motcua.dossiers.attachments import REASON_CODES, Attachment, components_of
from motcua.dossiers.models import (
    AccessChannel,
    AppointmentChange,
    Channel,
    Delivery,
    Dossier,
    DossierDocument,
    DossierEvent,
    StepRun,
)
from motcua.dossiers.selectors import (
    ACTION_LABELS,
    dossier_events_for_user,
    dossier_get_for_user,
    queue_parts,
)
from motcua.dossiers.states import State

PURPOSES = {
    "tiep-nhan": FormPurpose.RECEIPT,
    "bo-sung": FormPurpose.SUPPLEMENT,
    "tu-choi": FormPurpose.REFUSAL,
    "xin-loi": FormPurpose.APOLOGY,
    "dung-xu-ly": FormPurpose.STOP,
    "kiem-soat": FormPurpose.CONTROL_SLIP,
}
_PRINT_NEEDS = {
    "bo-sung": ("ask_to_supplement", "ask_to_complete"),
    "tu-choi": ("refuse",),
    "xin-loi": ("apologise",),
    "dung-xu-ly": ("stop",),
}
_PRINT_LABELS = {
    "tiep-nhan": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
    "bo-sung": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
    "tu-choi": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
    "xin-loi": "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
    "dung-xu-ly": "Thông báo dừng giải quyết hồ sơ",
    "kiem-soat": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)


def _not_found() -> Http404:
    return Http404(_("Không tìm thấy hồ sơ."))


def _site(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _step_name(dossier: Dossier) -> str:
    if not dossier.current_step:
        return ""
    try:
        graph = services.workflow_graph(dossier.configured_procedure_version)
    except DomainError:
        return dossier.current_step
    return next((s.name for s in graph.steps if s.key == dossier.current_step), "")


def _rows(dossiers: list[Dossier]) -> list[dict[str, Any]]:
    now = timezone.now()
    return [
        {"d": d, "mark": selectors.due_mark(d.due_at, now=now), "step": _step_name(d)}
        for d in dossiers
    ]


# ------------------------------------------------------------------- queue


def _procedure_choices(user: User) -> list[tuple[str, str]]:
    """The procedures offered by the agencies in ``user``'s scope (the
    filter's choices), by name."""
    rows = (
        ConfiguredProcedure.objects.filter(agency__in=agencies_for_user(user=user).values("pk"))
        .values_list("procedure__code", "current_version__procedure_version__name")
        .distinct()
    )
    return sorted({(code, name or code) for code, name in rows}, key=lambda r: r[1])


def _list_context(request: HttpRequest, user: User) -> dict[str, Any]:
    filters = listing.filters_from(request.GET)
    return {
        "filters": filters,
        "state_choices": [(s.value, s.label) for s in State if s != State.DRAFT],
        "due_choices": listing.DUE_CHOICES,
        "procedure_choices": _procedure_choices(user),
        "first_page_query": listing.query_with(request.GET),
        "page_size": listing.PAGE_SIZE,
    }


@staff_required
def queue(request: HttpRequest) -> HttpResponse:
    """What the person holds, soonest due first; a search within scope;
    both filtered and paged by cursor."""
    user = _user(request)
    query = request.GET.get("q", "").strip()
    context = _list_context(request, user)
    filters: listing.DossierFilters = context["filters"]
    found = None
    with reading():  # a streaming replica, when there is one (core/db.py)
        held = listing.page_of(
            [listing.apply_filters(part, filters) for part in queue_parts(user=user)],
            listing.BY_DUE,
            cursor=request.GET.get("sau", ""),
        )
        rows = _rows(held.items)
        if query:
            found = listing.page_of(
                listing.apply_filters(selectors.dossiers_matching(user=user, query=query), filters),
                listing.BY_RECEIVED,
                cursor=request.GET.get("tim_sau", ""),
            )
    units = [
        a
        for a in agencies_for_user(user=user).order_by("name")
        if selectors.can_see_unit_dossiers(user=user, agency=a)
    ][:20]
    base = listing.query_with(request.GET)
    return render(
        request,
        "backoffice/queue.html",
        {
            **context,
            "rows": rows,
            "held_page": held,
            "held_next": f"{base}&sau={held.next_cursor}" if held.next_cursor else "",
            "query": query,
            "results": _rows(found.items) if found else [],
            "found_page": found,
            "found_next": (
                f"{base}&tim_sau={found.next_cursor}" if found and found.next_cursor else ""
            ),
            "near": sum(1 for r in rows if r["mark"].kind == "near"),
            "overdue": sum(1 for r in rows if r["mark"].kind == "overdue"),
            "units": units,
            "can_intake": agencies_for_user(user=user, roles=[Role.ONE_STOP_OFFICER]).exists(),
        },
    )


@staff_required
def unit_dossiers(request: HttpRequest, public_id: str) -> HttpResponse:
    """A unit's open dossiers with holder and due, for its leaders and the
    province's inspectors; leaders reassign from here. Filtered, paged."""
    user = _user(request)
    agency = selectors.unit_agency_for_user(user=user, public_id=public_id)
    if agency is None:
        raise Http404(_("Không tìm thấy cơ quan, đơn vị."))
    is_leader = user_has_role(user=user, agency=agency, roles=[Role.LEADER])
    context = _list_context(request, user)
    with reading():
        page = listing.page_of(
            listing.apply_filters(
                selectors.open_dossiers_of_unit(agency=agency), context["filters"]
            ),
            listing.BY_DUE,
            cursor=request.GET.get("sau", ""),
        )
    holders: dict[str, list[User]] = {}
    rows = _rows(page.items)
    for row in rows:
        d: Dossier = row["d"]
        row["can_reassign"] = (
            is_leader
            and d.holder_agency_id == agency.pk
            and d.state in (State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT)
            and bool(d.current_step)
        )
        if row["can_reassign"]:
            if d.holder_role not in holders:
                holders[d.holder_role] = selectors.eligible_holders(
                    agency=agency, role=d.holder_role
                )
            row["holders"] = holders[d.holder_role]
    base = listing.query_with(request.GET)
    return render(
        request,
        "backoffice/unit_dossiers.html",
        {
            **context,
            "agency": agency,
            "rows": rows,
            "page": page,
            "next": f"{base}&sau={page.next_cursor}" if page.next_cursor else "",
            "is_leader": is_leader,
        },
    )


# ----------------------------------------------------------------- dossier


def _form_html(dossier: Dossier) -> SafeString:
    """The declaration read through its e-form schema (labels, choice
    labels, dates, unit names), not as raw data."""
    cpv = dossier.configured_procedure_version
    schema = cpv.eform.schema if cpv.eform_id and cpv.eform else {}
    if not dossier.form_data:
        return SafeString("")
    return eform_display.render_html(eform_display.display_lines(schema, dossier.form_data))


def _role_label(code: str) -> str:
    if not code:
        return ""
    labels = {
        services.APPLICANT_ROLE: _("người nộp hồ sơ"),
        "assistant": _("cán bộ nộp hộ"),
        "payment_gateway": _("cổng thanh toán"),
    }
    return labels.get(code) or str(dict(Role.choices).get(code, ""))


def _payload_lines(event: DossierEvent) -> list[str]:
    p = event.payload or {}
    lines: list[str] = []
    for key in ("reasons", "missing"):
        lines.extend(str(v) for v in p.get(key) or [])
    for key in ("reason", "note", "question", "answer", "received_by"):
        if p.get(key):
            lines.append(str(p[key]))
    return lines


def _detail_context(
    request: HttpRequest,
    dossier: Dossier,
    events: list[DossierEvent],
    *,
    failed: str = "",
    error: str = "",
    values: Any = None,
) -> dict[str, Any]:
    user = _user(request)
    graph = None
    try:
        graph = services.workflow_graph(dossier.configured_procedure_version)
    except DomainError:
        graph = None
    steps = {s.key: s for s in graph.steps} if graph else {}
    now = timezone.now()
    runs = []
    for run in StepRun.objects.filter(dossier=dossier).select_related("agency", "user"):
        step = steps.get(run.step_key)
        budget = step.budget_hours if step else Decimal(0)
        used = (Decimal(run.consumed_seconds) / 3600).quantize(Decimal("0.1"))
        late = run.due_at is not None and (run.ended_at or now) > run.due_at
        runs.append(
            {"run": run, "name": step.name if step else run.step_key, "budget": budget,
             "used": used, "late": late}
        )  # fmt: skip
    appointments = list(AppointmentChange.objects.filter(dossier=dossier))
    documents = list(DossierDocument.objects.filter(dossier=dossier).select_related("file"))
    timeline = [
        {
            "e": e,
            "label": str(ACTION_LABELS.get(e.action, e.action)),
            "role": _role_label(e.actor_role),
            "lines": _payload_lines(e),
        }
        for e in events
    ]
    actions = available_actions(user=user, dossier=dossier)
    done = {e.action for e in events}
    prints = []
    for slug, label in _PRINT_LABELS.items():
        needs = _PRINT_NEEDS.get(slug)
        if slug == "tiep-nhan" and dossier.accepted_at is None:
            continue
        if needs and not done.intersection(needs):
            continue
        if slug == "dung-xu-ly" and dossier.form_set != "2025":
            continue
        prints.append({"slug": slug, "label": label})
    current = steps.get(dossier.current_step)
    components = components_of(dossier.configured_procedure_version.procedure_version_id)
    holders: list[User] = []
    if any(a.name == "reassign" for a in actions) and dossier.holder_agency and current:
        holders = selectors.eligible_holders(agency=dossier.holder_agency, role=current.role)
    return {
        "d": dossier,
        "state_label": State(dossier.state).label,
        "mark": selectors.due_mark(dossier.due_at, now=now),
        "appointment_late": dossier.appointment_at is not None
        and dossier.finished_at is None
        and dossier.appointment_at < now,
        "current_step": current.name if current else "",
        "runs": runs,
        "appointments": appointments,
        "documents": documents,
        "form_html": _form_html(dossier),
        "timeline": timeline,
        "actions": actions,
        "prints": prints,
        "failed": failed,
        "error_outside": bool(error) and failed not in {a.name for a in actions},
        "error": error,
        "values": values or {},
        "reason_codes": REASON_CODES.items(),
        "components": components,
        "part_rows": [
            {
                "n": n,
                "component": str((values or {}).get(f"part-{n}-component", "")),
                "reason": str((values or {}).get(f"part-{n}-reason", "")),
                "text": str((values or {}).get(f"part-{n}-text", "")),
            }
            for n in range(3)
        ],
        "holders": holders,
        "delivery_label": Delivery(dossier.result_delivery).label,
        "channel_label": Channel(dossier.channel).label,
    }


@staff_required
def dossier_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        dossier, events = dossier_events_for_user(
            user=_user(request), code=code, channel=AccessChannel.WEB
        )
    except NotFound:
        raise _not_found() from None
    return render(request, "backoffice/dossier.html", _detail_context(request, dossier, events))


@staff_required
@require_POST
def dossier_action(request: HttpRequest, code: str, action: str) -> HttpResponse:
    """Post one action's form; errors are shown on the dossier page with
    the typed text kept (the page is re-read, so a version conflict shows
    the other officer's change)."""
    user = _user(request)
    if action not in LABELS:
        raise Http404(_("Thao tác không hợp lệ."))
    try:
        dossier = dossier_get_for_user(user=user, code=code, channel=AccessChannel.WEB)
    except NotFound:
        raise _not_found() from None
    try:
        run_action(
            name=action,
            dossier=dossier,
            actor=user,
            post=request.POST,
            files=cast(dict[str, UploadedFile], request.FILES),
        )
    except DomainError as exc:
        status = 409 if isinstance(exc, Conflict) else exc.status
        dossier, events = dossier_events_for_user(user=user, code=code, channel=AccessChannel.WEB)
        context = _detail_context(
            request, dossier, events, failed=action, error=exc.message, values=request.POST
        )
        back = request.POST.get("next", "")
        if back.startswith("/can-bo/don-vi/"):
            messages.error(request, exc.message)
            return redirect(back)
        return render(request, "backoffice/dossier.html", context, status=status)
    messages.success(request, _("Đã thực hiện: %(action)s.") % {"action": LABELS[action]})
    back = request.POST.get("next", "")
    if back.startswith("/can-bo/don-vi/"):
        return redirect(back)
    url = reverse("backoffice:dossier", args=[code])
    if action == "accept":
        url += "#in-phieu"
    return redirect(url)


@staff_required
def dossier_document(request: HttpRequest, code: str, doc_id: str, thumb: bool = False) -> Any:
    """A document of the dossier, for those who may see the dossier."""
    try:
        dossier = dossier_get_for_user(user=_user(request), code=code, channel=AccessChannel.WEB)
        doc_uuid = uuid.UUID(doc_id)
    except (NotFound, ValueError):
        raise _not_found() from None
    doc = (
        DossierDocument.objects.filter(dossier=dossier, public_id=doc_uuid)
        .select_related("file")
        .first()
    )
    if doc is None:
        raise _not_found()
    stored = doc.file
    if thumb:
        if not stored.thumbnail:
            raise _not_found()
        return FileResponse(stored.thumbnail.open("rb"), content_type="image/jpeg")
    return FileResponse(
        stored.file.open("rb"),
        content_type=stored.content_type,
        as_attachment=not stored.is_image and stored.content_type != "application/pdf",
        filename=stored.name,
    )


@staff_required
def dossier_print(request: HttpRequest, code: str, purpose: str) -> HttpResponse:
    """One form of the dossier as PDF (the control slip at any time)."""
    if purpose not in PURPOSES:
        raise _not_found()
    try:
        dossier = dossier_get_for_user(user=_user(request), code=code, channel=AccessChannel.WEB)
        spec, pdf = printing.render_dossier_form(
            dossier=dossier, purpose=PURPOSES[purpose], site=_site(request)
        )
    except NotFound:
        raise _not_found() from None
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("backoffice:dossier", code=code)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="mau-{spec.form_no}-{dossier.code}.pdf"'
    return response


# ------------------------------------------------------------------ intake


def _intake_procedures(user: User) -> list[ConfiguredProcedure]:
    agencies = agencies_for_user(user=user, roles=[Role.ONE_STOP_OFFICER])
    return list(
        ConfiguredProcedure.objects.filter(
            agency__in=agencies, is_active=True, current_version__isnull=False
        )
        .select_related(
            "agency__province",
            "procedure",
            "current_version__workflow",
            "current_version__eform",
            "current_version__procedure_version",
        )
        .order_by("agency__name", "current_version__procedure_version__name")[:500]
    )


def _find_or_register(post: Any) -> Applicant:
    kind = post.get("applicant_kind", "citizen")
    ident = str(post.get("identifier", "")).strip()
    if not ident:
        raise DomainError(
            _("Vui lòng nhập số định danh cá nhân hoặc mã số thuế."), code="identifier_required"
        )
    field = "tax_code" if kind == "organisation" else "personal_id"
    existing = Applicant.objects.filter(**{field: ident}).first()
    if existing is not None:
        return existing
    name = str(post.get("name", ""))
    phone = str(post.get("phone", "")).strip()
    email = str(post.get("email", "")).strip()
    address = str(post.get("address", "")).strip()
    if kind == "organisation":
        return applicant_register_organisation(
            user=None, name=name, tax_code=ident, phone=phone, email=email, address=address
        )
    return applicant_register_citizen(
        user=None, name=name, personal_id=ident, phone=phone, email=email, address=address
    )


@staff_required
def intake(request: HttpRequest) -> HttpResponse:
    """Counter intake: a one-stop officer files a dossier for an applicant;
    it lands in processing at the first step, and the receipt follows."""
    user = _user(request)
    procedures = _intake_procedures(user)
    if not procedures and not agencies_for_user(user=user, roles=[Role.ONE_STOP_OFFICER]).exists():
        raise Http404(_("Bạn không phải cán bộ một cửa."))
    chosen_id = request.POST.get("procedure") or request.GET.get("thu_tuc") or ""
    procedure = next((p for p in procedures if str(p.public_id) == chosen_id), None)
    data: dict[str, Any] = {}
    form_errors: dict[str, list[str]] = {}
    error = ""
    field_errors: list[dict[str, Any]] = []
    schema: dict[str, Any] | None = None
    if procedure is not None and procedure.current_version is not None:
        eform = procedure.current_version.eform
        schema = eform.schema if eform is not None else None
    found: Applicant | None = None
    looked_up = request.method == "POST" and "lookup" in request.POST
    values: dict[str, Any] = request.POST.dict() if request.method == "POST" else {}
    identifier_error = ""
    if looked_up:
        kind = request.POST.get("applicant_kind", "citizen")
        ident = request.POST.get("identifier", "")
        identifier_error = intake_support.identifier_problem(kind, ident)
        found = None if identifier_error else intake_support.applicant_lookup(kind, ident)
        if found is not None:
            # Fill the form from what the system knows.
            values.update(intake_support.applicant_values(found))
        if schema is not None:
            data = eforms.data_from_post(schema, request.POST)
    elif request.method == "POST" and procedure is not None:
        if schema is not None:
            data = eforms.data_from_post(schema, request.POST)
        assisted = request.POST.get("assisted") == "on"
        consent = request.POST.get("consent_note", "").strip()
        try:
            if assisted and not consent:
                raise DomainError(
                    _("Nộp hộ cần ghi nhận sự đồng ý của người nộp hồ sơ."),
                    code="consent_required",
                )
            attachments = []
            version = procedure.current_version
            assert version is not None
            for component in components_of(version.procedure_version_id):
                upload = request.FILES.get(f"component-{component.pk}")
                if upload is not None:
                    stored = stored_file_create(actor=user, uploaded=upload)
                    attachments.append(Attachment(file=stored, component_id=component.pk))
            result_delivery = request.POST.get("result_delivery", Delivery.COUNTER)
            with transaction.atomic():
                applicant = _find_or_register(request.POST)
                dossier = services.dossier_submit(
                    actor=user,
                    procedure=procedure,
                    applicant=applicant,
                    form_data=data,
                    channel=Channel.COUNTER,
                    result_delivery=result_delivery,
                    idempotency_key=request.POST.get("idempotency_key") or None,
                    assisted=assisted,
                    consent_note=consent,
                    attachments=attachments,
                )
                if result_delivery == Delivery.POST:
                    # In the same transaction: a bad address files nothing.
                    delivery_services.counter_postal_set(
                        dossier=dossier,
                        actor=user,
                        **intake_support.receiver(request.POST, applicant),
                    )
        except DomainError as exc:
            error = exc.message
            field_errors = exc.errors or []
            for item in field_errors:
                form_errors.setdefault(str(item.get("field", "")), []).append(
                    str(item.get("message", ""))
                )
        else:
            messages.success(
                request,
                _("Đã tiếp nhận hồ sơ %(code)s. In giấy tiếp nhận cho người nộp.")
                % {"code": dossier.code},
            )
            return redirect(reverse("backoffice:dossier", args=[dossier.code]) + "#in-phieu")
    components = (
        components_of(procedure.current_version.procedure_version_id)
        if procedure is not None and procedure.current_version is not None
        else ()
    )
    query = request.GET.get("tim", "")
    postal_offered = procedure is not None and bool(procedure.procedure.postal_eligible)
    return render(
        request,
        "backoffice/intake.html",
        {
            "procedures": procedures,
            "query": query,
            "matches": intake_support.procedures_matching(procedures, query)[
                : intake_support.PICKER_LIMIT
            ],
            "identifier_error": identifier_error,
            "procedure": procedure,
            "eform_html": eforms.render(schema, data, form_errors) if schema else "",
            "components": components,
            "error": error,
            "field_errors": field_errors,
            "values": values,
            "deliveries": [
                (value, label)
                for value, label in Delivery.choices
                if value != Delivery.POST or postal_offered
            ],
            "postal_offered": postal_offered,
            "postal_errors": {
                f: form_errors[f][0] for f in intake_support.RECEIVER_FIELDS if f in form_errors
            },
            "postal_fee": delivery_services.postal_fee_estimate() if postal_offered else 0,
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
            "looked_up": looked_up,
            "found": found,
        },
    )
