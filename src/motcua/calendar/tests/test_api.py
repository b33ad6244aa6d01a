from __future__ import annotations

from urllib.parse import quote

import pytest

from motcua.testing import assert_problem

pytestmark = pytest.mark.django_db
BASE = "/api/v1/calendar"


def test_due_operator_example(client) -> None:
    resp = client.get(f"{BASE}/due", {"start": "2026-02-13T16:00:00+07:00", "days": "3"})
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["due"] == "2026-02-25T16:00:00+07:00"
    assert body["start"] == "2026-02-13T16:00:00+07:00"
    assert float(body["working_days"]) == 3


def test_due_accepts_utc_naive_local_and_unescaped_plus(client) -> None:
    for start in ("2026-02-13T09:00:00Z", "2026-02-13T16:00", "2026-02-13T16:00:00 07:00"):
        resp = client.get(f"{BASE}/due?start={quote(start)}&days=3")
        assert resp.status_code == 200, (start, resp.content)
        assert resp.json()["due"] == "2026-02-25T16:00:00+07:00"


def test_due_half_day(client) -> None:
    resp = client.get(f"{BASE}/due", {"start": "2026-03-06T07:00:00+07:00", "days": "0.5"})
    assert resp.json()["due"] == "2026-03-06T11:00:00+07:00"


def test_due_errors(client) -> None:
    body = assert_problem(
        client.get(f"{BASE}/due", {"start": "13/13/2026", "days": "3"}),
        status=400,
        code="invalid_datetime",
    )
    assert "Ngày giờ không hợp lệ" in body["detail"]
    assert_problem(
        client.get(f"{BASE}/due", {"start": "2026-02-13T16:00", "days": "-1"}),
        status=400,
        code="invalid_days",
    )
    assert_problem(
        client.get(f"{BASE}/due", {"start": "1800-02-13T16:00", "days": "1"}),
        status=400,
        code="year_out_of_range",
    )
    assert_problem(client.get(f"{BASE}/due", {"days": "1"}), status=422, code="validation_error")


def test_working_time(client) -> None:
    resp = client.get(f"{BASE}/working-time", {"at": "2026-02-17T09:00:00+07:00"})
    assert resp.json() == {
        "at": "2026-02-17T09:00:00+07:00",
        "working": False,
        "next_working_moment": "2026-02-23T07:00:00+07:00",
    }
    resp = client.get(f"{BASE}/working-time", {"at": "2026-01-10T09:00:00+07:00"})
    assert resp.json()["working"] is True
    assert resp.json()["next_working_moment"] == "2026-01-10T09:00:00+07:00"
    assert_problem(
        client.get(f"{BASE}/working-time", {"at": "hôm nay"}), status=400, code="invalid_datetime"
    )


def test_days_off(client) -> None:
    resp = client.get(f"{BASE}/days-off", {"year": 2026})
    assert resp.status_code == 200
    body = resp.json()
    off = {d["date"]: d for d in body["days_off"]}
    worked = {d["date"]: d for d in body["working_weekend_days"]}
    assert set(worked) == {"2026-01-10", "2026-08-22"}
    assert off["2026-01-02"]["source"] == "override"
    assert "9441/TB-BNV" in off["2026-01-02"]["reference"]
    assert off["2026-11-24"]["reason"] == "Ngày Văn hóa Việt Nam"
    assert len(off) == 14
    assert_problem(
        client.get(f"{BASE}/days-off", {"year": 1000}), status=400, code="year_out_of_range"
    )
