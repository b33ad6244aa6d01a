"""Reads of the documents app."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet

from motcua.accounts.models import Applicant
from motcua.core.errors import NotFound
from motcua.documents.models import CitizenDocument, StoredFile


def stored_file_get(*, public_id: uuid.UUID | str) -> StoredFile:
    try:
        return StoredFile.objects.get(public_id=public_id)
    except (StoredFile.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound("Không tìm thấy tệp.") from exc


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
