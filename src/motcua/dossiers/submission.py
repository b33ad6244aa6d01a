"""Filing a dossier (:func:`dossier_submit`): channel, assistance and
consent rules, the e-form check, idempotency keys, the code and the first
event.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant, Role, User
from motcua.catalog import eforms
from motcua.catalog.models import ConfiguredProcedure, ConfiguredProcedureVersion
from motcua.core.errors import Conflict, DomainError, PermissionDenied
from motcua.core.limits import clean_form_data
from motcua.core.text import fold
from motcua.dossiers import attachments as files
from motcua.dossiers.access import APPLICANT_ROLE, require_role
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.caches import (
    CHANNEL_TO_CATALOG,
    attach_related,
    pinned_version,
    remember_loaded,
    workflow_graph,
)
from motcua.dossiers.clock import (
    LOCAL_TZ,
    RECEPTION_HOURS,
    add_working_hours,
    appointment_for,
    aware_now,
    province_of,
)
from motcua.dossiers.codes import next_code
from motcua.dossiers.engine import Change, build_event, first_step, prepare_change
from motcua.dossiers.hooks import run_event_hooks
from motcua.dossiers.models import Channel, Delivery, DocumentKind, Dossier, FormSet, StepRun
from motcua.dossiers.prepared import INT_MARKER, TEXT_MARKER, UUID_MARKER, PreparedRead
from motcua.dossiers.states import State, national_status
from motcua.units.models import Agency

#: The first day dossiers are handled with the Circular 03/2025 form set.
FORM_SET_2025_FROM = datetime.date(2025, 9, 15)


def _form_set(day: datetime.date) -> str:
    return FormSet.CIRCULAR_03_2025 if day >= FORM_SET_2025_FROM else FormSet.CIRCULAR_01_2018


def _check_form(cpv: ConfiguredProcedureVersion, form_data: Mapping[str, Any]) -> dict[str, Any]:
    """``form_data`` bounded and in NFC (``core.limits``: tighter without an
    e-form) and valid against the e-form; the cleaned copy to store."""
    data = clean_form_data(form_data, with_eform=cpv.eform is not None)
    if cpv.eform is None:
        return data
    errors = eforms.validate(cpv.eform.schema, data)
    if errors:
        raise DomainError(
            _("Tờ khai chưa hợp lệ, vui lòng kiểm tra lại các trường được đánh dấu."),
            code="form_invalid",
            errors=[
                {"field": path, "message": message}
                for path, messages in errors.items()
                for message in messages
            ],
        )
    return data


_BY_KEY = PreparedRead(
    lambda user_id, key: Dossier.objects.filter(submitted_by_id=user_id, idempotency_key=key)[:1],
    markers=(INT_MARKER, TEXT_MARKER),
)


_PROCEDURE = PreparedRead(
    lambda public_id: ConfiguredProcedure.objects.select_related("agency__province").filter(
        public_id=public_id
    )[:1],
    markers=(UUID_MARKER,),
)


def procedure_for_submission(public_id: object) -> ConfiguredProcedure | None:
    """The configured procedure ``public_id`` with its agency and province
    (one ``SELECT`` compiled once per connection, read fresh: a procedure
    switched off or a new current version counts at once) and its current
    version from the per-process cache of pinned versions (a version is
    immutable once in use)."""
    found = _PROCEDURE.objects(public_id)
    if not found:
        return None
    procedure: ConfiguredProcedure = found[0]
    if procedure.current_version_id is not None:
        ConfiguredProcedure._meta.get_field("current_version").set_cached_value(
            procedure, pinned_version(procedure.current_version_id)
        )
    return procedure


def _by_key(actor: User, key: str, fingerprint: str = "") -> Dossier | None:
    """The dossier ``actor`` filed with ``key``; refused (409
    ``idempotency_key_reused``) when it was filed by a different request."""
    found = _BY_KEY.models(Dossier, actor.pk, key)
    if not found:
        return None
    first = found[0].idempotency_fingerprint
    if fingerprint and first and fingerprint != first:
        raise Conflict(
            _("Khóa chống gửi trùng (Idempotency-Key) này đã được dùng cho một yêu cầu khác."),
            code="idempotency_key_reused",
        )
    return attach_related(found[0])


def dossier_search_text(*, applicant: Applicant, procedure_name: str) -> str:
    """The folded words a dossier is found by (its code is added when it
    is numbered)."""
    parts = [applicant.name, applicant.personal_id or "", applicant.tax_code or "", procedure_name]
    return fold(" ".join(p for p in parts if p))


def dossier_submit(
    *,
    actor: User,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    form_data: Mapping[str, Any] | None = None,
    channel: str = Channel.ONLINE,
    result_delivery: str = Delivery.ONLINE,
    idempotency_key: str | None = None,
    idempotency_fingerprint: str = "",
    assisted: bool = False,
    consent_note: str = "",
    processing_agency: Agency | None = None,
    attachments: Sequence[Attachment] = (),
    documents_held_elsewhere: bool = False,
    now: datetime.datetime | None = None,
) -> Dossier:
    """File a dossier for ``applicant`` under ``procedure``'s current
    configuration version (pinned for the dossier's whole life).

    Online or by post it waits for the one-stop check (reception clock of
    8 working hours); at the counter it is received and accepted on the spot
    and starts the first workflow step. A retry with the same
    ``idempotency_key`` by the same ``actor`` returns the first dossier; when
    both carry an ``idempotency_fingerprint`` (the API's hash of the request)
    and they differ, it is refused with ``idempotency_key_reused`` (409).

    ``documents_held_elsewhere`` is for imported history only (``motcua.history``):
    the papers stay in the legacy system, so the required documents are not
    asked for here; the submit event records it (``documents_held_elsewhere``)."""
    now = aware_now(now)
    if idempotency_key:
        existing = _by_key(actor, idempotency_key, idempotency_fingerprint)
        if existing is not None:
            return existing
    cpv = procedure.current_version
    if not procedure.is_active or cpv is None:
        raise DomainError(
            _("Thủ tục hiện không tiếp nhận hồ sơ tại đơn vị này."), code="procedure_unavailable"
        )
    if channel not in Channel.values or result_delivery not in Delivery.values:
        raise DomainError(_("Kênh nộp hoặc hình thức nhận kết quả không hợp lệ."), code="invalid")
    offered = cpv.channels or []
    if offered and CHANNEL_TO_CATALOG[Channel(channel)] not in offered:
        raise DomainError(
            _("Thủ tục không tiếp nhận hồ sơ qua kênh này."), code="channel_not_offered"
        )
    receiving = procedure.agency
    is_applicant = actor.pk is not None and applicant.user_id == actor.pk
    if channel == Channel.COUNTER:
        require_role(actor, receiving, [Role.ONE_STOP_OFFICER], code="not_one_stop_officer")
    elif not is_applicant:
        if not assisted:
            raise PermissionDenied(
                _(
                    "Chỉ người nộp hồ sơ được tự nộp; "
                    "nộp hộ phải được đánh dấu và ghi nhận sự đồng ý."
                ),
                code="assistance_not_declared",
            )
        if not consent_note.strip():
            raise DomainError(
                _("Nộp hộ cần ghi nhận sự đồng ý của người nộp hồ sơ."), code="consent_required"
            )
    if assisted and is_applicant:
        assisted = False
    data = _check_form(cpv, form_data or {})
    remember_loaded(cpv, receiving)
    workflow_graph(cpv)  # a dossier is only filed under a usable workflow

    day = timezone.localtime(now, LOCAL_TZ).date()
    province = receiving.province
    dossier = Dossier(
        applicant=applicant,
        submitted_by=actor,
        channel=channel,
        assisted=assisted,
        assisted_by=actor if assisted else None,
        consent_note=consent_note.strip() if assisted else "",
        configured_procedure_version=cpv,
        receiving_agency=receiving,
        processing_agency=processing_agency or receiving,
        province_code=province.code if province else "",
        state=State.DRAFT,
        form_data=data,
        result_delivery=result_delivery,
        form_set=_form_set(day),
        submitted_at=now,
        tracking_token=secrets.token_urlsafe(12),
        idempotency_key=idempotency_key or None,
        idempotency_fingerprint=idempotency_fingerprint if idempotency_key else "",
        search_text=dossier_search_text(
            applicant=applicant, procedure_name=cpv.procedure_version.name
        ),
    )
    checked = files.check_attachments(
        dossier=dossier,
        actor=actor,
        attachments=attachments,
        require_all=not documents_held_elsewhere,
    )
    payload: dict[str, Any] = {"channel": channel, "assisted": assisted}
    if documents_held_elsewhere:
        payload["documents_held_elsewhere"] = True
    if checked:
        payload["documents"] = files.payload_of(checked)
    if channel == Channel.COUNTER:
        change = Change(
            action="submit",
            to_state=State.PROCESSING,
            actor_role=str(Role.ONE_STOP_OFFICER),
            actor_agency=receiving,
            payload=payload,
            start=first_step(dossier, now),
            appointment=(appointment_for(dossier, now), "", False),
        )
    else:
        change = Change(
            action="submit",
            to_state=State.SUBMITTED,
            actor_role=APPLICANT_ROLE if is_applicant else "assistant",
            payload=payload,
            due_at=add_working_hours(province_of(dossier), now, RECEPTION_HOURS),
            set_due=True,
            fields={"holder_agency": receiving, "holder_role": str(Role.ONE_STOP_OFFICER)},
        )
    prepare_change(change, dossier, now)
    to_step = change.to_step or ""
    try:
        with transaction.atomic():
            dossier.code = next_code(receiving, day)
            dossier.search_text = f"{fold(dossier.code)} {dossier.search_text}"
            event = build_event(
                dossier,
                seq=1,
                change=change,
                actor=actor,
                from_state=State.DRAFT,
                from_step="",
                to_step=to_step,
                at=now,
                working_seconds=0,
            )
            for name, value in change.fields.items():
                setattr(dossier, name, value)
            dossier.state = change.to_state
            dossier.national_status = national_status(change.to_state, last_action="submit")
            dossier.current_step = to_step
            dossier.version = 1
            dossier.last_event_at = now
            dossier.last_hash = event.hash
            dossier.save(force_insert=True)
            event.save(force_insert=True)
            files.create_documents(
                dossier=dossier,
                actor=actor,
                kind=DocumentKind.INPUT,
                checked=checked,
                event_seq=1,
                now=now,
            )
            if change.start is not None:
                StepRun.objects.create(
                    dossier=dossier,
                    step_key=change.start.step.key,
                    agency=change.start.agency,
                    role=change.start.step.role,
                    started_at=now,
                    due_at=change.start.due_at,
                )
            run_event_hooks(event)
    except IntegrityError:
        if idempotency_key:
            existing = _by_key(actor, idempotency_key, idempotency_fingerprint)
            if existing is not None:
                return existing
        raise
    return dossier


def answer_fields(dossier: Dossier, form_data: Mapping[str, Any] | None) -> dict[str, Any]:
    """The applicant's corrected form, checked against the pinned e-form."""
    if form_data is None:
        return {}
    cpv = pinned_version(dossier.configured_procedure_version_id)
    return {"form_data": _check_form(cpv, form_data)}
