"""The files API (mounted at ``/api/v1/files``): upload a file once, then
reference it by its ``id`` in a submission (``documents: [{component,
file}]``). The file is checked at once (empty, unreadable, disguised or too
large files are refused with a Vietnamese reason and a stable code)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponseBase
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from motcua.accounts.models import User
from motcua.api.auth import STAFF_AUTH, SUBMIT_AUTH
from motcua.core.errors import NotFound
from motcua.core.throttling import throttle_request
from motcua.documents.models import StoredFile
from motcua.documents.selectors import stored_file_get_for_user
from motcua.documents.services import stored_file_create

log = logging.getLogger(__name__)

router = Router(tags=["Tệp"])


class FileOut(Schema):
    id: uuid.UUID
    name: str
    content_type: str
    size: int
    sha256: str
    thumbnail_url: str = Field(
        description=(
            "Ảnh thu nhỏ (JPEG) của ảnh tải lên: GET với cùng mã truy cập, chỉ người tải lên "
            "xem được; với tệp không phải ảnh là biểu tượng tĩnh"
        )
    )


def file_out(stored: StoredFile) -> FileOut:
    return FileOut(
        id=stored.public_id,
        name=stored.name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        thumbnail_url=(
            reverse("api-v1:file_thumbnail", kwargs={"file_id": stored.public_id})
            if stored.thumbnail
            else stored.thumbnail_url
        ),
    )


@router.get(
    "/{file_id}/thumbnail",
    response={200: None},
    auth=STAFF_AUTH,
    url_name="file_thumbnail",
    summary="Ảnh thu nhỏ của tệp đã tải lên",
    openapi_extra={"responses": {200: {"description": "JPEG", "content": {"image/jpeg": {}}}}},
)
def thumbnail(request: HttpRequest, file_id: uuid.UUID) -> HttpResponseBase:
    """The thumbnail of an uploaded image, for the person who uploaded it
    (or whose document store holds it); every read is logged."""
    user: Any = request.user
    assert isinstance(user, User)
    stored = stored_file_get_for_user(user=user, public_id=file_id)
    if not stored.thumbnail:
        raise NotFound("Tệp này không có ảnh thu nhỏ.", code="thumbnail_not_found")
    log.info("thumbnail read: file=%s user=%s", stored.public_id, user.pk)
    response = FileResponse(stored.thumbnail.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, no-store"
    return response


@router.post("", response={201: FileOut}, auth=SUBMIT_AUTH, summary="Tải lên một tệp")
def upload(request: HttpRequest, file: File[UploadedFile]) -> Status[FileOut]:
    user: Any = request.user
    assert isinstance(user, User)
    throttle_request(request=request, scope="upload", setting="MOTCUA_THROTTLE_UPLOAD")
    stored = stored_file_create(actor=user, uploaded=file)
    return Status(201, file_out(stored))
