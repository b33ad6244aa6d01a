"""Drafts (lifecycle state ``draft``): a dossier being filled in by its
applicant, kept on the server after every field so that nothing is lost
when the browser closes and it resumes on another device (UX requirement 4).

Services are keyword-only and raise :class:`DomainError` with Vietnamese
messages; selectors raise :class:`NotFound` alike for missing and forbidden.
A draft becomes a dossier through :func:`draft_submit`, which calls
:func:`motcua.dossiers.services.dossier_submit` with an idempotency key
derived from the draft: a double click or a retry returns the same dossier.
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.accounts.models import Applicant, User
from motcua.catalog import eforms
from motcua.catalog.models import ConfiguredProcedure, DocumentComponent, DocumentMode
from motcua.core.errors import DomainError, NotFound
from motcua.core.limits import clean_form_data
from motcua.documents.models import CitizenDocument, StoredFile
from motcua.documents.services import stored_file_create
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Channel, Delivery, Dossier, DossierDraft, DraftStep

STEP_ORDER = [DraftStep.FORM, DraftStep.DOCUMENTS, DraftStep.DELIVERY, DraftStep.REVIEW]


def _not_found() -> NotFound:
    return NotFound(_("Không tìm thấy hồ sơ đang soạn."), code="draft_not_found")


def _now(now: datetime.datetime | None) -> datetime.datetime:
    return now or timezone.now()


def idempotency_key(draft: DossierDraft) -> str:
    """The key every submission of ``draft`` carries."""
    return f"draft-{draft.public_id}"


# ---------------------------------------------------------------- selectors


def _drafts() -> QuerySet[DossierDraft]:
    return DossierDraft.objects.select_related(
        "applicant",
        "procedure__agency__province",
        "procedure__current_version__eform",
        "procedure__current_version__workflow",
        "procedure__current_version__procedure_version",
    )


def drafts_of_user(*, user: User) -> QuerySet[DossierDraft]:
    """``user``'s drafts not submitted yet, last saved first."""
    if not user.is_authenticated:
        return DossierDraft.objects.none()
    return _drafts().filter(owner=user, dossier__isnull=True).order_by("-updated_at", "-id")


def draft_get_for_user(*, user: User, public_id: uuid.UUID | str) -> DossierDraft:
    """``user``'s draft ``public_id`` (another person's draft is "not found")."""
    if not user.is_authenticated:
        raise _not_found()
    try:
        draft = _drafts().filter(public_id=public_id, owner=user).first()
    except (ValidationError, ValueError):
        draft = None
    if draft is None:
        raise _not_found()
    return draft


def draft_open_for(*, user: User, procedure: ConfiguredProcedure) -> DossierDraft | None:
    """The open (not submitted) draft of ``user`` for ``procedure``, if any."""
    return drafts_of_user(user=user).filter(procedure=procedure).first()


def eform_schema(draft: DossierDraft) -> dict[str, Any] | None:
    cpv = draft.procedure.current_version
    if cpv is None or cpv.eform is None:
        return None
    schema: dict[str, Any] = cpv.eform.schema
    return schema


def draft_components(draft: DossierDraft) -> list[DocumentComponent]:
    """The document components of the procedure's current version."""
    cpv = draft.procedure.current_version
    if cpv is None:
        return []
    return list(DocumentComponent.objects.filter(version_id=cpv.procedure_version_id))


@dataclass
class AttachedFile:
    component_id: int
    file: StoredFile
    reused: CitizenDocument | None = None


def draft_files(draft: DossierDraft) -> dict[int, AttachedFile]:
    """The files attached to ``draft`` by component (two queries)."""
    file_ids = [a["file"] for a in draft.attachments if a.get("file")]
    reused_ids = [a["reused"] for a in draft.attachments if a.get("reused")]
    stored = {str(f.public_id): f for f in StoredFile.objects.filter(public_id__in=file_ids)}
    reused = (
        {
            str(d.public_id): d
            for d in CitizenDocument.objects.filter(
                public_id__in=reused_ids, owner=draft.applicant
            ).select_related("file")
        }
        if reused_ids
        else {}
    )
    out: dict[int, AttachedFile] = {}
    for item in draft.attachments:
        doc = reused.get(str(item.get("reused") or ""))
        found = doc.file if doc is not None else stored.get(str(item.get("file") or ""))
        if found is not None:
            out[int(item["component"])] = AttachedFile(int(item["component"]), found, doc)
    return out


def reusable_documents(*, draft: DossierDraft, today: datetime.date) -> list[CitizenDocument]:
    """Documents of the applicant's store still valid ``today``."""
    from motcua.documents.selectors import citizen_document_list

    return list(citizen_document_list(owner=draft.applicant, valid_on=today))


# ----------------------------------------------------------------- services


