"""Every accountability figure against an independent recomputation: plain
Python over the raw rows (events, step runs, appointment changes), not the
selectors' code."""

from __future__ import annotations

import datetime
import itertools
from collections import Counter, defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from motcua.accountability import selectors, statistics
from motcua.accountability.periods import Period
from motcua.accountability.tests.conftest import World
from motcua.dossiers.models import AppointmentChange, Dossier, DossierEvent, StepRun

pytestmark = pytest.mark.django_db

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PERIOD = Period(start=datetime.date(2026, 2, 1), end=datetime.date(2026, 3, 31))
START = datetime.datetime(2026, 2, 1, tzinfo=VN)
END = datetime.datetime(2026, 4, 1, tzinfo=VN)


def in_period(moment: datetime.datetime | None) -> bool:
    return moment is not None and START <= moment < END


def events() -> list[dict[str, Any]]:
    return [dict(e) for e in DossierEvent.objects.values().order_by("dossier_id", "seq")]


def province_ids(world: World) -> tuple[int, ...]:
    return selectors.scope_for_user(user=world.personas.inspector).agency_ids


def test_held_now_and_by_holder(world: World) -> None:
    ids = province_ids(world)
    queue = {"submitted", "processing", "result_ready"}
    rows = [d for d in Dossier.objects.values() if d["state"] in queue and d["holder_agency_id"]]
    expected = sorted(rows, key=lambda d: (d["due_at"] is None, d["due_at"] or world.now, d["id"]))
    got: list[selectors.HeldRow] = []
    after = ""
    while True:
        page, after = selectors.held_now(agency_ids=ids, now=world.now, after=after, limit=17)
        got += page
        if not after:
            break
    assert [g.code for g in got] == [d["code"] for d in expected]
    assert len(got) > 10
    overdue = sum(1 for d in rows if d["due_at"] is not None and d["due_at"] < world.now)
    assert sum(1 for g in got if g.overdue) == overdue

    per: Counter[tuple[int, str, int | None]] = Counter(
        (d["holder_agency_id"], d["holder_role"], d["holder_user_id"]) for d in rows
    )
    summary = selectors.held_by_holder(agency_ids=ids, now=world.now)
    assert sorted(r.held for r in summary) == sorted(per.values())
    assert sum(r.overdue for r in summary) == overdue


def _median(values: list[float]) -> float:
    s = sorted(values)
    mid = len(s) // 2
    return s[mid] if len(s) % 2 else (s[mid - 1] + s[mid]) / 2


