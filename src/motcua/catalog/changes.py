"""What every change to the catalogue shares: the actor type, the audit row
written in the change's transaction (:func:`audit_record`) and the rule that
a published version is never edited (:func:`ensure_draft`).
"""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.catalog.models import (
    CatalogAuditEvent,
    VersionStatus,
)
from motcua.core.errors import Conflict

Actor = User | None


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str, ensure_ascii=False))


def audit_record(
    *,
    actor: Actor,
    action: str,
    obj: Any,
    before: Any = None,
    after: Any = None,
    object_id: str | None = None,
) -> CatalogAuditEvent:
    return CatalogAuditEvent.objects.create(
        actor=actor,
        action=action,
        object_type=type(obj).__name__ if not isinstance(obj, str) else obj,
        object_id=object_id if object_id is not None else str(getattr(obj, "pk", "")),
        before=_jsonable(before) if before is not None else None,
        after=_jsonable(after) if after is not None else None,
    )


def ensure_draft(status: str) -> None:
    if status == VersionStatus.PUBLISHED:
        raise Conflict(
            _("Phiên bản đã công bố không được sửa; hãy tạo phiên bản mới."),
            code="published_immutable",
        )
