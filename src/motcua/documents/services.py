"""Writes of the documents app: store a checked upload, add a document to
an applicant's store."""

from __future__ import annotations

import datetime
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from motcua.accounts.models import Applicant, User
from motcua.core.errors import DomainError, PermissionDenied
from motcua.documents import checks
from motcua.documents.models import CitizenDocument, DocumentSource, StoredFile


def _read_upload(uploaded: UploadedFile, *, max_bytes: int) -> bytes:
    """Read an upload, refusing to pull more than ``max_bytes`` + 1 into
    memory (the declared size may lie)."""
    if uploaded.size is not None:
        checks.check_size(size=uploaded.size, max_bytes=max_bytes)
    chunks: list[bytes] = []
    total = 0
    uploaded.seek(0)
    for chunk in uploaded.chunks():
        total += len(chunk)
        if total > max_bytes:
            checks.check_size(size=total, max_bytes=max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def stored_file_create(
    *,
    actor: User | None,
    uploaded: UploadedFile | None = None,
    content: bytes | None = None,
    name: str = "",
    max_bytes: int | None = None,
    max_pixels: int | None = None,
) -> StoredFile:
    """Check a file (an ``UploadedFile``, or ``content`` bytes with their
    ``name``) and store it under ``yyyy/mm/`` in the default storage, with
    a thumbnail for images. Raises :class:`DomainError` (see
    :mod:`motcua.documents.checks` for the codes) and then stores nothing.

    The file is written first and the row inside a transaction; if the row
    cannot be written, the written files are deleted again, so no orphan is
    left on disk. (Called inside a wider transaction that later rolls back,
    the file stays: sweep such orphans by comparing storage and table.)
    """
    if (uploaded is None) == (content is None):
        raise TypeError("pass exactly one of uploaded= or content=")
    limit = checks.max_upload_bytes() if max_bytes is None else max_bytes
    if uploaded is not None:
        content = _read_upload(uploaded, max_bytes=limit)
        name = name or uploaded.name or ""
    assert content is not None
    checked = checks.check_upload(
        content=content, name=name, max_bytes=limit, max_pixels=max_pixels
    )

    public_id = uuid.uuid4()
    folder = timezone.localtime().strftime("%Y/%m")
    saved: list[str] = []
    try:
        path = default_storage.save(
            f"{folder}/{public_id.hex}{checked.kind.extension}", ContentFile(content)
        )
        saved.append(path)
        thumbnail_path = ""
        if checked.thumbnail is not None:
            thumbnail_path = default_storage.save(
                f"{folder}/{public_id.hex}.thumb.jpg", ContentFile(checked.thumbnail)
            )
            saved.append(thumbnail_path)
        with transaction.atomic():
            stored = StoredFile.objects.create(
                public_id=public_id,
                original_name=checked.original_name,
                name=checked.name,
                content_type=checked.content_type,
                size=checked.size,
                sha256=checked.sha256,
                file=path,
                thumbnail=thumbnail_path,
                width=checked.width,
                height=checked.height,
                uploaded_by=actor,
            )
    except BaseException:
        for written in saved:
            default_storage.delete(written)
        raise
    return stored


def _is_staff(user: User) -> bool:
    return user.is_superuser or user.role_assignments.exists()


def citizen_document_add(
    *,
    actor: User | None,
    owner: Applicant,
    stored_file: StoredFile,
    kind: str,
    name: str,
    source: str = DocumentSource.UPLOAD,
    number: str = "",
    issuer: str = "",
    issued_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> CitizenDocument:
    """Add a document to ``owner``'s store. ``actor`` is the citizen who
    owns the store, a staff member (assisted filing, or issuing a result),
    or ``None`` for the system. Only staff or the system add results; a
    citizen may only file a file they uploaded themselves."""
    if source not in DocumentSource.values:
        raise DomainError("Nguồn giấy tờ không hợp lệ.", code="invalid_source")
    if actor is not None:
        staff = _is_staff(actor)
        if not staff:
            if owner.user_id != actor.pk:
                raise PermissionDenied("Bạn không có quyền thêm giấy tờ vào kho của người khác.")
            if source == DocumentSource.RESULT:
                raise PermissionDenied("Chỉ cơ quan giải quyết mới thêm được kết quả giải quyết.")
            if stored_file.uploaded_by_id not in (None, actor.pk):
                raise PermissionDenied("Tệp này không phải do bạn tải lên.")
    kind = kind.strip()
    name = " ".join(name.split())
    if not kind:
        raise DomainError("Chưa chọn loại giấy tờ.", code="missing_kind")
    if not name:
        raise DomainError("Chưa nhập tên giấy tờ.", code="missing_name")
    if issued_on is not None and valid_until is not None and valid_until < issued_on:
        raise DomainError("Ngày hết hiệu lực không được trước ngày cấp.", code="invalid_validity")
    with transaction.atomic():
        return CitizenDocument.objects.create(
            owner=owner,
            file=stored_file,
            kind=kind[:64],
            name=name[:255],
            number=number.strip()[:100],
            issuer=issuer.strip()[:255],
            issued_on=issued_on,
            valid_until=valid_until,
            source=source,
        )
