"""Synthetic dossiers written in bulk (rows, not services) for the
accountability tests and the benchmark: dossiers with their events, step
runs and appointment changes, with late receptions, repeated requests,
send-backs, moves between units and apologies mixed in.

The events are not hash-chained (``hash`` is a placeholder): these rows feed
reads only, never ``verify_dossier_events``. Deterministic for a seed.
"""

from __future__ import annotations

import datetime
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from motcua.accounts.models import Applicant, Role, User
from motcua.catalog.models import ConfiguredProcedureVersion
from motcua.dossiers.models import (
    AppointmentChange,
    Channel,
    Delivery,
    Dossier,
    DossierEvent,
    StepRun,
)
from motcua.dossiers.states import State
from motcua.units.models import Agency

HOUR = datetime.timedelta(hours=1)
_NO_HASH = "0" * 64


@dataclass(frozen=True)
class Staff:
    """Who acts in the generated dossiers: one-stop officers of the receiving
    agency, specialists and leaders of the processing agencies."""

    officers: Sequence[User]
    specialists: dict[int, Sequence[User]]  # processing agency id → specialists
    leaders: dict[int, Sequence[User]]


def generate(
    *,
    count: int,
    version: ConfiguredProcedureVersion,
    receiving: Agency,
    processing: Sequence[Agency],
    applicant: Applicant,
    submitter: User,
    staff: Staff,
    start: datetime.datetime,
    span_days: int = 60,
    now: datetime.datetime,
    seed: int = 7,
    prefix: str = "SYN",
    batch: int = 2000,
) -> list[int]:
    """Write ``count`` dossiers received by ``receiving`` between ``start``
    and ``start + span_days`` (none after ``now``); returns their ids."""
    rng = random.Random(seed)  # noqa: S311 (test data, not secrets)
    ids: list[int] = []
    for first in range(0, count, batch):
        ids += _batch(
            rng=rng,
            numbers=range(first, min(count, first + batch)),
            version=version,
            receiving=receiving,
            processing=processing,
            applicant=applicant,
            submitter=submitter,
            staff=staff,
            start=start,
            span_days=span_days,
            now=now,
            prefix=prefix,
        )
    return ids


def _batch(
    *,
    rng: random.Random,
    numbers: range,
    version: ConfiguredProcedureVersion,
    receiving: Agency,
    processing: Sequence[Agency],
    applicant: Applicant,
    submitter: User,
    staff: Staff,
    start: datetime.datetime,
    span_days: int,
    now: datetime.datetime,
    prefix: str,
) -> list[int]:
    plans = []
    dossiers = []
    for n in numbers:
        submitted = start + datetime.timedelta(minutes=rng.randrange(span_days * 24 * 60))
        if submitted > now:
            submitted = now - HOUR * rng.randrange(1, 48)
        target = processing[0] if rng.random() < 0.85 else processing[-1]
        d = Dossier(
            code=f"{prefix}-{n:07d}",
            applicant=applicant,
            submitted_by=submitter,
            channel=Channel.ONLINE if rng.random() < 0.6 else Channel.COUNTER,
            configured_procedure_version=version,
            receiving_agency=receiving,
            processing_agency=target,
            state=State.SUBMITTED,
            result_delivery=Delivery.ONLINE,
            submitted_at=submitted,
            tracking_token=uuid.uuid4().hex,
        )
        dossiers.append(d)
        plans.append(rng.random())
    Dossier.objects.bulk_create(dossiers, batch_size=1000)
    if dossiers[0].pk is None:  # databases that do not return ids on bulk insert
        found = dict(
            Dossier.objects.filter(code__in=[d.code for d in dossiers]).values_list("code", "id")
        )
        for d in dossiers:
            d.pk = d.id = found[d.code]
    events: list[DossierEvent] = []
    runs: list[StepRun] = []
    changes: list[AppointmentChange] = []
    updates: list[Dossier] = []
    for d in dossiers:
        _life(rng, d, staff, receiving, now, events, runs, changes)
        updates.append(d)
    DossierEvent.objects.bulk_create(events, batch_size=2000)
    StepRun.objects.bulk_create(runs, batch_size=2000)
    AppointmentChange.objects.bulk_create(changes, batch_size=2000)
    Dossier.objects.bulk_update(
        updates,
        [
            "state",
            "version",
            "current_step",
            "holder_agency",
            "holder_role",
            "holder_user",
            "accepted_at",
            "first_appointment_at",
            "appointment_at",
            "due_at",
            "finished_at",
            "last_event_at",
        ],
        batch_size=1000,
    )
    return [int(d.pk) for d in dossiers]


