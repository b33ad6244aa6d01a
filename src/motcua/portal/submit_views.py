"""Filing a dossier online (/nop-ho-so/): pick a unit and a procedure, then
four steps on a server-side draft (e-form with autosave, documents, how to
receive the result, review and submit). Thin views: parse, call the draft
services and selectors, render. Every step works without JavaScript; with
htmx the fields autosave and uploads are checked as soon as a file is
chosen."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.catalog import eforms
from motcua.catalog.models import ConfiguredProcedure, DocumentMode
from motcua.catalog.selectors import agencies_offering, agency_procedures
from motcua.core.errors import DomainError, NotFound
from motcua.core.text import search_terms
from motcua.core.throttling import Throttled, throttle_request, throttled_message
from motcua.documents.models import CitizenDocument, StoredFile
from motcua.dossiers import drafts, selectors
from motcua.dossiers.models import AccessChannel, Delivery, DossierDraft, DraftStep
from motcua.portal.common import current_user, is_htmx, login_required_htmx, thumbnail_of
from motcua.units.models import Agency

STEP_SLUGS: dict[str, str] = {
    DraftStep.FORM: "to-khai",
    DraftStep.DOCUMENTS: "giay-to",
    DraftStep.DELIVERY: "nhan-ket-qua",
    DraftStep.REVIEW: "xem-lai",
}
SLUG_STEPS = {slug: step for step, slug in STEP_SLUGS.items()}
DELIVERY_HELP = {
    Delivery.ONLINE: _(
        "Tải kết quả điện tử trên trang “Hồ sơ của tôi”; bản điện tử có giá trị pháp lý."
    ),
    Delivery.COUNTER: _("Nhận bản giấy tại bộ phận một cửa của đơn vị, mang theo căn cước."),
    Delivery.POST: _(
        "Kết quả được gửi qua bưu điện đến địa chỉ của bạn (có thể mất phí chuyển phát)."
    ),
}


# ------------------------------------------------------------ pick a unit


_PROCEDURE_CODE = re.compile(r"^\d\.\d{6}$")


def pick(request: HttpRequest) -> HttpResponse:
    """Search the province's units (with or without diacritics), then list
    the procedures the chosen unit offers."""
    q = request.GET.get("q", "").strip()[:100]
    unit = request.GET.get("don-vi", "").strip()[:60]
    agencies = agencies_offering(province_code=settings.PROVINCE_CODE)
    pq = request.GET.get("thu-tuc", "").strip()[:100]
    if _PROCEDURE_CODE.match(pq):
        # Arriving from a procedure page: only the units that offer it.
        agencies = agencies.filter(
            configured_procedures__procedure__code=pq, configured_procedures__is_active=True
        )
    for term in search_terms(q):
        agencies = agencies.filter(name_folded__contains=term)
    agency = Agency.objects.filter(public_id=unit, is_active=True).first() if unit else None
    procedures: list[ConfiguredProcedure] = []
    if agency is not None:
        found = agency_procedures(agency=agency)
        for term in search_terms(pq):
            found = found.filter(current_version__procedure_version__search_text__icontains=term)
        procedures = list(found[:100])
    context = {
        "q": q,
        "pq": pq,
        "agencies": list(agencies[:50]) if q or agency is None else [],
        "agency": agency,
        "procedures": procedures,
    }
    return render(request, "portal/pick.html", context)


# ------------------------------------------------------------ the draft


def _procedure(public_id: uuid.UUID) -> ConfiguredProcedure:
    procedure = (
        ConfiguredProcedure.objects.select_related("agency")
        .filter(public_id=public_id, is_active=True, current_version__isnull=False)
        .first()
    )
    if procedure is None:
        raise Http404(_("Không tìm thấy thủ tục."))
    return procedure


def _draft(request: HttpRequest, procedure_id: uuid.UUID) -> DossierDraft:
    user = current_user(request)
    procedure = _procedure(procedure_id)
    try:
        return drafts.draft_start(user=user, procedure=procedure)
    except DomainError as exc:
        raise Http404(exc.message) from exc


def _step_url(draft: DossierDraft, step: str) -> str:
    base = reverse("portal:draft", args=[draft.procedure.public_id])
    return f"{base}?buoc={STEP_SLUGS[step]}"


def _summary(
    schema: dict[str, Any], data: dict[str, Any], prefix: str = ""
) -> list[tuple[str, str]]:
    """(label, shown value) pairs of the e-form for the review step."""
    rows: list[tuple[str, str]] = []
    for name, sub in schema.get("properties", {}).items():
        label = f"{prefix}{sub.get('title') or name}"
        value = data.get(name)
        kind = sub.get("type")
        if kind == "object" and sub.get("format") == "vn-address":
            value = value if isinstance(value, dict) else {}
            text = ", ".join(str(v) for v in (value.get("street"), value.get("commune_code")) if v)
            rows.append((label, text))
        elif kind == "object":
            rows += _summary(sub, value if isinstance(value, dict) else {}, f"{label} — ")
        elif kind == "array":
            for i, item in enumerate(value or []):
                rows += _summary(sub["items"], item, f"{label} {i + 1} — ")
        elif kind == "boolean":
            rows.append((label, _("Có") if value else _("Không")))
        else:
            text = "" if value is None else str(value)
            for choice in sub.get("oneOf") or []:
                if str(choice.get("const")) == text:
                    text = str(choice.get("title", text))
            rows.append((label, text))
    return rows


def _components_context(
    draft: DossierDraft, errors: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    files = drafts.draft_files(draft)
    store = drafts.reusable_documents(draft=draft, today=timezone.localdate())
    out = []
    for component in sorted(drafts.draft_components(draft), key=lambda c: c.position):
        attached = files.get(component.pk)
        out.append(
            {
                "component": component,
                "submit": component.mode == DocumentMode.SUBMIT,
                "attached": attached,
                "thumbnail": thumbnail_of(attached.file) if attached else "",
                "error": (errors or {}).get(component.pk, ""),
                "store": store if component.reusable else [],
                "draft": draft,
            }
        )
    return out


def _render_step(
    request: HttpRequest,
    draft: DossierDraft,
    step: str,
    *,
    form_errors: dict[str, list[str]] | None = None,
    attach_errors: dict[int, str] | None = None,
    submit_error: DomainError | None = None,
    saved: bool = False,
    status: int = 200,
) -> HttpResponse:
    schema = drafts.eform_schema(draft)
    cpv = draft.procedure.current_version
    assert cpv is not None
    context: dict[str, Any] = {
        "draft": draft,
        "procedure": draft.procedure,
        "version": cpv.procedure_version,
        "step": step,
        "steps": [
            {"key": s, "label": DraftStep(s).label, "url": _step_url(draft, s)}
            for s in drafts.STEP_ORDER
        ],
        "step_label": DraftStep(step).label,
        "step_number": drafts.STEP_ORDER.index(DraftStep(step)) + 1,
        "saved": saved,
        "submit_error": submit_error,
        "processing_days": cpv.processing_days,
    }
    if step == DraftStep.FORM:
        context["schema"] = schema
        context["fields"] = (
            eforms.render(schema, draft.form_data, form_errors or {}) if schema else ""
        )
        context["error_count"] = sum(len(v) for v in (form_errors or {}).values())
    elif step == DraftStep.DOCUMENTS:
        context["components"] = _components_context(draft, attach_errors)
    elif step == DraftStep.DELIVERY:
        context["deliveries"] = [
            (value, label, DELIVERY_HELP[Delivery(value)]) for value, label in Delivery.choices
        ]
    else:
        context["summary"] = _summary(schema, draft.form_data) if schema else []
        context["components"] = _components_context(draft)
        context["delivery_label"] = Delivery(draft.result_delivery).label
        context["form_errors"] = drafts.draft_check_form(draft=draft)
    return render(request, "portal/draft.html", context, status=status)


@login_required
def draft(request: HttpRequest, procedure: uuid.UUID) -> HttpResponse:
    """One step of the draft (``?buoc=``); POST saves it and moves on."""
    the_draft = _draft(request, procedure)
    user = current_user(request)
    step = SLUG_STEPS.get(request.GET.get("buoc", ""), DraftStep(the_draft.step))
    if step == DraftStep.REVIEW and the_draft.step != DraftStep.REVIEW:
        step = DraftStep(the_draft.step)
    if request.method != "POST":
        return _render_step(request, the_draft, step)
    action = request.POST.get("action", "next")
    if step == DraftStep.FORM:
        try:
            drafts.draft_save_field(draft=the_draft, actor=user, post=request.POST)
        except DomainError as exc:  # over the form data limits: nothing saved
            return _render_step(request, the_draft, step, submit_error=exc, status=422)
        if action == "save":
            return _render_step(request, the_draft, step, saved=True)
        errors = drafts.draft_check_form(draft=the_draft)
        if errors:
            return _render_step(request, the_draft, step, form_errors=errors, status=422)
        drafts.draft_set_step(draft=the_draft, actor=user, step=DraftStep.DOCUMENTS)
        return redirect(_step_url(the_draft, DraftStep.DOCUMENTS))
    if step == DraftStep.DOCUMENTS:
        drafts.draft_set_step(draft=the_draft, actor=user, step=DraftStep.DELIVERY)
        return redirect(_step_url(the_draft, DraftStep.DELIVERY))
    if step == DraftStep.DELIVERY:
        try:
            drafts.draft_set_delivery(
                draft=the_draft, actor=user, result_delivery=request.POST.get("result_delivery", "")
            )
        except DomainError as exc:
            return _render_step(request, the_draft, step, submit_error=exc, status=422)
        drafts.draft_set_step(draft=the_draft, actor=user, step=DraftStep.REVIEW)
        return redirect(_step_url(the_draft, DraftStep.REVIEW))
    return redirect(_step_url(the_draft, DraftStep.REVIEW))


@login_required_htmx
@require_POST
def autosave(request: HttpRequest, procedure: uuid.UUID) -> HttpResponse:
    """htmx: save the e-form after a field changed; a tiny status fragment."""
    the_draft = _draft(request, procedure)
    try:
        result = drafts.draft_save_field(
            draft=the_draft, actor=current_user(request), post=request.POST
        )
    except DomainError as exc:  # over the form data limits: nothing saved
        saved_at, errors = the_draft.updated_at, {"form_data": [exc.message]}
    else:
        saved_at, errors = result.saved_at, result.errors
    return render(
        request,
        "portal/_saved.html",
        {"saved_at": timezone.localtime(saved_at), "errors": errors},
    )


@login_required_htmx
@require_POST
def attach(request: HttpRequest, procedure: uuid.UUID, component: int) -> HttpResponse:
    """Upload (or take from the store) the file of one component. With htmx
    the component's block comes back: thumbnail, name and size, or the
    reason the file was refused."""
    the_draft = _draft(request, procedure)
    user = current_user(request)
    error = ""
    try:
        if request.POST.get("action") == "remove":
            drafts.draft_detach(draft=the_draft, actor=user, component_id=component)
        elif request.POST.get("reused"):
            reused_id = _uuid(request.POST["reused"])
            doc = (
                CitizenDocument.objects.filter(public_id=reused_id, owner=the_draft.applicant)
                .select_related("file")
                .first()
                if reused_id is not None
                else None
            )
            if doc is None:
                raise NotFound(_("Không tìm thấy giấy tờ trong kho."))
            drafts.draft_attach(draft=the_draft, actor=user, component_id=component, reused=doc)
        else:
            try:
                throttle_request(request=request, scope="upload", setting="MOTCUA_THROTTLE_UPLOAD")
            except Throttled as exc:
                if not is_htmx(request):
                    raise
                raise DomainError(throttled_message(exc)) from exc
            drafts.draft_attach(
                draft=the_draft,
                actor=user,
                component_id=component,
                uploaded=request.FILES.get("file"),
            )
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        block = next(
            (c for c in _components_context(the_draft) if c["component"].pk == component), None
        )
        if block is None:
            raise Http404
        block["error"] = error
        return render(request, "portal/_component.html", {"c": block})
    if error:
        return _render_step(
            request, the_draft, DraftStep.DOCUMENTS, attach_errors={component: error}, status=422
        )
    return redirect(_step_url(the_draft, DraftStep.DOCUMENTS) + f"#thanh-phan-{component}")


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


@login_required
@require_POST
def submit(request: HttpRequest, procedure: uuid.UUID) -> HttpResponse:
    """File the draft. A second click returns the same dossier."""
    user = current_user(request)
    draft_id = _uuid(request.POST.get("draft", ""))
    try:
        the_draft = drafts.draft_get_for_user(user=user, public_id=draft_id or "")
    except NotFound as exc:
        raise Http404 from exc
    if the_draft.procedure.public_id != procedure:
        raise Http404
    throttle_request(request=request, scope="submit", setting="MOTCUA_THROTTLE_SUBMIT")
    try:
        dossier = drafts.draft_submit(draft=the_draft, actor=user)
    except DomainError as exc:
        return _render_step(request, the_draft, DraftStep.REVIEW, submit_error=exc, status=422)
    return redirect("portal:submitted", code=dossier.code)


@login_required
def submitted(request: HttpRequest, code: str) -> HttpResponse:
    """The confirmation: the dossier code, what happens next, the tracking link."""
    user = current_user(request)
    try:
        dossier = selectors.dossier_get_for_user(user=user, code=code, channel=AccessChannel.WEB)
    except NotFound as exc:
        raise Http404 from exc
    if dossier.applicant.user_id != user.pk and dossier.submitted_by_id != user.pk:
        raise Http404
    track = f"{reverse('portal:track')}?ma={dossier.code}&t={dossier.tracking_token}"
    return render(
        request,
        "portal/submitted.html",
        {"dossier": dossier, "track_url": track, "track_abs": request.build_absolute_uri(track)},
    )


@login_required
def thumbnail(request: HttpRequest, file: uuid.UUID) -> HttpResponseBase:
    """The thumbnail of a file the user uploaded or keeps in their store
    (media files are never served publicly)."""
    user = current_user(request)
    stored = StoredFile.objects.filter(public_id=file).first()
    if stored is None or not stored.thumbnail:
        raise Http404
    owns = (
        stored.uploaded_by_id == user.pk
        or CitizenDocument.objects.filter(file=stored, owner__user=user).exists()
    )
    if not owns:
        raise Http404
    response = FileResponse(stored.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response
