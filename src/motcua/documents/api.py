"""The files API (mounted at ``/api/v1/files``): upload a file once, then
reference it by its ``id`` in a submission (``documents: [{component,
file}]``). The file is checked at once (empty, unreadable, disguised or too
large files are refused with a Vietnamese reason and a stable code)."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import HttpRequest
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.accounts.models import User
from motcua.api.auth import STAFF_AUTH
from motcua.core.throttling import throttle_request
from motcua.documents.models import StoredFile
from motcua.documents.services import stored_file_create

router = Router(tags=["Tệp"])


class FileOut(Schema):
    id: uuid.UUID
    name: str
    content_type: str
    size: int
    sha256: str
    thumbnail_url: str


def file_out(stored: StoredFile) -> FileOut:
    return FileOut(
        id=stored.public_id,
        name=stored.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        thumbnail_url=stored.thumbnail_url,
    )


@router.post("", response={201: FileOut}, auth=STAFF_AUTH, summary="Tải lên một tệp")
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[FileOut]:
    user: Any = request.user
    assert isinstance(user, User)
    throttle_request(request=request, scope="upload", setting="MOTCUA_THROTTLE_UPLOAD")
    stored = stored_file_create(actor=user, uploaded=file)
    return Status(201, file_out(stored))