def _life(
    rng: random.Random,
    d: Dossier,
    staff: Staff,
    receiving: Agency,
    now: datetime.datetime,
    events: list[DossierEvent],
    runs: list[StepRun],
    changes: list[AppointmentChange],
) -> None:
    seq = 0
    t = d.submitted_at
    state = State.SUBMITTED

    def event(
        action: str,
        actor: User | None,
        role: str,
        agency: Agency | None,
        to_state: str,
        from_step: str = "",
        to_step: str = "",
        payload: dict[str, object] | None = None,
    ) -> None:
        nonlocal seq, state
        seq += 1
        events.append(
            DossierEvent(
                dossier=d,
                seq=seq,
                action=action,
                actor=actor,
                actor_role=role,
                actor_agency=agency,
                from_state=state,
                to_state=to_state,
                from_step=from_step,
                to_step=to_step,
                at=t,
                payload=payload or {},
                hash=_NO_HASH,
            )
        )
        state = State(to_state)

    event("submit", d.submitted_by, "", None, State.SUBMITTED, to_step="reception")
    officer = rng.choice(list(staff.officers))
    one_stop = str(Role.ONE_STOP_OFFICER)
    # Requests to complete before acceptance: usually none, sometimes one,
    # rarely two (what the rules forbid, and the inspector looks for).
    requests = 0 if rng.random() < 0.85 else (1 if rng.random() < 0.7 else 2)
    for _ in range(requests):
        t += HOUR * rng.randrange(1, 6)
        event("ask_to_complete", officer, one_stop, receiving, State.COMPLETING)
        t += HOUR * rng.randrange(2, 30)
        event("complete", d.submitted_by, "", None, State.SUBMITTED)
    if rng.random() < 0.04:
        t += HOUR * rng.randrange(1, 8)
        event("refuse", officer, one_stop, receiving, State.REFUSED)
        d.finished_at = t
        _close(d, seq, t, state)
        return
    delay = rng.choice((1, 2, 3, 5, 7, 12, 20))
    t += HOUR * delay
    if t > now:
        # Not accepted yet: waits at reception.
        d.state, d.version, d.last_event_at = State.SUBMITTED, seq, d.submitted_at
        d.current_step, d.holder_agency, d.holder_role = "reception", receiving, one_stop
        d.due_at = d.submitted_at + 8 * HOUR
        return
    late = d.channel == Channel.ONLINE and delay > 8
    d.accepted_at = t
    d.first_appointment_at = d.appointment_at = t + datetime.timedelta(days=3)
    event(
        "accept",
        officer,
        one_stop,
        receiving,
        State.PROCESSING,
        "reception",
        "reception",
        {"reception_late": late, "appointment_at": d.first_appointment_at.isoformat()},
    )
    target = d.processing_agency
    specialist = rng.choice(list(staff.specialists[target.pk]))
    leader = rng.choice(list(staff.leaders[target.pk]))
    path = [
        ("reception", receiving, one_stop, officer, 4),
        ("specialist", target, "specialist", specialist, 12),
    ]
    backs = 0 if rng.random() < 0.8 else rng.choice((1, 1, 2, 3))
    for _ in range(backs):
        path += [
            ("leader", target, "leader", leader, 4),
            ("specialist", target, "specialist", specialist, 12),
        ]
    path.append(("leader", target, "leader", leader, 4))
    supplement_at = rng.randrange(1, len(path)) if rng.random() < 0.08 else -1
    apologise = rng.random() < 0.06
    ending = rng.random()
    for i, (key, agency, role, user, budget) in enumerate(path):
        started = t
        due = started + budget * HOUR
        run = StepRun(
            dossier=d,
            step_key=key,
            agency=agency,
            role=role,
            user=user,
            started_at=started,
            due_at=due,
        )
        runs.append(run)
        spent = rng.choice((1, 2, 3, 4, 6, 8, 10, 14, 20))
        if i == supplement_at and key == "specialist":
            t += HOUR
            event("ask_to_supplement", user, role, agency, State.SUPPLEMENTING, key, key)
            t += HOUR * rng.randrange(4, 48)
            event("supplement", d.submitted_by, "", None, State.PROCESSING, key, key)
        if apologise and key == "leader" and i == len(path) - 1:
            t += HOUR
            new = (d.appointment_at or t) + datetime.timedelta(days=2)
            changes.append(
                AppointmentChange(
                    dossier=d,
                    previous=d.appointment_at,
                    new=new,
                    reason="Cần xác minh thêm",
                    lateness=True,
                    at=t,
                )
            )
            event("apologise", user, role, agency, State.PROCESSING, key, key, {"lateness": True})
            d.appointment_at = new
        if t + spent * HOUR > now:
            # Still held here.
            d.state, d.version, d.last_event_at = state, seq, t
            d.current_step, d.holder_agency, d.holder_role, d.holder_user = key, agency, role, user
            d.due_at = due
            return
        t += spent * HOUR
        run.ended_at = t
        run.consumed_seconds = spent * 3600
        if i + 1 < len(path):
            nxt = path[i + 1][0]
            verb = "send_back" if key == "leader" else "forward"
            event(verb, user, role, agency, State.PROCESSING, key, nxt)
        elif ending < 0.05:
            event("withdraw", d.submitted_by, "", None, State.WITHDRAWN, key, "")
            d.finished_at = t
            _close(d, seq, t, state)
            return
        else:
            event("decide", user, role, agency, State.RESULT_READY, key, "")
            d.finished_at = t
            if ending < 0.6 and t + 2 * HOUR < now:
                t += 2 * HOUR
                event("hand_over", officer, one_stop, receiving, State.RETURNED)
                _close(d, seq, t, state)
                return
            d.state, d.version, d.last_event_at = State.RESULT_READY, seq, t
            d.current_step, d.holder_agency, d.holder_role = "", receiving, one_stop
            d.due_at = None
            return


def _close(d: Dossier, seq: int, t: datetime.datetime, state: str) -> None:
    d.state, d.version, d.last_event_at = state, seq, t
    d.current_step, d.holder_agency, d.holder_role, d.holder_user = "", None, "", None
    d.due_at = None