def draft_start(
    *, user: User, procedure: ConfiguredProcedure, now: datetime.datetime | None = None
) -> DossierDraft:
    """Start a draft for ``procedure`` — or return the one ``user`` already
    has open for it (a draft is never lost by starting again)."""
    applicant = Applicant.objects.filter(user=user).first() if user.is_authenticated else None
    if applicant is None:
        raise DomainError(
            _("Tài khoản này chưa có thông tin người nộp hồ sơ."), code="applicant_required"
        )
    if not procedure.is_active or procedure.current_version_id is None:
        raise DomainError(
            _("Thủ tục hiện không tiếp nhận hồ sơ tại đơn vị này."), code="procedure_unavailable"
        )
    existing = draft_open_for(user=user, procedure=procedure)
    if existing is not None:
        return existing
    cpv = procedure.current_version
    schema = cpv.eform.schema if cpv is not None and cpv.eform is not None else None
    draft = DossierDraft.objects.create(
        owner=user,
        applicant=applicant,
        procedure=procedure,
        form_data=prefill(schema, applicant) if schema else {},
        updated_at=_now(now),
    )
    return draft_get_for_user(user=user, public_id=draft.public_id)


#: Top-level e-form fields filled from the applicant's account (UX
#: requirement 2: what the system already knows is not asked again).
_PREFILL_NAMES = {
    "ho_ten": "name",
    "ho_va_ten": "name",
    "ten_nguoi_yeu_cau": "name",
    "so_dien_thoai": "phone",
    "dien_thoai": "phone",
    "email": "email",
    "thu_dien_tu": "email",
}


def prefill(schema: Mapping[str, Any], applicant: Applicant) -> dict[str, Any]:
    """Starting values of a new draft from ``applicant``: the personal ID
    for ``personal-id`` fields, and the name, phone and e-mail for the
    fields named in :data:`_PREFILL_NAMES`. The citizen can still change them."""
    data: dict[str, Any] = {}
    for name, sub in schema.get("properties", {}).items():
        if sub.get("type") != "string" or sub.get("oneOf") or sub.get("enum"):
            continue
        if sub.get("format") == "personal-id":
            value = applicant.personal_id or ""
        elif sub.get("format") is None and name in _PREFILL_NAMES:
            value = str(getattr(applicant, _PREFILL_NAMES[name]) or "")
        else:
            continue
        if value:
            data[name] = value
    return data


def _require_open(draft: DossierDraft, actor: User) -> None:
    if draft.owner_id != actor.pk:
        raise _not_found()
    if draft.dossier_id is not None:
        raise DomainError(_("Hồ sơ này đã được nộp."), code="draft_submitted")


def _flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, sub in value.items():
            yield from _flatten(sub, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, list):
        for i, sub in enumerate(value):
            yield from _flatten(sub, f"{prefix}[{i}]")
    else:
        yield prefix, value


def _blank(value: Any) -> Any:
    """An untouched field and a field left empty are the same."""
    return None if value in (None, "", False) else value


@dataclass
class FieldSave:
    """What an autosave did: when, which fields changed, and the problems
    with those fields only (``{path: [messages]}``)."""

    saved_at: datetime.datetime
    changed: list[str]
    errors: dict[str, list[str]] = field(default_factory=dict)


def draft_save_field(
    *,
    draft: DossierDraft,
    actor: User,
    post: Mapping[str, Any],
    now: datetime.datetime | None = None,
) -> FieldSave:
    """Autosave: read the e-form fields from ``post``, store them, and
    validate only the fields that changed since the last save (the one the
    citizen just left). Invalid values are kept too — nothing typed is lost;
    they are reported, and checked again before moving on."""
    _require_open(draft, actor)
    schema = eform_schema(draft)
    if schema is None:
        return FieldSave(saved_at=draft.updated_at, changed=[])
    data = clean_form_data(eforms.data_from_post(schema, post), with_eform=True)
    before = dict(_flatten(draft.form_data))
    after = dict(_flatten(data))
    changed = sorted(
        k for k in after.keys() | before.keys() if _blank(before.get(k)) != _blank(after.get(k))
    )
    moment = _now(now)
    errors: dict[str, list[str]] = {}
    if changed:
        all_errors = eforms.validate(schema, data)
        errors = {
            path: messages
            for path, messages in all_errors.items()
            if any(
                path == c or path.startswith(c + ".") or c.startswith(path + ".") for c in changed
            )
        }
        DossierDraft.objects.filter(pk=draft.pk).update(form_data=data, updated_at=moment)
        draft.form_data = data
        draft.updated_at = moment
    return FieldSave(saved_at=draft.updated_at, changed=changed, errors=errors)


def draft_check_form(*, draft: DossierDraft) -> dict[str, list[str]]:
    """Every problem of the saved e-form (empty when it can be submitted)."""
    schema = eform_schema(draft)
    return eforms.validate(schema, draft.form_data) if schema is not None else {}


