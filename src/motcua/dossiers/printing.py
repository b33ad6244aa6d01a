"""The standard forms of a dossier, built from its row, its events and its
step runs (lifecycle.md: "derived from events, never kept by hand").

:func:`form_context` turns a dossier into a
:class:`motcua.documents.pdf.FormContext` for one :class:`FormPurpose`;
:func:`render_dossier_form` renders it to PDF with the form of the dossier's
own form set (``dossier.form_set``: numbers differ between the 2018 and 2025
sets, so forms are picked by purpose with :func:`form_for`).

The caller checks that the reader may see the dossier (the back office reads
it through :func:`motcua.dossiers.selectors.dossier_get_for_user`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.eform_display import address_text
from motcua.catalog.models import TimeUnit
from motcua.catalog.workflows import Step
from motcua.core.errors import DomainError
from motcua.documents.pdf import (
    ControlStep,
    FormContext,
    FormPurpose,
    FormSpec,
    form_for,
    render_form_pdf,
)
from motcua.dossiers.models import (
    Delivery,
    DocumentKind,
    Dossier,
    DossierDocument,
    DossierEvent,
    StepRun,
)

#: What each purpose needs among the dossier's events (latest wins); the
#: receipt and the control slip can always be printed once accepted.
_NEEDS: dict[FormPurpose, tuple[str, ...]] = {
    FormPurpose.SUPPLEMENT: ("ask_to_supplement", "ask_to_complete"),
    FormPurpose.REFUSAL: ("refuse",),
    FormPurpose.APOLOGY: ("apologise",),
    FormPurpose.STOP: ("stop",),
}


def tracking_url(dossier: Dossier, *, site: str) -> str:
    """The public tracking page of ``dossier`` (printed as a QR code on the
    receipt): ``{site}/tra-cuu/?ma=<code>&t=<tracking token>``."""
    query = urlencode({"ma": dossier.code, "t": dossier.tracking_token})
    return f"{site.rstrip('/')}/tra-cuu/?{query}"


def _name(user: User | None) -> str:
    if user is None:
        return ""
    return user.full_name or user.username


def _first_address(schema: Mapping[str, Any], data: Any) -> Any:
    """The first filled address of the e-form, in schema order (the
    requester's own comes first in the national forms)."""
    if not isinstance(data, Mapping):
        return None
    for name, sub in (schema.get("properties") or {}).items():
        value = data.get(name)
        if sub.get("type") == "object" and sub.get("format") == "vn-address":
            if isinstance(value, Mapping) and (value.get("commune_code") or value.get("street")):
                return value
        elif sub.get("type") == "object":
            found = _first_address(sub, value)
            if found is not None:
                return found
    return None


def _address_from_form(dossier: Dossier) -> str:
    """The applicant's address as typed in the e-form (street, commune and
    province names) when the applicant record has none."""
    cpv = dossier.configured_procedure_version
    schema = cpv.eform.schema if cpv.eform_id and cpv.eform else None
    value = _first_address(schema or {}, dossier.form_data)
    return address_text(value) if value is not None else ""


def _processing_time(dossier: Dossier) -> str:
    cpv = dossier.configured_procedure_version
    days = cpv.processing_days
    if days is None:
        return ""
    unit = TimeUnit(cpv.processing_unit).label if cpv.processing_unit else _("ngày làm việc")
    number = days.normalize() if isinstance(days, Decimal) else days
    return f"{number:f} {unit}"


def _steps_by_key(dossier: Dossier) -> dict[str, Step]:
    from motcua.dossiers.services import workflow_graph

    try:
        graph = workflow_graph(dossier.configured_procedure_version)
    except DomainError:
        return {}
    return {s.key: s for s in graph.steps}


def _latest(events: Sequence[DossierEvent], actions: Sequence[str]) -> DossierEvent | None:
    for event in reversed(events):
        if event.action in actions:
            return event
    return None


def _requested_lines(payload: dict[str, object]) -> list[str]:
    lines: list[str] = []
    requested = payload.get("requested") or []
    assert isinstance(requested, list)
    for part in requested:
        name = str(part.get("component_name") or "")
        reason = str(part.get("reason") or "")
        text = str(part.get("text") or "")
        head = f"{name}: {reason}" if name else reason
        lines.append(f"{head} — {text}" if text else head)
    if not lines:
        for key in ("missing", "items"):
            values = payload.get(key) or []
            assert isinstance(values, list)
            lines.extend(str(v) for v in values)
    return lines


def _control_steps(dossier: Dossier, events: Sequence[DossierEvent]) -> list[ControlStep]:
    steps = _steps_by_key(dossier)
    runs = list(
        StepRun.objects.filter(dossier=dossier)
        .select_related("agency", "user")
        .order_by("started_at", "id")
    )
    rows: list[ControlStep] = []
    for run in runs:
        # Who handed the dossier to this step: the actor of the event that
        # opened it; who received it: the named holder, else whoever acted
        # from this step afterwards.
        opened = next((e for e in events if e.at == run.started_at), None)
        later = [
            e
            for e in events
            if e.at >= run.started_at
            and e.from_step == run.step_key
            and e.actor is not None
            and (run.ended_at is None or e.at <= run.ended_at)
        ]
        receiver = run.user or (later[-1].actor if later else None)
        step = steps.get(run.step_key)
        name = step.name if step else run.step_key
        if run.parent_step:
            name = _("Xin ý kiến: %(name)s") % {"name": name}
        rows.append(
            ControlStep(
                name=name,
                unit=run.agency.name,
                handed_over_by=_name(opened.actor) if opened else "",
                received_by=_name(receiver),
                handed_over_at=run.started_at,
                received_at=run.started_at,
                due=run.due_at,
                done_at=run.ended_at,
            )
        )
    return rows


def form_context(
    *,
    dossier: Dossier,
    purpose: FormPurpose,
    site: str = "",
    officer: User | None = None,
    events: Sequence[DossierEvent] | None = None,
) -> FormContext:
    """Everything ``purpose``'s form prints about ``dossier``. Raises
    ``DomainError`` (``form_not_applicable``) when the dossier has no event
    the form reports (e.g. a refusal slip for a dossier never refused)."""
    if events is None:
        events = list(
            DossierEvent.objects.filter(dossier=dossier).select_related("actor").order_by("seq")
        )
    needs = _NEEDS.get(purpose)
    source = _latest(events, needs) if needs else None
    if needs and source is None:
        raise DomainError(
            _("Hồ sơ chưa có thao tác tương ứng nên chưa in được mẫu này."),
            code="form_not_applicable",
        )
    if purpose is FormPurpose.RECEIPT and dossier.accepted_at is None:
        raise DomainError(
            _("Hồ sơ chưa được tiếp nhận nên chưa in được giấy tiếp nhận."),
            code="form_not_applicable",
        )
    applicant = dossier.applicant
    receiving = dossier.receiving_agency
    parent = receiving.parent.name if receiving.parent_id and receiving.parent else ""
    receipt_event = _latest(events, ("accept", "submit")) if dossier.accepted_at else None
    acting = officer or (source.actor if source is not None else None)
    if acting is None and receipt_event is not None:
        acting = receipt_event.actor
    documents = [
        d.title
        for d in DossierDocument.objects.filter(dossier=dossier, kind=DocumentKind.INPUT).order_by(
            "event_seq", "id"
        )
    ]
    reasons: list[str] = []
    missing: list[str] = []
    appointment = dossier.first_appointment_at
    new_appointment = None
    if source is not None:
        payload = dict(source.payload or {})
        if purpose is FormPurpose.REFUSAL:
            reasons = [str(r) for r in payload.get("reasons") or []]
        elif purpose is FormPurpose.SUPPLEMENT:
            missing = _requested_lines(payload)
            note = str(payload.get("reason") or payload.get("note") or "")
            reasons = [note] if note else []
        elif purpose is FormPurpose.STOP:
            reasons = [str(payload.get("reason") or "")]
        elif purpose is FormPurpose.APOLOGY:
            reasons = [str(payload.get("reason") or "")]
            change = dossier.appointment_changes.filter(lateness=True).order_by("-at").first()
            if change is not None:
                appointment, new_appointment = change.previous, change.new
    return FormContext(
        dossier_code=dossier.code,
        procedure_name=dossier.configured_procedure_version.procedure_version.name,
        applicant_name=applicant.name,
        applicant_address=applicant.address or _address_from_form(dossier),
        applicant_phone=applicant.phone,
        applicant_email=applicant.email,
        parent_agency=parent,
        receiving_unit=receiving.name,
        processing_unit=dossier.processing_agency.name,
        received_at=dossier.accepted_at or dossier.submitted_at,
        appointment=appointment,
        new_appointment=new_appointment,
        processing_time=_processing_time(dossier),
        submitted_documents=documents,
        result_delivery=str(Delivery(dossier.result_delivery).label),
        reasons=reasons,
        missing_documents=missing,
        steps=_control_steps(dossier, events) if purpose is FormPurpose.CONTROL_SLIP else (),
        officer_name=_name(acting),
        officer_phone=acting.phone if acting is not None else "",
        tracking_url=tracking_url(dossier, site=site) if purpose is FormPurpose.RECEIPT else "",
        issued_on=timezone.localtime(source.at).date() if source is not None else None,
    )


def render_dossier_form(
    *,
    dossier: Dossier,
    purpose: FormPurpose,
    site: str = "",
    officer: User | None = None,
) -> tuple[FormSpec, bytes]:
    """The form for ``purpose`` from the dossier's own form set, as PDF."""
    spec = form_for(form_set=dossier.form_set, purpose=purpose)
    context = form_context(dossier=dossier, purpose=purpose, site=site, officer=officer)
    return spec, render_form_pdf(form_set=spec.form_set, form_no=spec.form_no, context=context)
