"""Reads of the documents app."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from motcua.accounts.models import Applicant, User
from motcua.core.errors import NotFound
from motcua.documents.models import CitizenDocument, StoredFile


def stored_file_get(*, public_id: uuid.UUID | str) -> StoredFile:
    try:
        return StoredFile.objects.get(public_id=public_id)
    except (StoredFile.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound("Không tìm thấy tệp.", code="file_not_found") from exc


def stored_file_get_for_user(*, user: User, public_id: uuid.UUID | str) -> StoredFile:
    """A stored file for the person who uploaded it, or whose document store
    holds it; "not found" alike for missing and forbidden."""
    stored = stored_file_get(public_id=public_id)
    if stored.uploaded_by_id == user.pk:
        return stored
    if CitizenDocument.objects.filter(file=stored, owner__user=user).exists():
        return stored
    raise NotFound("Không tìm thấy tệp.", code="file_not_found")


def citizen_document_list(
    *, owner: Applicant, kind: str | None = None, valid_on: datetime.date | None = None
) -> QuerySet[CitizenDocument]:
    """``owner``'s documents, newest first; with ``valid_on``, only those
    still valid that day (reusable in a new dossier)."""
    qs = CitizenDocument.objects.filter(owner=owner).select_related("file")
    if kind is not None:
        qs = qs.filter(kind=kind)
    if valid_on is not None:
        qs = qs.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_on))
    return qs