def test_hold_times_median_and_p90(world: World) -> None:
    ids = province_ids(world)
    groups: dict[tuple[int, str], list[float]] = defaultdict(list)
    for run in StepRun.objects.values():
        if in_period(run["ended_at"]):
            groups[(run["agency_id"], run["step_key"])].append(run["consumed_seconds"] / 3600)
    got = selectors.hold_times(agency_ids=ids, period=PERIOD)
    assert sum(r.runs for r in got) == sum(len(v) for v in groups.values())
    names = {
        "reception": "Tiếp nhận",
        "specialist": "Chuyên viên thẩm định",
        "leader": "Lãnh đạo phê duyệt",
    }
    agencies = {
        world.personas.place.agency_a.pk: world.personas.place.agency_a.name,
        world.personas.place.agency_b.pk: world.personas.place.agency_b.name,
    }
    by_key = {(r.agency, r.step): r for r in got}
    for (agency, step), values in groups.items():
        row = by_key[(agencies[agency], names[step])]
        assert row.runs == len(values)
        assert row.median_hours == round(_median(values), 2)
        ordered = sorted(values)
        k = -(-9 * len(ordered) // 10)  # ceil(0.9 n)
        assert row.p90_hours == round(ordered[k - 1], 2)


def test_bounced(world: World) -> None:
    ids = province_ids(world)
    received = {
        d["id"]: d["code"]
        for d in Dossier.objects.values("id", "code", "submitted_at")
        if in_period(d["submitted_at"])
    }
    backs: Counter[int] = Counter(e["dossier_id"] for e in events() if e["action"] == "send_back")
    moves: Counter[int] = Counter()
    runs = sorted(
        (r for r in StepRun.objects.values() if not r["parent_step"]),
        key=lambda r: (r["dossier_id"], r["started_at"], r["id"]),
    )
    for before, after in itertools.pairwise(runs):
        if (
            before["dossier_id"] == after["dossier_id"]
            and before["agency_id"] != after["agency_id"]
        ):
            moves[after["dossier_id"]] += 1
    for n in (0, 1, 2):
        expected = {received[d] for d in received if backs[d] + moves[d] > n}
        got = selectors.bounced(agency_ids=ids, period=PERIOD, more_than=n)
        assert {r.code for r in got} == expected
        assert all(r.bounces > n for r in got)
    assert selectors.bounced(agency_ids=ids, period=PERIOD, more_than=0)


def test_repeated_requests(world: World) -> None:
    ids = province_ids(world)
    asked: Counter[int] = Counter(
        e["dossier_id"]
        for e in events()
        if e["action"] in ("ask_to_complete", "ask_to_supplement") and in_period(e["at"])
    )
    got = selectors.repeated_requests(agency_ids=ids, period=PERIOD, at_least=2)
    assert {r.dossier_id: r.requests for r in got} == {d: n for d, n in asked.items() if n >= 2}
    assert got, "the generated world has repeated requests"


def test_officer_rates_against_peers(world: World) -> None:
    ids = province_ids(world)
    acted: dict[tuple[int, str, int], set[int]] = defaultdict(set)
    refusals: Counter[tuple[int, str, int]] = Counter()
    requests: Counter[tuple[int, str, int]] = Counter()
    for e in events():
        if e["actor_id"] is None or e["actor_agency_id"] is None or not in_period(e["at"]):
            continue
        key = (e["actor_agency_id"], e["actor_role"], e["actor_id"])
        acted[key].add(e["dossier_id"])
        refusals[key] += e["action"] == "refuse"
        requests[key] += e["action"] in ("ask_to_complete", "ask_to_supplement")
    got = selectors.officer_rates(agency_ids=ids, period=PERIOD)
    assert len(got) == len(acted)
    officer = world.personas.officer
    mine = next(r for r in got if r.officer == officer.display_name)
    key = next(k for k in acted if k[2] == officer.pk)
    peers = [k for k in acted if k[:2] == key[:2] and k != key]
    assert mine.dossiers == len(acted[key])
    assert mine.refusals == refusals[key]
    assert mine.refusal_rate == round(100 * refusals[key] / len(acted[key]), 1)
    pooled = sum(len(acted[k]) for k in peers)
    assert mine.peers == len(peers) == 1
    assert mine.peer_refusal_rate == round(100 * sum(refusals[k] for k in peers) / pooled, 1)
    assert mine.peer_request_rate == round(100 * sum(requests[k] for k in peers) / pooled, 1)
    # A leader with no peer in his role: no peer rate, never a division error.
    lone = next(r for r in got if r.officer == world.personas.leader.display_name)
    assert lone.peers == 0 and lone.peer_refusal_rate is None


def test_late_receptions_and_apologies(world: World) -> None:
    ids = province_ids(world)
    late = {
        e["dossier_id"]
        for e in events()
        if e["action"] == "accept" and e["payload"].get("reception_late") and in_period(e["at"])
    }
    got = selectors.late_receptions(agency_ids=ids, period=PERIOD)
    assert {r.dossier_id for r in got} == late and late
    changes = [
        c for c in AppointmentChange.objects.values() if c["lateness"] and in_period(c["at"])
    ]
    apologies = selectors.apologies(agency_ids=ids, period=PERIOD)
    assert sorted(a.dossier_id for a in apologies) == sorted(c["dossier_id"] for c in changes)
    assert all(a.officer != "—" for a in apologies)


def _local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(VN).date()


def test_periodic_statistics_from_the_events(world: World) -> None:
    """Received, finished early / on time / late, withdrawn, in progress
    within time / overdue: recomputed from the events alone (the accept
    event carries the first appointment)."""
    ids = province_ids(world)
    period = Period(start=datetime.date(2026, 2, 15), end=datetime.date(2026, 3, 20))
    start = datetime.datetime(2026, 2, 15, tzinfo=VN)
    end = datetime.datetime(2026, 3, 21, tzinfo=VN)
    by_dossier: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events():
        by_dossier[e["dossier_id"]].append(e)
    totals: Counter[str] = Counter()
    for evs in by_dossier.values():
        accept = next((e for e in evs if e["action"] == "accept"), None)
        if accept is None or accept["at"] >= end:
            continue
        closing = next(
            (
                e
                for e in evs
                if e["to_state"] in ("result_ready", "withdrawn", "stopped", "refused")
            ),
            None,
        )
        if closing is not None and closing["at"] < start:
            continue
        totals["carried" if accept["at"] < start else "received"] += 1
        appointment = datetime.datetime.fromisoformat(accept["payload"]["appointment_at"])
        if closing is not None and closing["at"] < end:
            if closing["to_state"] == "result_ready":
                a, b = _local_day(closing["at"]), _local_day(appointment)
                totals["early" if a < b else "on_time" if a == b else "late"] += 1
            else:
                totals["withdrawn"] += 1
        elif _local_day(appointment) >= period.end:
            totals["within"] += 1
        else:
            totals["overdue"] += 1
    rows, total = statistics.periodic_statistics(agency_ids=ids, period=period)
    assert (total.carried_over, total.received) == (totals["carried"], totals["received"])
    assert (total.early, total.on_time, total.late) == (
        totals["early"],
        totals["on_time"],
        totals["late"],
    )
    assert total.withdrawn_or_stopped == totals["withdrawn"]
    assert (total.open_within_time, total.open_overdue) == (totals["within"], totals["overdue"])
    assert total.late and total.early and total.received
    assert sum(r.received for r in rows) == total.received
    assert len(rows) == 2  # one procedure, processed in two units


def test_tracking_book_from_the_events(world: World) -> None:
    ids = province_ids(world)
    received = sorted(
        d["id"]
        for d in Dossier.objects.values("id", "submitted_at")
        if in_period(d["submitted_at"])
    )
    book = list(statistics.tracking_book_all(agency_ids=ids, period=PERIOD, chunk=37))
    assert [r.dossier_id for r in book] == received
    by_dossier: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for e in events():
        by_dossier[e["dossier_id"]].append(e)
    for row in book:
        evs = by_dossier[row.dossier_id]
        forward = next((e["at"] for e in evs if e["action"] == "forward"), None)
        handed = next((e["at"] for e in evs if e["action"] == "hand_over"), None)
        decided = next((e["at"] for e in evs if e["to_state"] == "result_ready"), None)
        assert (row.transferred_at, row.returned_at, row.result_at) == (forward, handed, decided)


def test_empty_period_gives_empty_lists_and_no_rate(world: World) -> None:
    ids = province_ids(world)
    empty = Period(start=datetime.date(2030, 1, 1), end=datetime.date(2030, 1, 31))
    assert selectors.hold_times(agency_ids=ids, period=empty) == []
    assert selectors.bounced(agency_ids=ids, period=empty, more_than=0) == []
    assert selectors.officer_rates(agency_ids=ids, period=empty) == []
    _rows, total = statistics.periodic_statistics(agency_ids=ids, period=empty)
    # Dossiers still open in 2030 are carried over; nothing finished: no rate.
    assert total.finished == 0 and total.on_time_rate is None
