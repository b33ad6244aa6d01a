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
    _agency,
    _holder,
    _require_applicant,
    _require_holder,
    _require_officer,
)
from motcua.dossiers.clock import _now
from motcua.dossiers.engine import _STEP_STATES, _apply, _Change, _not_allowed, _reasons, versioned
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
    now = _now(now)
    if dossier.state not in _STEP_STATES:
        raise _not_allowed(dossier, "stop")
    role = _require_holder(dossier, actor, allow_leader=True)
    change = _Change(
        action="stop",
        to_state=State.STOPPED,
        actor_role=role,
        actor_agency=_holder(dossier),
        payload={"reason": _reasons([reason])[0]},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


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
    now = _now(now)
    if dossier.state != State.RESULT_READY:
        raise _not_allowed(dossier, "hand_over")
    _require_officer(dossier, actor)
    if (
        dossier.result_delivery == Delivery.ONLINE
        and not dossier.documents.filter(kind=DocumentKind.RESULT).exists()
    ):
        raise DomainError(
            _("Hồ sơ nhận kết quả trực tuyến cần có tệp kết quả trước khi trả."),
            code="result_document_missing",
        )
    change = _Change(
        action="hand_over",
        to_state=State.RETURNED,
        actor_role=str(Role.ONE_STOP_OFFICER),
        actor_agency=_agency(dossier, "receiving_agency"),
        payload={"received_by": received_by.strip(), "note": note.strip()},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)


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
    now = _now(now)
    if dossier.state in TERMINAL_STATES or dossier.state == State.DRAFT:
        raise _not_allowed(dossier, "withdraw")
    _require_applicant(dossier, actor)
    change = _Change(
        action="withdraw",
        to_state=State.WITHDRAWN,
        actor_role=APPLICANT_ROLE,
        payload={"reason": reason.strip()},
    )
    return _apply(dossier, actor=actor, expected_version=expected_version, change=change, now=now)
