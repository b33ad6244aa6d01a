"""The applicant's answer to a request to complete (before acceptance) or
supplement (during processing) a dossier: the parts the officer named, and
nothing else. The portal and the API both answer through
:func:`dossier_answer_request`, so a part nobody asked for, a missing part,
or a corrected e-form nobody asked for is refused alike (422, stable code).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers import services
from motcua.dossiers.attachments import Attachment
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State

#: The states in which the applicant answers, and the service that answers.
ANSWERABLE = {State.SUPPLEMENTING: "supplement", State.COMPLETING: "complete"}
_REQUEST_ACTIONS = ("ask_to_supplement", "ask_to_complete")


class AnswerRefused(DomainError):
    """The answer does not match what was asked."""

    status = 422
    title = "Nội dung bổ sung không đúng yêu cầu"


@dataclass(frozen=True)
class OpenRequest:
    """What the applicant was asked: the request's reason, the named parts
    (``reason_code``, ``reason``, ``text``, ``component``,
    ``component_name``), the components to upload again, and whether the
    e-form may be corrected (a ``form_error`` part, or a request that names
    no component)."""

    event: DossierEvent | None
    reason: str = ""
    parts: list[dict[str, Any]] = field(default_factory=list)
    components: list[int] = field(default_factory=list)
    form_fix: bool = False


def open_request(*, dossier: Dossier, events: Sequence[DossierEvent] | None = None) -> OpenRequest:
    """The request the applicant must answer now (an empty one when the
    dossier waits for no answer)."""
    if dossier.state not in ANSWERABLE:
        return OpenRequest(event=None)
    rows = (
        list(events)
        if events is not None
        else list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
    )
    asked = next((e for e in reversed(rows) if e.action in _REQUEST_ACTIONS), None)
    payload = asked.payload if asked is not None else {}
    parts = [dict(p) for p in payload.get("requested", [])]
    components = sorted({int(p["component"]) for p in parts if p.get("component")})
    cpv = services.pinned_version(dossier.configured_procedure_version_id)
    has_form = cpv.eform_id is not None
    form_fix = has_form and (
        any(p.get("reason_code") == "form_error" for p in parts) or not components
    )
    return OpenRequest(
        event=asked,
        reason=str(payload.get("reason", "")),
        parts=parts,
        components=components,
        form_fix=form_fix,
    )


def check_answer(
    *,
    request: OpenRequest,
    attachments: Sequence[Attachment],
    form_data: Mapping[str, Any] | None,
) -> None:
    """Refuse (422) a file for a part nobody asked for, a named part left
    out, or a corrected e-form nobody asked for. Extra documents without a
    component are allowed (the portal's "other document")."""
    given = [a.component_id for a in attachments if a.component_id is not None]
    not_asked = sorted({c for c in given if c not in request.components})
    if not_asked:
        raise AnswerRefused(
            _("Có giấy tờ cho thành phần không được yêu cầu bổ sung."),
            code="part_not_requested",
            errors=[{"field": "documents", "message": str(c)} for c in not_asked],
        )
    missing = [p for p in request.parts if p.get("component") and p["component"] not in given]
    if missing:
        raise AnswerRefused(
            _("Còn thiếu giấy tờ được yêu cầu: %(names)s.")
            % {"names": "; ".join(str(p.get("component_name") or p["component"]) for p in missing)},
            code="requested_part_missing",
            errors=[
                {"field": f"documents.{p['component']}", "message": str(p.get("text", ""))}
                for p in missing
            ],
        )
    if form_data is not None and not request.form_fix:
        raise AnswerRefused(
            _("Tờ khai không nằm trong yêu cầu bổ sung; không được sửa tờ khai."),
            code="form_not_requested",
            errors=[{"field": "form_data", "message": "not requested"}],
        )


@services.versioned
def dossier_answer_request(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    attachments: Sequence[Attachment] = (),
    form_data: Mapping[str, Any] | None = None,
    note: str = "",
    request: OpenRequest | None = None,
    action: str | None = None,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Answer the open request with the named parts (and the corrected
    e-form when it was asked for): ``supplement`` or ``complete`` (``action``,
    when given, must be the one the state calls for)."""
    expected = ANSWERABLE.get(State(dossier.state))
    if expected is None or action not in (None, expected):
        raise DomainError(
            _("Hồ sơ hiện không chờ bổ sung hoặc hoàn thiện."), code="action_not_allowed"
        )
    services.require_applicant(dossier, actor)
    check_answer(
        request=request or open_request(dossier=dossier),
        attachments=attachments,
        form_data=form_data,
    )
    return services.ACTIONS[expected](
        dossier=dossier,
        actor=actor,
        expected_version=expected_version,
        form_data=form_data,
        note=note,
        attachments=attachments,
        now=now,
    )
