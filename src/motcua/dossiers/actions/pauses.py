"""Pauses of the processing clock and the appointment: ask to supplement
(once), supplement, ask to pay, pay; and the apology that re-schedules the
appointment (form 04).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from motcua.accounts.models import User
from motcua.core.errors import DomainError
from motcua.dossiers import attachments as files
from motcua.dossiers.access import APPLICANT_ROLE, holder_agency, require_applicant, require_holder
from motcua.dossiers.attachments import Attachment, RequestedItem
from motcua.dossiers.clock import (
    add_working_seconds,
    aware_now,
    province_of,
    working_seconds_between,
)
from motcua.dossiers.engine import Change, apply_change, clean_reasons, not_allowed, versioned
from motcua.dossiers.models import AppointmentChange, Dossier, DossierEvent, PauseInterval
from motcua.dossiers.states import State
from motcua.dossiers.submission import answer_fields


@versioned
def dossier_ask_to_supplement(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    reason: str,
    items: Sequence[str] = (),
    requested: Sequence[RequestedItem] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder asks the applicant to supplement (form 02) — once per
    dossier. The clock pauses until the applicant answers."""
    now = aware_now(now)
    if dossier.state != State.PROCESSING:
        raise not_allowed(dossier, "ask_to_supplement")
    role = require_holder(dossier, actor)
    text = clean_reasons([reason])[0]
    if DossierEvent.objects.filter(dossier=dossier, action="ask_to_supplement").exists():
        raise DomainError(
            _("Hồ sơ đã được yêu cầu bổ sung một lần; không được yêu cầu bổ sung lần thứ hai."),
            code="supplement_already_requested",
        )
    change = Change(
        action="ask_to_supplement",
        to_state=State.SUPPLEMENTING,
        actor_role=role,
        actor_agency=holder_agency(dossier),
        payload={
            "reason": text,
            "items": [i.strip() for i in items if i.strip()],
            "requested": files.requested_items_payload(dossier=dossier, items=requested),
        },
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


def _resume(
    dossier: Dossier,
    *,
    action: str,
    reason: str,
    actor_role: str,
    payload: dict[str, Any],
    fields: dict[str, Any],
    now: datetime.datetime,
) -> Change:
    """Leave a pause: the appointment and the open step's deadline move by
    the working time the pause lasted (whole seconds)."""
    started = (
        PauseInterval.objects.filter(dossier=dossier, ended_at__isnull=True)
        .values_list("started_at", flat=True)
        .first()
    ) or dossier.last_event_at
    assert started is not None
    paused = max(working_seconds_between(dossier, started, now), 0)
    province = province_of(dossier)
    appointment = None
    step_due = dossier.due_at
    if paused:
        if dossier.appointment_at is not None:
            new = add_working_seconds(province, dossier.appointment_at, paused)
            appointment = (new, reason, False)
        if step_due is not None:
            step_due = add_working_seconds(province, step_due, paused)
    return Change(
        action=action,
        to_state=State.PROCESSING,
        actor_role=actor_role,
        payload={"paused_seconds": paused, **payload},
        fields=fields,
        appointment=appointment,
        step_due_at=step_due if paused else None,
        due_at=step_due,
        set_due=bool(paused),
    )


@versioned
def dossier_supplement(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    form_data: Mapping[str, Any] | None = None,
    note: str = "",
    attachments: Sequence[Attachment] = (),
    now: datetime.datetime | None = None,
) -> Dossier:
    """The applicant supplements; processing resumes at the same step. The
    appointment and the step's deadline move by the working time paused."""
    now = aware_now(now)
    if dossier.state != State.SUPPLEMENTING:
        raise not_allowed(dossier, "supplement")
    require_applicant(dossier, actor)
    fields = answer_fields(dossier, form_data)
    change = _resume(
        dossier,
        action="supplement",
        reason=_("Tạm dừng để bổ sung hồ sơ"),
        actor_role=APPLICANT_ROLE,
        payload={"note": note.strip(), "form_changed": form_data is not None},
        fields=fields,
        now=now,
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
def dossier_ask_to_pay(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    amount_vnd: int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """The holder asks the applicant to meet a financial obligation (fees,
    taxes); the clock pauses until it is paid."""
    now = aware_now(now)
    if dossier.state != State.PROCESSING:
        raise not_allowed(dossier, "ask_to_pay")
    role = require_holder(dossier, actor)
    if amount_vnd <= 0:
        raise DomainError(_("Số tiền phải lớn hơn 0."), code="amount_invalid")
    change = Change(
        action="ask_to_pay",
        to_state=State.AWAITING_PAYMENT,
        actor_role=role,
        actor_agency=holder_agency(dossier),
        payload={"amount_vnd": amount_vnd, "reason": clean_reasons([reason])[0]},
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


@versioned
def dossier_pay(
    *,
    dossier: Dossier,
    actor: User | None,
    expected_version: int,
    reference: str = "",
    now: datetime.datetime | None = None,
) -> Dossier:
    """The obligation is met: by the applicant, or by a payment gateway's
    confirmation (``actor=None``, called only by the payment plugin).
    Processing resumes; the appointment moves by the paused working time."""
    now = aware_now(now)
    if dossier.state != State.AWAITING_PAYMENT:
        raise not_allowed(dossier, "pay")
    if actor is not None:
        require_applicant(dossier, actor)
    change = _resume(
        dossier,
        action="pay",
        reason=_("Tạm dừng chờ thực hiện nghĩa vụ tài chính"),
        actor_role=APPLICANT_ROLE if actor is not None else "payment_gateway",
        payload={"reference": reference.strip()},
        fields={},
        now=now,
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )


@versioned
def dossier_apologise(
    *,
    dossier: Dossier,
    actor: User,
    expected_version: int,
    new_appointment: datetime.datetime,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dossier:
    """Apologise and re-schedule (form 04), before the appointment passes
    and only once; the new appointment is recorded as lateness."""
    now = aware_now(now)
    if dossier.state not in (State.PROCESSING, State.SUPPLEMENTING, State.AWAITING_PAYMENT):
        raise not_allowed(dossier, "apologise")
    role = require_holder(dossier, actor, allow_leader=True)
    text = clean_reasons([reason])[0]
    if dossier.appointment_at is None or now >= dossier.appointment_at:
        raise DomainError(
            _("Đã quá ngày hẹn trả kết quả; văn bản xin lỗi phải gửi trước ngày hẹn."),
            code="appointment_passed",
        )
    if new_appointment <= dossier.appointment_at:
        raise DomainError(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại."), code="appointment_not_later"
        )
    if AppointmentChange.objects.filter(dossier=dossier, lateness=True).exists():
        raise DomainError(
            _("Hồ sơ chỉ được hẹn lại ngày trả kết quả một lần."), code="apology_already_made"
        )
    change = Change(
        action="apologise",
        to_state=dossier.state,
        actor_role=role,
        actor_agency=holder_agency(dossier),
        payload={"reason": text},
        appointment=(new_appointment, text, True),
    )
    return apply_change(
        dossier, actor=actor, expected_version=expected_version, change=change, now=now
    )
