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
from motcua.dossiers.access import (
    APPLICANT_ROLE,
    related_agency,
    require_applicant,
    require_one_stop_officer,
)
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.clock import (
    RECEPTION_HOURS,
    add_working_hours,
    appointment_for,
    aware_now,
    province_of,
)
from motcua.dossiers.engine import (
    Change,
    apply_change,
    clean_reasons,
    first_step,
    not_allowed,
    versioned,
)
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import State
from motcua.dossiers.submission import answer_fields


@versioned
def dossier_accept(
    *, dossier: Dossier, actor: User, expected_version: int, now: datetime.datetime | None = None
) -> Dossier:
    """Accept an online dossier (form 01): the appointment is set from the
    pinned processing time and the first workflow step starts."""
    now = aware_now(now)
    if dossier.state != State.SUBMITTED:
        raise not_allowed(dossier, "accept")
    require_one_stop_officer(dossier, actor)
    late = dossier.due_at is not None and now > dossier.due_at
    change = Change(
        action="accept",
        to_state=State.PROCESSING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=related_agency(dossier, "receiving_agency"),
        payload={"reception_late": late},
        start=first_step(dossier, now),
        appointment=(appointment_for(dossier, now), "", False),
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


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
    now = aware_now(now)
    if dossier.state != State.SUBMITTED:
        raise not_allowed(dossier, "ask_to_complete")
    require_one_stop_officer(dossier, actor)
    parts = files.requested_items_payload(dossier=dossier, items=requested)
    items = clean_reasons(
        list(missing) or [f"{p['reason']}: {p['text']}".rstrip(": ") for p in parts],
        code="missing_items_required",
    )
    if DossierEvent.objects.filter(dossier=dossier, action="ask_to_complete").exists():
        raise DomainError(
            _("Chỉ được yêu cầu hoàn thiện hồ sơ một lần, bằng một văn bản liệt kê đầy đủ."),
            code="completion_already_requested",
        )
    change = Change(
        action="ask_to_complete",
        to_state=State.COMPLETING,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=related_agency(dossier, "receiving_agency"),
        payload={"missing": items, "requested": parts, "note": note.strip()},
        set_due=True,
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


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
    now = aware_now(now)
    if dossier.state != State.COMPLETING:
        raise not_allowed(dossier, "complete")
    require_applicant(dossier, actor)
    fields = answer_fields(dossier, form_data)
    change = Change(
        action="complete",
        to_state=State.SUBMITTED,
        actor_role=APPLICANT_ROLE,
        payload={"note": note.strip(), "form_changed": form_data is not None},
        fields=fields,
        due_at=add_working_hours(province_of(dossier), now, RECEPTION_HOURS),
        set_due=True,
    )
    return apply_change(
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
    now = aware_now(now)
    if dossier.state not in (State.SUBMITTED, State.COMPLETING):
        raise not_allowed(dossier, "refuse")
    require_one_stop_officer(dossier, actor)
    change = Change(
        action="refuse",
        to_state=State.REFUSED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=related_agency(dossier, "receiving_agency"),
        payload={"reasons": clean_reasons(reasons)},
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )
