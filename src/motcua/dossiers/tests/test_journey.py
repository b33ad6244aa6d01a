"""The lifecycle at service level, with explicit moments (Monday 2 March
2026 is an ordinary working week)."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest

from motcua.accounts.models import Applicant
from motcua.calendar.services import add_working_days, add_working_time, working_time_between
from motcua.catalog.models import ConfiguredProcedure
from motcua.core.errors import Conflict, DomainError
from motcua.dossiers import services
from motcua.dossiers.hashing import verify_chain
from motcua.dossiers.models import (
    AppointmentChange,
    Dossier,
    DossierEvent,
    PauseInterval,
    StepRun,
)
from motcua.dossiers.states import State, replay
from motcua.dossiers.tests.factories import local, result_attachment
from motcua.testing import Personas

H = datetime.timedelta(hours=1)


def submit(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant, **kw: Any) -> Dossier:
    kw.setdefault("now", local(2026, 3, 2, 8))
    return services.dossier_submit(actor=p.citizen, procedure=procedure, applicant=applicant, **kw)


def accepted(p: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> Dossier:
    d = submit(p, procedure, applicant)
    return services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )


def fresh(d: Dossier) -> Dossier:
    return Dossier.objects.get(pk=d.pk)


def assert_replay_matches(d: Dossier) -> None:
    d = fresh(d)
    events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
    snap = replay(events)
    assert snap.state == d.state
    assert snap.national_status == d.national_status
    assert snap.version == d.version
    assert snap.current_step == d.current_step
    assert snap.accepted_at == d.accepted_at
    assert snap.first_appointment_at == d.first_appointment_at
    assert snap.appointment_at == d.appointment_at
    assert snap.due_at == d.due_at
    assert snap.finished_at == d.finished_at
    changes = list(AppointmentChange.objects.filter(dossier=d).order_by("at", "id"))
    assert [(a.previous, a.new, a.reason, a.lateness, a.at) for a in snap.appointments] == [
        (c.previous, c.new, c.reason, c.lateness, c.at) for c in changes
    ]
    runs = list(StepRun.objects.filter(dossier=d).order_by("started_at", "id"))
    assert [
        (s.step_key, s.parent_step, s.started_at, s.due_at, s.ended_at, s.consumed_seconds)
        for s in snap.steps
    ] == [
        (r.step_key, r.parent_step, r.started_at, r.due_at, r.ended_at, r.consumed_seconds)
        for r in runs
    ]
    pauses = list(PauseInterval.objects.filter(dossier=d).order_by("started_at"))
    assert [(x.kind, x.started_at, x.ended_at) for x in snap.pauses] == [
        (x.kind, x.started_at, x.ended_at) for x in pauses
    ]
    assert verify_chain(d, events) is None


def test_full_journey(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = submit(p, procedure, applicant)
    assert re.fullmatch(r"000\.01\.01\.H99-260302-0001", d.code)
    assert d.state == State.SUBMITTED and d.national_status == 1 and d.version == 1
    # 8 working hours from Monday 08:00: Tuesday 08:00.
    assert d.due_at == local(2026, 3, 3, 8)
    assert d.holder_agency == p.place.agency_a and d.holder_role == "one_stop_officer"

    d = services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 9)
    )
    assert d.state == State.PROCESSING and d.national_status == 2
    assert d.accepted_at == local(2026, 3, 2, 9)
    assert d.first_appointment_at == d.appointment_at == local(2026, 3, 5, 9)
    assert d.current_step == "reception"
    assert d.due_at == local(2026, 3, 2, 15)  # 4 working hours

    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    assert d.current_step == "specialist" and d.national_status == 4
    assert d.due_at == local(2026, 3, 3, 16)  # 12 working hours from Monday 10:00
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=3, now=local(2026, 3, 3, 10)
    )
    assert d.current_step == "leader" and d.holder_role == "leader"
    d = services.dossier_decide(
        dossier=d,
        actor=p.leader,
        expected_version=4,
        result=[result_attachment(p.leader)],
        now=local(2026, 3, 3, 14),
    )
    assert d.state == State.RESULT_READY and d.national_status == 9
    assert [(doc.kind, doc.event_seq) for doc in d.documents.all()] == [("result", 5)]
    assert d.finished_at == local(2026, 3, 3, 14) and d.due_at is None
    assert d.holder_role == "one_stop_officer"
    d = services.dossier_hand_over(
        dossier=d,
        actor=p.officer,
        expected_version=5,
        received_by="Nguyễn Văn An",
        now=local(2026, 3, 4, 8),
    )
    assert d.state == State.RETURNED and d.national_status == 10
    assert d.finished_at == local(2026, 3, 3, 14)

    stored = fresh(d)
    assert (stored.state, stored.version, stored.national_status) == (State.RETURNED, 6, 10)
    events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
    assert [e.action for e in events] == [
        "submit",
        "accept",
        "forward",
        "forward",
        "decide",
        "hand_over",
    ]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    assert [e.to_state for e in events] == [
        "submitted",
        "processing",
        "processing",
        "processing",
        "result_ready",
        "returned",
    ]
    assert events[2].working_seconds == 3600
    assert events[1].payload["appointment_at"] == "2026-03-05T02:00:00+00:00"
    runs = list(StepRun.objects.filter(dossier=d).order_by("started_at"))
    assert [(r.step_key, r.consumed_seconds) for r in runs] == [
        ("reception", 3600),
        ("specialist", 8 * 3600),
        ("leader", 2 * 3600),
    ]
    assert all(r.ended_at is not None for r in runs)
    assert_replay_matches(d)


def test_supplementation_pauses_the_clock(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    step_due = d.due_at
    old = d.appointment_at
    assert old is not None and step_due is not None
    asked_at, back_at = local(2026, 3, 2, 11), local(2026, 3, 4, 9)
    d = services.dossier_ask_to_supplement(
        dossier=d,
        actor=p.specialist,
        expected_version=3,
        reason="Thiếu bản sao giấy khai sinh",
        items=["Bản sao giấy khai sinh"],
        now=asked_at,
    )
    assert d.state == State.SUPPLEMENTING and d.national_status == 5
    assert PauseInterval.objects.get(dossier=d).ended_at is None
    d = services.dossier_supplement(dossier=d, actor=p.citizen, expected_version=4, now=back_at)
    assert d.state == State.PROCESSING and d.current_step == "specialist"
    paused = working_time_between(start=asked_at, end=back_at)
    assert paused == datetime.timedelta(hours=14)
    assert d.appointment_at is not None
    assert working_time_between(start=old, end=d.appointment_at) == paused
    assert d.appointment_at == add_working_time(start=old, duration=paused)
    assert d.first_appointment_at == old
    assert d.due_at == add_working_time(start=step_due, duration=paused)
    change = AppointmentChange.objects.get(dossier=d)
    assert (change.previous, change.new, change.lateness) == (old, d.appointment_at, False)
    pause = PauseInterval.objects.get(dossier=d)
    assert (pause.kind, pause.started_at, pause.ended_at) == ("supplementing", asked_at, back_at)
    # The paused time is not charged to the step.
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=5, now=local(2026, 3, 4, 10)
    )
    run = StepRun.objects.get(dossier=d, step_key="specialist")
    assert run.consumed_seconds == 3600 + 3600
    # Only once per dossier.
    with pytest.raises(DomainError) as err:
        services.dossier_ask_to_supplement(
            dossier=d,
            actor=p.leader,
            expected_version=6,
            reason="Lần hai",
            now=local(2026, 3, 4, 11),
        )
    assert err.value.code == "supplement_already_requested"
    assert_replay_matches(d)


def test_refusal(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> None:
    p = personas
    d = submit(p, procedure, applicant)
    with pytest.raises(DomainError) as err:
        services.dossier_refuse(dossier=d, actor=p.officer, expected_version=1, reasons=[" "])
    assert err.value.code == "reasons_required"
    d = services.dossier_refuse(
        dossier=d,
        actor=p.officer,
        expected_version=1,
        reasons=["Không thuộc thẩm quyền"],
        now=local(2026, 3, 2, 10),
    )
    assert d.state == State.REFUSED and d.national_status == 3
    assert d.holder_agency is None and d.due_at is None
    with pytest.raises(DomainError) as err:
        services.dossier_accept(dossier=d, actor=p.officer, expected_version=2)
    assert err.value.code == "action_not_allowed"
    assert_replay_matches(d)


def test_ask_to_complete_then_complete(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = submit(p, procedure, applicant)
    d = services.dossier_ask_to_complete(
        dossier=d,
        actor=p.officer,
        expected_version=1,
        missing=["Tờ khai có chữ ký"],
        now=local(2026, 3, 2, 10),
    )
    assert d.state == State.COMPLETING and d.national_status == 5 and d.due_at is None
    d = services.dossier_complete(
        dossier=d, actor=p.citizen, expected_version=2, now=local(2026, 3, 3, 8)
    )
    assert d.state == State.SUBMITTED and d.due_at == local(2026, 3, 4, 8)
    with pytest.raises(DomainError) as err:
        services.dossier_ask_to_complete(
            dossier=d, actor=p.officer, expected_version=3, missing=["x"], now=local(2026, 3, 3, 9)
        )
    assert err.value.code == "completion_already_requested"
    d = services.dossier_accept(
        dossier=d, actor=p.officer, expected_version=3, now=local(2026, 3, 3, 9)
    )
    assert_replay_matches(d)


def test_apology_when_late(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    old = d.appointment_at
    assert old == local(2026, 3, 5, 9)
    new = local(2026, 3, 10, 9)
    with pytest.raises(DomainError) as err:
        services.dossier_apologise(
            dossier=d,
            actor=p.specialist,
            expected_version=3,
            new_appointment=new,
            reason="Cần xác minh",
            now=local(2026, 3, 5, 10),
        )
    assert err.value.code == "appointment_passed"
    with pytest.raises(DomainError) as err:
        services.dossier_apologise(
            dossier=d,
            actor=p.specialist,
            expected_version=3,
            new_appointment=old,
            reason="Cần xác minh",
            now=local(2026, 3, 4, 10),
        )
    assert err.value.code == "appointment_not_later"
    d = services.dossier_apologise(
        dossier=d,
        actor=p.specialist,
        expected_version=3,
        new_appointment=new,
        reason="Cần xác minh thêm với cơ quan khác",
        now=local(2026, 3, 4, 10),
    )
    assert d.state == State.PROCESSING and d.appointment_at == new and d.first_appointment_at == old
    change = AppointmentChange.objects.get(dossier=d)
    assert change.lateness and change.previous == old and change.new == new
    with pytest.raises(DomainError) as err:
        services.dossier_apologise(
            dossier=d,
            actor=p.specialist,
            expected_version=4,
            new_appointment=local(2026, 3, 12, 9),
            reason="Lần hai",
            now=local(2026, 3, 5, 8),
        )
    assert err.value.code == "apology_already_made"
    assert_replay_matches(d)


def test_counter_intake(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    with pytest.raises(DomainError) as err:
        submit(p, procedure, applicant, channel="counter")
    assert err.value.code == "not_one_stop_officer"
    now = local(2026, 3, 2, 14)
    d = services.dossier_submit(
        actor=p.officer,
        procedure=procedure,
        applicant=applicant,
        channel="counter",
        result_delivery="counter",
        now=now,
    )
    assert d.state == State.PROCESSING and d.national_status == 2
    assert d.accepted_at == now and d.submitted_at == now
    assert d.appointment_at == add_working_days(start=now, days=3) == local(2026, 3, 5, 14)
    assert d.current_step == "reception" and d.version == 1
    assert d.assisted is False and d.submitted_by == p.officer
    assert StepRun.objects.get(dossier=d).due_at == local(2026, 3, 3, 8)
    event = DossierEvent.objects.get(dossier=d)
    assert (event.from_state, event.to_state, event.actor_role) == (
        "draft",
        "processing",
        "one_stop_officer",
    )
    assert_replay_matches(d)


def test_assisted_online_submission(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    with pytest.raises(DomainError) as err:
        services.dossier_submit(actor=p.officer, procedure=procedure, applicant=applicant)
    assert err.value.code == "assistance_not_declared"
    with pytest.raises(DomainError) as err:
        services.dossier_submit(
            actor=p.officer, procedure=procedure, applicant=applicant, assisted=True
        )
    assert err.value.code == "consent_required"
    d = services.dossier_submit(
        actor=p.officer,
        procedure=procedure,
        applicant=applicant,
        assisted=True,
        consent_note="Công dân đồng ý, ký giấy ủy quyền số 12",
    )
    assert d.assisted and d.assisted_by == p.officer and d.state == State.SUBMITTED


def test_errors_change_nothing(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = accepted(p, procedure, applicant)

    def snapshot() -> tuple[Any, ...]:
        row = fresh(d)
        return (
            row.state,
            row.version,
            row.current_step,
            row.last_hash,
            row.due_at,
            DossierEvent.objects.filter(dossier=d).count(),
            StepRun.objects.filter(dossier=d).count(),
        )

    before = snapshot()
    attempts: list[tuple[str, Any]] = [
        # Wrong action for the step: reception cannot end or go back.
        (
            "action_not_allowed",
            lambda: services.dossier_decide(dossier=d, actor=p.officer, expected_version=2),
        ),
        (
            "action_not_allowed",
            lambda: services.dossier_send_back(dossier=d, actor=p.officer, expected_version=2),
        ),
        (
            "action_not_allowed",
            lambda: services.dossier_hand_over(dossier=d, actor=p.officer, expected_version=2),
        ),
        # Wrong role / wrong unit.
        (
            "not_step_holder",
            lambda: services.dossier_forward(dossier=d, actor=p.specialist, expected_version=2),
        ),
        (
            "not_step_holder",
            lambda: services.dossier_forward(dossier=d, actor=p.officer_b, expected_version=2),
        ),
        (
            "not_applicant",
            lambda: services.dossier_withdraw(dossier=d, actor=p.officer, expected_version=2),
        ),
        (
            "not_unit_leader",
            lambda: services.dossier_reassign(
                dossier=d, actor=p.specialist, expected_version=2, holder_user=p.officer
            ),
        ),
    ]
    for code, attempt in attempts:
        with pytest.raises(DomainError) as err:
            attempt()
        assert err.value.code == code
        assert snapshot() == before
    # Stale version.
    with pytest.raises(Conflict) as conflict:
        services.dossier_forward(
            dossier=d, actor=p.officer, expected_version=1, now=local(2026, 3, 2, 10)
        )
    assert conflict.value.code == "dossier_version_conflict"
    assert snapshot() == before
    # A stale object whose version the database has moved past.
    stale = fresh(d)
    services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    after = snapshot()
    with pytest.raises(Conflict):
        services.dossier_forward(
            dossier=stale, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 11)
        )
    assert snapshot() == after


def test_reassign_and_stop(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    from motcua.accounts.models import Role
    from motcua.testing import make_staff

    p = personas
    other = make_staff("chuyenvien_a2", (p.place.agency_a, Role.SPECIALIST))
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    with pytest.raises(DomainError) as err:
        services.dossier_reassign(
            dossier=d, actor=p.leader, expected_version=3, holder_user=p.officer
        )
    assert err.value.code == "holder_not_eligible"
    d = services.dossier_reassign(
        dossier=d, actor=p.leader, expected_version=3, holder_user=other, now=local(2026, 3, 2, 11)
    )
    assert d.holder_user == other
    with pytest.raises(DomainError) as err:
        services.dossier_forward(
            dossier=d, actor=p.specialist, expected_version=4, now=local(2026, 3, 2, 13, 30)
        )
    assert err.value.code == "not_step_holder"
    d = services.dossier_stop(
        dossier=d,
        actor=p.leader,
        expected_version=4,
        reason="Người nộp không đủ điều kiện",
        now=local(2026, 3, 2, 14),
    )
    assert d.state == State.STOPPED and d.national_status == 8 and d.finished_at is not None
    assert_replay_matches(d)


def test_withdraw(personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant) -> None:
    p = personas
    d = accepted(p, procedure, applicant)
    d = services.dossier_withdraw(
        dossier=d,
        actor=p.citizen,
        expected_version=2,
        reason="Không còn nhu cầu",
        now=local(2026, 3, 2, 10),
    )
    assert d.state == State.WITHDRAWN and d.national_status == 7
    with pytest.raises(DomainError) as err:
        services.dossier_withdraw(dossier=d, actor=p.citizen, expected_version=3)
    assert err.value.code == "action_not_allowed"
    assert_replay_matches(d)


def test_send_back(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=3, now=local(2026, 3, 2, 14)
    )
    d = services.dossier_send_back(
        dossier=d, actor=p.leader, expected_version=4, note="Xem lại", now=local(2026, 3, 2, 15)
    )
    assert d.current_step == "specialist"
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=5, now=local(2026, 3, 2, 16)
    )
    d = services.dossier_decide(
        dossier=d, actor=p.leader, expected_version=6, via="approve", now=local(2026, 3, 3, 8)
    )
    assert d.state == State.RESULT_READY
    assert StepRun.objects.filter(dossier=d, step_key="specialist").count() == 2
    assert_replay_matches(d)


def test_idempotent_submit(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    first = submit(p, procedure, applicant, idempotency_key="abc-123")
    again = submit(p, procedure, applicant, idempotency_key="abc-123")
    assert again.pk == first.pk
    assert Dossier.objects.count() == 1 and DossierEvent.objects.count() == 1
    other = submit(p, procedure, applicant, idempotency_key="abc-124")
    assert other.code.endswith("-0002")


def test_payment_pauses_the_clock_and_a_gateway_may_confirm(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    p = personas
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    old = d.appointment_at
    assert old is not None
    with pytest.raises(DomainError) as err:
        services.dossier_ask_to_pay(
            dossier=d, actor=p.specialist, expected_version=3, amount_vnd=0, reason="Lệ phí"
        )
    assert err.value.code == "amount_invalid"
    asked = local(2026, 3, 2, 10, 20)
    d = services.dossier_ask_to_pay(
        dossier=d,
        actor=p.specialist,
        expected_version=3,
        amount_vnd=8000,
        reason="Lệ phí cấp bản sao",
        now=asked,
    )
    assert d.state == State.AWAITING_PAYMENT and d.national_status == 6
    # An apology during the pause does not shorten the pause.
    d = services.dossier_apologise(
        dossier=d,
        actor=p.specialist,
        expected_version=4,
        new_appointment=local(2026, 3, 9, 9),
        reason="Chờ xác minh",
        now=local(2026, 3, 2, 15, 7),
    )
    paid = local(2026, 3, 3, 9, 13)
    d = services.dossier_pay(dossier=d, actor=None, expected_version=5, reference="GD-1", now=paid)
    assert d.state == State.PROCESSING and d.national_status == 4
    paused = working_time_between(start=asked, end=paid)
    assert d.appointment_at is not None
    assert working_time_between(start=local(2026, 3, 9, 9), end=d.appointment_at) == paused
    event = DossierEvent.objects.get(dossier=d, seq=6)
    assert event.actor is None and event.actor_role == "payment_gateway"
    assert event.payload["paused_seconds"] == paused.total_seconds()
    assert_replay_matches(d)


def test_consultation_opens_a_parallel_branch(personas: Personas, applicant: Applicant) -> None:
    from motcua.accounts.models import Role
    from motcua.dossiers import selectors
    from motcua.dossiers.tests.factories import THREE_STEPS, make_procedure
    from motcua.testing import make_staff

    p = personas
    b = p.place.agency_b
    consulted_specialist = make_staff("chuyenvien_b", (b, Role.SPECIALIST))
    definition = {
        "start": "reception",
        "steps": [
            *THREE_STEPS["steps"],
            {
                "key": "opinion",
                "name": "Ý kiến phường Tây Sơn",
                "role": "specialist",
                "holder": f"agency:{b.public_id}",
                "budget_hours": 8,
            },
        ],
        "transitions": [
            *THREE_STEPS["transitions"],
            {"from": "specialist", "action": "consult", "to": "opinion"},
            {"from": "opinion", "action": "join", "to": "specialist"},
        ],
    }
    procedure = make_procedure(p.place.agency_a, definition=definition)
    d = accepted(p, procedure, applicant)
    d = services.dossier_forward(
        dossier=d, actor=p.officer, expected_version=2, now=local(2026, 3, 2, 10)
    )
    # forward does not take the consult transition.
    assert d.current_step == "specialist"
    with pytest.raises(DomainError) as err:
        services.dossier_consult(
            dossier=d,
            actor=consulted_specialist,
            expected_version=3,
            question="?",
            now=local(2026, 3, 2, 11),
        )
    assert err.value.code == "not_step_holder"
    d = services.dossier_consult(
        dossier=d,
        actor=p.specialist,
        expected_version=3,
        question="Xác nhận nơi cư trú của người nộp",
        now=local(2026, 3, 2, 11),
    )
    assert d.current_step == "specialist" and d.holder_agency == p.place.agency_a
    branch = StepRun.objects.get(dossier=d, parent_step="specialist")
    assert (branch.step_key, branch.agency, branch.due_at) == (
        "opinion",
        b,
        local(2026, 3, 3, 11),
    )
    # The consulted unit sees it and finds it in its queue.
    assert selectors.dossier_get_for_user(user=consulted_specialist, code=d.code).pk == d.pk
    assert [x.code for x in selectors.dossiers_held_by(user=consulted_specialist)] == [d.code]
    with pytest.raises(DomainError) as err:
        services.dossier_forward(
            dossier=d, actor=p.specialist, expected_version=4, now=local(2026, 3, 2, 14)
        )
    assert err.value.code == "consultation_pending"
    with pytest.raises(DomainError) as err:
        services.dossier_answer(dossier=d, actor=p.specialist, expected_version=4, answer="x")
    assert err.value.code == "not_step_holder"
    d = services.dossier_answer(
        dossier=d,
        actor=consulted_specialist,
        expected_version=4,
        answer="Người nộp cư trú tại địa bàn",
        now=local(2026, 3, 3, 9),
    )
    branch.refresh_from_db()
    assert branch.ended_at == local(2026, 3, 3, 9)
    assert branch.consumed_seconds == 6 * 3600  # Mon 11:00 → Tue 09:00
    d = services.dossier_forward(
        dossier=d, actor=p.specialist, expected_version=5, now=local(2026, 3, 3, 10)
    )
    assert d.current_step == "leader"
    assert StepRun.objects.get(dossier=d, step_key="specialist").consumed_seconds == 8 * 3600
    assert_replay_matches(d)
