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
from motcua.catalog.search import filter_by_query, query_parse
from motcua.catalog.selectors import agencies_offering, agency_procedures
from motcua.core.errors import DomainError, NotFound
from motcua.core.text import query_words
from motcua.core.throttling import Throttled, throttle_request, throttled_message
from motcua.delivery import services as delivery_services
from motcua.documents.models import CitizenDocument, StoredFile
from motcua.dossiers import drafts, selectors
from motcua.dossiers.models import AccessChannel, Delivery, DossierDraft, DraftStep
from motcua.portal.common import current_user, is_htmx, login_required_htmx, thumbnail_of
from motcua.units.models import Agency
from motcua.units.selectors import AgencyMatch, agency_find, commune_choices, legacy_unit_known

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
    matches = (
        agency_find(query=q, agencies=agencies)
        if q
        else [AgencyMatch(agency=a) for a in agencies[:50]]
    )
    agency = Agency.objects.filter(public_id=unit, is_active=True).first() if unit else None
    procedures: list[ConfiguredProcedure] = []
    if agency is not None:
        found = agency_procedures(agency=agency)
        if _PROCEDURE_CODE.match(pq):
            # The procedure chosen on its page is carried through the unit picker.
            found = found.filter(procedure__code=pq)
        else:
            found, _approximate = filter_by_query(
                found,
                query=query_parse(pq),
                text_field="current_version__procedure_version__search_text",
                name_field="current_version__procedure_version__name",
                code_field="procedure__code",
            )
        procedures = list(found[:100])
    context = {
        "q": q,
        "pq": pq,
        "carried": pq if _PROCEDURE_CODE.match(pq) else "",
        "agencies": matches if q or agency is None else [],
        "agency": agency,
        "procedures": procedures,
        "blank": bool(q) and not query_words(q),
        "legacy_known": bool(q) and not matches and legacy_unit_known(query=q),
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


def _components_context(
    draft: DossierDraft, errors: dict[int, str] | None = None
) -> list[dict[str, Any]]:
    files = drafts.draft_files(draft)
    store = drafts.reusable_documents(draft=draft, today=timezone.localdate())
    declaration = drafts.declaration_component(draft)
    out = []
    for component in sorted(drafts.draft_components(draft), key=lambda c: c.position):
        attached = files.get(component.pk)
        out.append(
            {
                "component": component,
                "submit": component.mode == DocumentMode.SUBMIT,
                "by_form": declaration is not None and component.pk == declaration.pk,
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
        # Refused "Tiếp tục": every problem, summarised. Otherwise the problems
        # of what was already typed stay beside their fields (kept until fixed).
        errors = form_errors if form_errors is not None else drafts.typed_errors(draft)
        context["schema"] = schema
        context["fields"] = (
            eforms.render(
                schema,
                draft.form_data,
                errors,
                prefilled=drafts.prefilled_paths(draft),
                commune_name=eforms.commune_label,
                picker_url=reverse("portal:communes"),
            )
            if schema
            else ""
        )
        context["error_summary"] = (
            eforms.error_summary(schema, errors) if schema and form_errors else []
        )
    elif step == DraftStep.DOCUMENTS:
        context["components"] = _components_context(draft, attach_errors)
    elif step == DraftStep.DELIVERY:
        eligible = bool(draft.procedure.procedure.postal_eligible)
        context["deliveries"] = [
            (value, label, DELIVERY_HELP[Delivery(value)])
            for value, label in Delivery.choices
            if eligible or value != Delivery.POST
        ]
        context["postal"] = _postal_context(request, draft, eligible)
    else:
        context["summary"] = (
            eforms.summary_rows(schema, draft.form_data, commune_name=eforms.commune_label)
            if schema
            else []
        )
        context["components"] = _components_context(draft)
        context["delivery_label"] = Delivery(draft.result_delivery).label
        context["postal_choice"] = delivery_services.draft_postal_get(draft=draft)
        context["form_errors"] = drafts.draft_check_form(draft=draft)
    return render(request, "portal/draft.html", context, status=status)


def _postal_context(request: HttpRequest, draft: DossierDraft, eligible: bool) -> dict[str, Any]:
    """The postal part of the delivery step: what was chosen (or typed in a
    refused POST), the applicant's name as the default receiver, the fee."""
    choice = delivery_services.draft_postal_get(draft=draft) if eligible else None
    if request.method == "POST":
        values = {k: request.POST.get(k, "") for k in _POSTAL_FIELDS}
        send = request.POST.get("send_dossier") == "1"
    else:
        values = {
            "receiver_name": choice.receiver_name if choice else draft.applicant.name,
            "receiver_phone": choice.receiver_phone if choice else draft.applicant.phone,
            "receiver_address": choice.receiver_address if choice else draft.applicant.address,
        }
        send = bool(choice and choice.send_dossier)
    return {
        "eligible": eligible,
        "send_dossier": send,
        "fee": delivery_services.postal_fee_estimate() if eligible else 0,
        "post_label": Delivery(Delivery.POST).label,
        **values,
    }


_POSTAL_FIELDS = ("receiver_name", "receiver_phone", "receiver_address")


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
            delivery_services.draft_postal_set(
                draft=the_draft,
                actor=user,
                result_delivery=request.POST.get("result_delivery", ""),
                send_dossier=request.POST.get("send_dossier") == "1",
                **{k: request.POST.get(k, "") for k in _POSTAL_FIELDS},
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
        return render(
            request,
            "portal/_saved.html",
            {"saved_at": timezone.localtime(the_draft.updated_at), "refused": exc.message},
        )
    chosen = [
        (eforms.field_id(path), eforms.commune_label(str(value)))
        for path, value in drafts.changed_values(the_draft, result.changed)
        if path.endswith(".commune_code")
    ]
    return render(
        request,
        "portal/_saved.html",
        {
            "saved_at": timezone.localtime(result.saved_at),
            "error_count": sum(len(m) for m in result.errors.values()),
            "slots": eforms.error_slots(result.changed, result.errors),
            "chosen": chosen,
        },
    )


def communes(request: HttpRequest) -> HttpResponse:
    """htmx: the commune picker's choices for what was typed (current names
    with or without diacritics, and pre-2025 names through the conversion
    table). Reads ``q`` or the address input's own ``….commune_code``."""
    query = request.GET.get("q", "")
    for key in request.GET:
        if key.endswith(".commune_code"):
            query = request.GET.get(key, "")
    query = query.strip()[:100]
    words = any(ch.isalpha() for ch in query)
    choices = commune_choices(query=query, limit=8) if words else []
    return render(
        request,
        "portal/_communes.html",
        {"q": query, "choices": choices, "words": words, "digits": query.isdigit()},
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
        dossier = delivery_services.draft_submit_with_postal(draft=the_draft, actor=user)
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