def draft_set_step(
    *, draft: DossierDraft, actor: User, step: str, now: datetime.datetime | None = None
) -> DossierDraft:
    """Record the furthest step reached."""
    _require_open(draft, actor)
    if step not in DraftStep.values:
        raise DomainError(_("Bước không hợp lệ."), code="invalid_step")
    if STEP_ORDER.index(DraftStep(step)) > STEP_ORDER.index(DraftStep(draft.step)):
        draft.step = step
        draft.updated_at = _now(now)
        draft.save(update_fields=["step", "updated_at"])
    return draft


def _component(draft: DossierDraft, component_id: int) -> DocumentComponent:
    cpv = draft.procedure.current_version
    component = (
        DocumentComponent.objects.filter(
            pk=component_id, version_id=cpv.procedure_version_id, mode=DocumentMode.SUBMIT
        ).first()
        if cpv is not None
        else None
    )
    if component is None:
        raise DomainError(
            _("Giấy tờ không thuộc thành phần hồ sơ của thủ tục này."), code="unknown_component"
        )
    return component


def _put(draft: DossierDraft, entry: dict[str, Any], now: datetime.datetime | None) -> None:
    items = [a for a in draft.attachments if int(a["component"]) != entry["component"]]
    items.append(entry)
    draft.attachments = items
    draft.updated_at = _now(now)
    draft.save(update_fields=["attachments", "updated_at"])


def draft_attach(
    *,
    draft: DossierDraft,
    actor: User,
    component_id: int,
    uploaded: UploadedFile | None = None,
    reused: CitizenDocument | None = None,
    now: datetime.datetime | None = None,
) -> StoredFile:
    """Attach a file for a component: an upload (checked at once by
    :func:`stored_file_create` — an empty, unreadable or disguised file is
    refused with its reason and nothing is attached) or a document of the
    applicant's store (only for a reusable component). Replaces the file
    the component had."""
    _require_open(draft, actor)
    component = _component(draft, component_id)
    if reused is not None:
        if reused.owner_id != draft.applicant_id:
            raise _not_found()
        if not component.reusable:
            raise DomainError(
                _("Giấy tờ này không được lấy từ kho dữ liệu; vui lòng tải tệp lên."),
                code="component_not_reusable",
            )
        _put(
            draft,
            {
                "component": component.pk,
                "file": str(reused.file.public_id),
                "reused": str(reused.public_id),
            },
            now,
        )
        return reused.file
    if uploaded is None:
        raise DomainError(_("Vui lòng chọn tệp để tải lên."), code="file_required")
    stored = stored_file_create(actor=actor, uploaded=uploaded)
    _put(draft, {"component": component.pk, "file": str(stored.public_id), "reused": None}, now)
    return stored


def draft_detach(
    *, draft: DossierDraft, actor: User, component_id: int, now: datetime.datetime | None = None
) -> DossierDraft:
    _require_open(draft, actor)
    draft.attachments = [a for a in draft.attachments if int(a["component"]) != component_id]
    draft.updated_at = _now(now)
    draft.save(update_fields=["attachments", "updated_at"])
    return draft


def draft_set_delivery(
    *,
    draft: DossierDraft,
    actor: User,
    result_delivery: str,
    now: datetime.datetime | None = None,
) -> DossierDraft:
    _require_open(draft, actor)
    if result_delivery not in Delivery.values:
        raise DomainError(_("Vui lòng chọn cách nhận kết quả."), code="invalid_delivery")
    draft.result_delivery = result_delivery
    draft.updated_at = _now(now)
    draft.save(update_fields=["result_delivery", "updated_at"])
    return draft


def draft_submit(
    *, draft: DossierDraft, actor: User, now: datetime.datetime | None = None
) -> Dossier:
    """File the draft as a dossier (online). Idempotent: submitting the same
    draft again (double click, retry after a network break) returns the
    dossier of the first submission."""
    if draft.owner_id != actor.pk:
        raise _not_found()
    if draft.dossier_id is not None:
        return Dossier.objects.get(pk=draft.dossier_id)
    files = draft_files(draft)
    attachments = [
        Attachment(
            file=None if item.reused is not None else item.file,
            reused=item.reused,
            component_id=item.component_id,
        )
        for item in files.values()
    ]
    with transaction.atomic():
        dossier = services.dossier_submit(
            actor=actor,
            procedure=draft.procedure,
            applicant=draft.applicant,
            form_data=draft.form_data,
            channel=Channel.ONLINE,
            result_delivery=draft.result_delivery,
            idempotency_key=idempotency_key(draft),
            attachments=attachments,
            now=now,
        )
        DossierDraft.objects.filter(pk=draft.pk).update(dossier=dossier, updated_at=_now(now))
    draft.dossier = dossier
    return dossier
