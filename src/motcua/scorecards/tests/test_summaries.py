"""The summaries the hook keeps match an independent recomputation from the
event log (plain Python over DossierEvent rows, appointment changes and
dossier rows — not the scorecards' own code), and the rebuild agrees with
the incremental counts."""

from __future__ import annotations

import datetime
from collections import Counter
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.accounts.models import Applicant
from motcua.catalog.models import ConfiguredProcedure
from motcua.dossiers.models import AppointmentChange, Dossier, DossierEvent
from motcua.scorecards import services
from motcua.scorecards.models import DailyCount
from motcua.scorecards.tests.journeys import PLANS, START, walk
from motcua.testing import Personas

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def stored() -> Counter[str]:
    out: Counter[str] = Counter()
    for metric, n in DailyCount.objects.values_list("metric", "n"):
        out[metric] += n
    return out


def independent() -> Counter[str]:
    """Recount from the rows, its own way."""
    out: Counter[str] = Counter()
    for d in Dossier.objects.all():
        events = list(DossierEvent.objects.filter(dossier=d).order_by("seq"))
        out["received"] += 1
        out[f"received_{d.channel}"] += 1
        actions = [e.action for e in events]
        out["supplement_requests"] += actions.count("ask_to_supplement")
        out["apologies"] += actions.count("apologise")
        out["sent_back"] += actions.count("send_back")
        out["late_receptions"] += sum(
            1 for e in events if e.action == "accept" and (e.payload or {}).get("reception_late")
        )
        states = [e.to_state for e in events]
        for state in ("refused", "withdrawn", "stopped", "returned"):
            out[state] += int(state in states)
        ready = [e for e in events if e.to_state == "result_ready"]
        if ready:
            finished = ready[0].at.astimezone(VN).date()
            # The appointment in force: the last one not set by an apology.
            due = d.first_appointment_at
            for change in AppointmentChange.objects.filter(dossier=d).order_by("at", "id"):
                if not change.lateness and change.at <= ready[0].at:
                    due = change.new
            out["finished"] += 1
            if due is None or finished == due.astimezone(VN).date():
                out["finished_on_time"] += 1
            elif finished < due.astimezone(VN).date():
                out["finished_early"] += 1
            else:
                out["finished_late"] += 1
            if d.channel == "online" and d.result_delivery == "online":
                out["fully_online"] += 1
            out["result_electronic"] += 1
        for run in d.step_runs.all():
            if run.ended_at is not None:
                late = run.due_at is not None and run.ended_at > run.due_at
                out["step_late" if late else "step_on_time"] += 1
    return +out


def test_counts_match_an_independent_recomputation(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    for i, plan in enumerate(PLANS.values()):
        walk(personas, procedure, applicant, start=START + datetime.timedelta(days=i), plan=plan)
    walk(personas, procedure, applicant, start=START, plan=PLANS["on_time"], channel="counter")
    counts = stored()
    assert (
        counts["finished_late"] >= 1 and counts["finished_on_time"] + counts["finished_early"] >= 1
    )
    assert counts["withdrawn"] == 1 and counts["refused"] == 1
    assert +counts == independent()
    assert services.summaries_verify() == []


def test_every_row_is_filed_under_the_unit_day_and_procedure(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    walk(personas, procedure, applicant, start=START, plan=PLANS["refused"])
    rows = set(DailyCount.objects.values_list("agency_id", "day", "procedure_id", "metric"))
    assert (
        personas.place.agency_a.pk,
        datetime.date(2026, 3, 2),
        procedure.procedure_id,
        "received",
    ) in rows
    assert (
        personas.place.agency_a.pk,
        datetime.date(2026, 3, 3),
        procedure.procedure_id,
        "refused",
    ) in rows


def test_rebuild_and_verify_command(
    personas: Personas, procedure: ConfiguredProcedure, applicant: Applicant
) -> None:
    walk(personas, procedure, applicant, start=START, plan=PLANS["supplemented"])
    before = stored()
    DailyCount.objects.filter(metric="received").update(n=5)
    with pytest.raises(CommandError, match="lệch"):
        call_command("scorecards_rebuild", "--verify")
    call_command("scorecards_rebuild", "--since", "2026-03-01", "--until", "2026-03-31")
    call_command("scorecards_rebuild", "--verify")
    assert stored() == before
    with pytest.raises(CommandError):
        call_command("scorecards_rebuild", "--since", "2026-03-05", "--until", "2026-03-01")
    with pytest.raises(CommandError):
        call_command("scorecards_rebuild", "--since", "9999-01-01")


@settings(
    deadline=None,
    max_examples=4,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lives=st.lists(
        st.tuples(
            st.sampled_from(sorted(PLANS)),
            st.integers(min_value=0, max_value=40),
            st.integers(min_value=1, max_value=60),
            st.sampled_from(["online", "counter"]),
        ),
        min_size=1,
        max_size=3,
    )
)
def test_incremental_equals_rebuild(
    personas: Personas,
    procedure: ConfiguredProcedure,
    applicant: Applicant,
    lives: list[tuple[str, int, int, str]],
) -> None:
    for plan, day, gap, channel in lives:
        walk(
            personas,
            procedure,
            applicant,
            start=START + datetime.timedelta(days=day),
            plan=PLANS[plan],
            gap_hours=gap,
            channel=channel,
        )
    assert services.summaries_verify() == []
    assert +stored() == independent()
