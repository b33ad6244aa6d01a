"""Files that travel with a dossier (:class:`DossierDocument`).

The actions that add files (submit, complete, supplement, decide) take a
list of :class:`Attachment`; this module checks them against the pinned
procedure version's document components and creates the rows inside the
action's transaction, tagged with the action's event number.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import DocumentComponent, DocumentMode, UnsignedResultPolicy
from motcua.core.errors import DomainError
from motcua.core.limits import InputRejected, limits
from motcua.documents.models import CitizenDocument, StoredFile
from motcua.documents.signatures import SignatureStatus, pdf_signature_check
from motcua.dossiers.models import DocumentKind, Dossier, DossierDocument, SignatureMark

#: Why a part of a dossier is sent back (UX requirement 8: a reason code,
#: a text and the part concerned). Stable codes, Vietnamese labels.
REASON_CODES: dict[str, str] = {
    "missing": "Thiếu giấy tờ",
    "illegible": "Bản chụp, bản quét không đọc được",
    "invalid": "Giấy tờ không hợp lệ",
    "expired": "Giấy tờ hết hiệu lực",
    "mismatch": "Thông tin không khớp giữa các giấy tờ",
    "form_error": "Tờ khai thiếu hoặc sai thông tin",
    "other": "Lý do khác",
}


@dataclass(frozen=True)
class Attachment:
    """One file for an action: a stored upload (``file``) or a document of
    the applicant's data store (``reused``), for ``component`` (the id of a
    :class:`DocumentComponent` of the pinned procedure version; ``None`` for
    a result or an extra document)."""

    file: StoredFile | None = None
    reused: CitizenDocument | None = None
    component_id: int | None = None
    title: str = ""
    signature: str = ""  # SignatureMark of a result file ("" = not checked)
    signed_by: str = ""


@dataclass(frozen=True)
class RequestedItem:
    """One part of the dossier the applicant must fix (form 02)."""

    reason_code: str
    text: str
    component_id: int | None = None


class _ComponentsCache:
    """The document components of a published procedure version, cached per
    process (published versions are immutable). ``cache_clear()`` also
    forgets the pinned configuration versions and agencies cached by
    :mod:`motcua.dossiers.services` (tests call it: row ids are reused after
    a rollback)."""

    def __init__(self) -> None:
        self._data: dict[int, tuple[DocumentComponent, ...]] = {}
        self.clear_hooks: list[Callable[[], None]] = []

    def __call__(self, procedure_version_id: int) -> tuple[DocumentComponent, ...]:
        found = self._data.get(procedure_version_id)
        if found is None:
            found = tuple(
                DocumentComponent.objects.filter(version_id=procedure_version_id).order_by(
                    "position"
                )
            )
            if len(self._data) >= 2048:
                self._data.clear()
            self._data[procedure_version_id] = found
        return found

    def cache_clear(self) -> None:
        self._data.clear()
        for hook in self.clear_hooks:
            hook()


components_of = _ComponentsCache()


def _components(dossier: Dossier) -> dict[int, DocumentComponent]:
    version_id = dossier.configured_procedure_version.procedure_version_id
    return {c.pk: c for c in components_of(version_id)}


def _check_owned(*, attachment: Attachment, actor: User, dossier: Dossier) -> StoredFile:
    if attachment.reused is not None:
        if attachment.reused.owner_id != dossier.applicant_id:
            raise DomainError(
                _("Giấy tờ trong kho dữ liệu không thuộc người nộp hồ sơ."),
                code="document_not_owned",
            )
        return attachment.reused.file
    if attachment.file is None:
        raise DomainError(_("Thiếu tệp đính kèm."), code="file_required")
    if attachment.file.uploaded_by_id not in (actor.pk, None):
        raise DomainError(_("Tệp đính kèm không do bạn tải lên."), code="document_not_owned")
    return attachment.file


def _check_count(dossier: Dossier, adding: int) -> None:
    """At most ``MOTCUA_DOSSIER_MAX_DOCUMENTS`` documents per dossier, over
    all its actions."""
    if not adding:
        return
    most = limits().dossier_documents
    existing = DossierDocument.objects.filter(dossier_id=dossier.pk).count() if dossier.pk else 0
    if existing + adding > most:
        raise InputRejected(
            _("Hồ sơ chỉ được kèm tối đa %(most)d giấy tờ.") % {"most": most},
            code="too_many_documents",
            field="documents",
        )


def check_attachments(
    *,
    dossier: Dossier,
    actor: User,
    attachments: Sequence[Attachment],
    require_all: bool,
) -> list[tuple[Attachment, StoredFile, DocumentComponent | None]]:
    """Check ``attachments`` for ``dossier`` (no query for the components
    after the first call per procedure version). With ``require_all``,
    every required component to be submitted must be present."""
    _check_count(dossier, len(attachments))
    components = _components(dossier)
    checked: list[tuple[Attachment, StoredFile, DocumentComponent | None]] = []
    for attachment in attachments:
        component = None
        if attachment.component_id is not None:
            component = components.get(attachment.component_id)
            if component is None:
                raise DomainError(
                    _("Giấy tờ không thuộc thành phần hồ sơ của thủ tục này."),
                    code="unknown_component",
                )
        stored = _check_owned(attachment=attachment, actor=actor, dossier=dossier)
        checked.append((attachment, stored, component))
    if require_all:
        present = {c.pk for _a, _f, c in checked if c is not None}
        missing = [
            c
            for c in components.values()
            if c.required and c.mode == DocumentMode.SUBMIT and c.pk not in present
        ]
        if missing:
            raise DomainError(
                _("Còn thiếu giấy tờ bắt buộc: %(names)s.")
                % {"names": "; ".join(c.name for c in missing)},
                code="documents_missing",
                errors=[
                    {
                        "field": f"documents.{c.pk}",
                        "message": _("Bắt buộc nộp: %(name)s") % {"name": c.name},
                    }
                    for c in missing
                ],
            )
    return checked


def create_documents(
    *,
    dossier: Dossier,
    actor: User | None,
    kind: str,
    checked: Sequence[tuple[Attachment, StoredFile, DocumentComponent | None]],
    event_seq: int,
    now: datetime.datetime,
) -> list[DossierDocument]:
    """Create the rows (one query); call inside the action's transaction."""
    if not checked:
        return []
    rows = [
        DossierDocument(
            dossier=dossier,
            kind=kind,
            component=component,
            title=(
                attachment.title
                or (component.name if component is not None else "")
                or (str(DocumentKind(kind).label))
            )[:500],
            file=stored,
            reused_from=attachment.reused,
            signature=attachment.signature,
            signed_by=attachment.signed_by[:200],
            event_seq=event_seq,
            added_by=actor,
            added_at=now,
        )
        for attachment, stored, component in checked
    ]
    return DossierDocument.objects.bulk_create(rows)


