"""The one-stop check of a submitted dossier: accept (form 01), ask to
complete once (form 02), the applicant completes, refuse (form 03).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.core.errors import DomainError
from motcua.dossiers import attachments as files
from motcua.dossiers.access import APPLICANT_ROLE, _agency, _require_applicant, _require_officer
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.clock import RECEPTION_HOURS, _add_hours, _appointment, _now, _province
from motcua.dossiers.engine import _apply, _Change, _first_step, _not_allowed, _reasons, versioned
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.submission import _answer_fields


@versioned
def dossier_accept(
    *, dossier: Dossier, actor: User, expected_version: int, now: datetime.datetime | None = None
) -> Dossier:
    """Accept an online dossier (form 01): the appointment is set from the
    pinned processing time and the first workflow step starts."""
    now = _now(now)
    if dossier.state != State.SUBMITTED:
        raise _not_allowed(dossier, "accept")
    _require_officer(dossier, actor)
    late = dossier.due_at is not None and now > dossier.due_at
    change = _Change(
        action="accept",
        to_state=State.PROCESSING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"reception_late": late},
        start=_first_step(dossier, now),
        appointment=(_appointment(dossier, now), "", False),
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


@versioned
def dossier_ask_to_complete(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    missing: Sequence[str] = (),
    requested: Sequence[RequestedItem] = (),
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """Ask the applicant, once and in one written list, to complete the
    dossier before it is accepted (form 02). The reception clock stops.
    ``requested`` names each part to fix with a reason code."""
    now = _now(now)
    if dossier.state != State.SUBMITTED:
        raise _not_allowed(dossier, "ask_to_complete")
    _require_officer(dossier, actor)
    parts = files.requested_items_payload(dossier=dossier, items=requested)
    items = _reasons(
        list(missing) or [f"{p['reason']}: {p['text']}".rstrip(": ") for p in parts],
        code="missing_items_required",
    )
    if DossierEvent.objects.filter(dossier=dossier, action="ask_to_complete").exists():
        raise DomainError(
            _("Chỉ được yêu cầu hoàn thiện hồ sơ một lần, bằng một văn bản liệt kê đầy đủ."),
            code="completion_already_requested",
        )
    change = _Change(
        action="ask_to_complete",
        to_state=State.COMPLETING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"missing": items, "requested": parts, "note": note.strip()},
        set_due=True,
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


@versioned
def dossier_complete(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    form_data: Mapping[str, Any] | None = None,
    note: str = "",
    attachments: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant completes the dossier; a new reception clock starts."""
    now = _now(now)
    if dossier.state != State.COMPLETING:
        raise _not_allowed(dossier, "complete")
    _require_applicant(dossier, actor)
    fields = _answer_fields(dossier, form_data)
    change = _Change(
        action="complete",
        to_state=State.SUBMITTED,
        actor_role=APPLICANT_ROLE,
        payload={"note": note.strip(), "form_changed": form_data is not None},
        fields=fields,
        due_at=_add_hours(_province(dossier), now, RECEPTION_HOURS),
        set_due=True,
    )
    return _apply(
        dossier,
        actor=actor,
        expected_version=expected_version,
        change=change,
        now=now,
        files=attachments,
    )


@versioned
def dossier_refuse(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reasons: Sequence[str],
    now: datetime.datetime | None = None,
) -> Dossier:
    """Refuse to accept the dossier, with reasons (form 03)."""
    now = _now(now)
    if dossier.state not in (State.SUBMITTED, State.COMPLETING):
        raise _not_allowed(dossier, "refuse")
    _require_officer(dossier, actor)
    change = _Change(
        action="refuse",
        to_state=State.REFUSED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"reasons": _reasons(reasons)},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)
