"""The generated year's shape, on a seeded sample of a synthetic province
(no database): counts, never timings."""

from __future__ import annotations

import datetime
import json
from collections import Counter
from importlib import resources
from typing import Any

import jsonschema_rs
import pytest

from motcua.history.format import LOCAL_TZ, parse_line
from motcua.history.generator import (
    ProcedurePlan,
    UnitPlan,
    dumps,
    generate,
    is_working_day,
    stretching_units,
)

STEPS = {"tiep_nhan": "one_stop_officer", "tham_dinh": "specialist", "phe_duyet": "leader"}
MOVES = (
    ("tiep_nhan", "forward", "tham_dinh"),
    ("tham_dinh", "forward", "phe_duyet"),
    ("phe_duyet", "send_back", "tham_dinh"),
    ("phe_duyet", "sign", "end"),
)
NAMES = [
    ("1.000001", "Đăng ký khai sinh", 0),
    ("1.000002", "Chứng thực bản sao từ bản chính", 0),
    ("1.000003", "Cấp giấy phép xây dựng", 150_000),
    ("1.000004", "Đăng ký kinh doanh hộ cá thể", 100_000),
    ("1.000005", "Cấp phép khai thác nước", 0),
    ("1.000006", "Xác nhận tình trạng hôn nhân", 0),
]
UNTIL = datetime.datetime(2026, 12, 31, 23, 0, tzinfo=LOCAL_TZ)


def _plan() -> list[UnitPlan]:
    procedures = tuple(
        ProcedurePlan(
            code=code,
            name=name,
            days=5,
            channels=("online", "in_person", "post"),
            fee_vnd=fee,
            start="tiep_nhan",
            steps=STEPS,
            transitions=MOVES,
        )
        for code, name, fee in NAMES
    )
    return [UnitPlan(f"xa-{i:02d}", "commune", procedures) for i in range(40)]


@pytest.fixture(scope="module")
def year() -> list[dict[str, Any]]:
    return list(
        generate(_plan(), start=datetime.date(2026, 1, 1), until=UNTIL, dossiers=4000, seed=1)
    )


def _day(record: dict[str, Any]) -> datetime.date:
    return datetime.datetime.fromisoformat(record["received_at"]).date()


def _per_working_day(records: list[dict[str, Any]], first: str, last: str) -> float:
    a, b = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
    days = [a + datetime.timedelta(days=i) for i in range((b - a).days + 1)]
    working = sum(1 for d in days if is_working_day(d))
    return sum(1 for r in records if a <= _day(r) <= b) / max(working, 1)


def test_deterministic_for_a_seed(year: list[dict[str, Any]]) -> None:
    def lines(seed: int) -> list[str]:
        records = generate(
            _plan(), start=datetime.date(2026, 5, 1), until=UNTIL, dossiers=300, seed=seed
        )
        return [dumps(r) for r in records]

    assert lines(1) == lines(1)
    assert lines(1) != lines(2)


def test_every_line_is_valid(year: list[dict[str, Any]]) -> None:
    schema = json.loads(
        resources.files("motcua.history").joinpath("schema/history-v1.json").read_text()
    )
    validator = jsonschema_rs.validator_for(schema)
    now = datetime.datetime(2027, 1, 1, tzinfo=LOCAL_TZ)
    for record in year:
        line = dumps(record)
        assert validator.is_valid(record), line
        parse_line(line, now=now)
    assert len({r["legacy_id"] for r in year}) == len(year) == 4000


def test_tet_dip_then_surge(year: list[dict[str, Any]]) -> None:
    january = _per_working_day(year, "2026-01-05", "2026-01-30")
    before_tet = _per_working_day(year, "2026-02-07", "2026-02-13")
    holiday = sum(1 for r in year if "2026-02-14" <= r["received_at"][:10] <= "2026-02-22")
    after_tet = _per_working_day(year, "2026-02-23", "2026-03-13")
    assert before_tet < 0.7 * january
    assert holiday < 0.5 * january  # nine days of holiday: online only, a handful
    assert after_tet > 1.3 * january


def test_school_enrolment_surge(year: list[dict[str, Any]]) -> None:
    may_june = _per_working_day(year, "2026-05-04", "2026-06-30")
    july_august = _per_working_day(year, "2026-07-01", "2026-08-31")
    assert july_august > 1.15 * may_june
    enrolment = {"1.000001", "1.000002"}

    def share(months: set[int]) -> float:
        chosen = [r for r in year if _day(r).month in months]
        return sum(1 for r in chosen if r["procedure"] in enrolment) / len(chosen)

    assert share({7, 8}) > 1.3 * share({5, 6})


def test_online_share_rises_and_mix_is_skewed(year: list[dict[str, Any]]) -> None:
    def online(month: int) -> float:
        chosen = [r for r in year if _day(r).month == month]
        return sum(1 for r in chosen if r["channel"] == "online") / len(chosen)

    assert online(12) > online(1) + 0.15
    assert {r["channel"] for r in year} == {"online", "counter", "post"}
    counts = Counter(r["procedure"] for r in year)
    assert counts.most_common()[0][1] > 2.5 * counts.most_common()[-1][1]


def _actions(record: dict[str, Any]) -> list[str]:
    return [e["action"] for e in record["events"]]


def test_cases_and_stretching_units(year: list[dict[str, Any]]) -> None:
    stretching = stretching_units(_plan(), 1)
    assert len(stretching) == 2

    def rate(records: list[dict[str, Any]], test: Any) -> float:
        return sum(1 for r in records if test(r)) / len(records)

    mine = [r for r in year if r["agency"] in stretching]
    others = [r for r in year if r["agency"] not in stretching]
    supplemented = lambda r: "ask_to_supplement" in _actions(r)  # noqa: E731
    apologised = lambda r: "apologise" in _actions(r)  # noqa: E731
    bounced = lambda r: "send_back" in _actions(r)  # noqa: E731
    assert rate(mine, supplemented) > 2.5 * rate(others, supplemented)
    assert rate(mine, apologised) > 2.5 * rate(others, apologised)
    assert rate(mine, bounced) > 2 * rate(others, bounced)
    kinds = Counter(r["result_kind"] for r in year)
    assert kinds["issued"] > 0.8 * len(year)
    for kind in ("refused", "withdrawn", "stopped", ""):
        assert kinds[kind] > 0, kind
    assert any(_actions(r).count("send_back") == 2 for r in year)
    paid = [r for r in year if "pay" in _actions(r)]
    assert paid and {r["procedure"] for r in paid} <= {"1.000003", "1.000004"}
    assert rate([r for r in year if r["result_kind"] == "issued"], lambda r: "rating" in r) > 0.15
    assert any(r["channel"] == "counter" and "received_by" in r for r in year)


def test_nothing_after_until() -> None:
    until = datetime.datetime(2026, 3, 10, 12, 0, tzinfo=LOCAL_TZ)
    records = list(
        generate(_plan(), start=datetime.date(2026, 2, 1), until=until, dossiers=500, seed=3)
    )
    moments = [e["at"] for r in records for e in r["events"]] + [r["received_at"] for r in records]
    assert max(datetime.datetime.fromisoformat(m) for m in moments) <= until
    assert any(r["result_kind"] == "" for r in records)  # still in progress at ``until``