def payload_of(
    checked: Sequence[tuple[Attachment, StoredFile, DocumentComponent | None]],
) -> list[dict[str, object]]:
    """What the event records about the files (hashes, not contents)."""
    return [
        {
            "file": str(stored.public_id),
            "sha256": stored.sha256,
            "component": component.pk if component is not None else None,
            "reused": attachment.reused is not None,
        }
        for attachment, stored, component in checked
    ]


def requested_items_payload(
    *, dossier: Dossier, items: Sequence[RequestedItem]
) -> list[dict[str, object]]:
    """Validate the parts to fix (reason code, text, component) and encode
    them for the event."""
    components = _components(dossier)
    encoded: list[dict[str, object]] = []
    for item in items:
        if item.reason_code not in REASON_CODES:
            raise DomainError(
                _("Mã lý do không hợp lệ: %(code)s.") % {"code": item.reason_code},
                code="invalid_reason_code",
            )
        component = None
        if item.component_id is not None:
            component = components.get(item.component_id)
            if component is None:
                raise DomainError(
                    _("Giấy tờ không thuộc thành phần hồ sơ của thủ tục này."),
                    code="unknown_component",
                )
        encoded.append(
            {
                "reason_code": item.reason_code,
                "reason": REASON_CODES[item.reason_code],
                "text": item.text.strip(),
                "component": component.pk if component is not None else None,
                "component_name": component.name if component is not None else "",
            }
        )
    return encoded


def result_signature_mark(*, dossier: Dossier, content: bytes) -> tuple[str, str]:
    """``(SignatureMark, signer)`` for a result file of ``dossier``, under
    its procedure's policy for unsigned results (decision record 0022): a
    broken signature is always refused; no signature is refused or marked
    "chưa ký số". Raises :class:`DomainError` when refused."""
    if not content.startswith(b"%PDF-"):
        raise DomainError(_("Tệp kết quả phải là tệp PDF đã ký số."), code="result_not_pdf")
    check = pdf_signature_check(content=content)
    if check.status == SignatureStatus.SIGNED:
        return SignatureMark.SIGNED, check.signer
    if check.status == SignatureStatus.BROKEN:
        raise DomainError(
            _(
                "Chữ ký số trong tệp kết quả không hợp lệ: tệp đã bị thay đổi sau khi ký. "
                "Vui lòng ký số lại tệp gốc rồi tải lên."
            ),
            code="result_signature_broken",
        )
    policy = dossier.configured_procedure_version.configured.unsigned_result_policy
    if policy == UnsignedResultPolicy.REFUSE:
        raise DomainError(
            _(
                "Tệp kết quả chưa được ký số. Thủ tục này chỉ nhận kết quả đã ký số: "
                "vui lòng ký số tệp rồi tải lên lại."
            ),
            code="result_unsigned",
        )
    return SignatureMark.UNSIGNED, ""
