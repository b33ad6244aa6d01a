"""The ends of a dossier's life: stop (form 05), hand the result over,
withdraw.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from motcua.accounts.models import Role, User
from motcua.core.errors import DomainError
from motcua.dossiers.access import (
    APPLICANT_ROLE,
    holder_agency,
    related_agency,
    require_applicant,
    require_holder,
    require_one_stop_officer,
)
from motcua.dossiers.clock import aware_now
from motcua.dossiers.engine import (
    STEP_STATES,
    Change,
    apply_change,
    clean_reasons,
    not_allowed,
    versioned,
)
from motcua.dossiers.models import Delivery, DocumentKind, Dossier
from motcua.dossiers.states import TERMINAL_STATES, State


@versioned
def dossier_stop(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Stop processing (form 05): the holder, with the leader's approval, or
    the leader of the holding unit."""
    now = aware_now(now)
    if dossier.state not in STEP_STATES:
        raise not_allowed(dossier, "stop")
    role = require_holder(dossier, actor, allow_leader=True)
    change = Change(
        action="stop",
        to_state=State.STOPPED,
        actor_role=role,
        actor_agency=holder_agency(dossier),
        payload={"reason": clean_reasons([reason])[0]},
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


@versioned
def dossier_hand_over(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    received_by: str = "",
    note: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The one-stop officer hands the result over (or records delivery)."""
    now = aware_now(now)
    if dossier.state != State.RESULT_READY:
        raise not_allowed(dossier, "hand_over")
    require_one_stop_officer(dossier, actor)
    if (
        dossier.result_delivery == Delivery.ONLINE
        and not dossier.documents.filter(kind=DocumentKind.RESULT).exists()
    ):
        raise DomainError(
            _("Hồ sơ nhận kết quả trực tuyến cần có tệp kết quả trước khi trả."),
            code="result_document_missing",
        )
    change = Change(
        action="hand_over",
        to_state=State.RETURNED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=related_agency(dossier, "receiving_agency"),
        payload={"received_by": received_by.strip(), "note": note.strip()},
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


@versioned
def dossier_withdraw(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant withdraws the dossier (any non-terminal state)."""
    now = aware_now(now)
    if dossier.state in TERMINAL_STATES or dossier.state == State.DRAFT:
        raise not_allowed(dossier, "withdraw")
    require_applicant(dossier, actor)
    change = Change(
        action="withdraw",
        to_state=State.WITHDRAWN,
        actor_role=APPLICANT_ROLE,
        payload={"reason": reason.strip()},
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )
