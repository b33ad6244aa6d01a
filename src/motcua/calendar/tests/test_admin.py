from __future__ import annotations

import pytest

from motcua.calendar.models import CalendarOverride, WorkingHours

pytestmark = pytest.mark.django_db
URL = "/admin/workcalendar/calendaroverride/"


def test_admin_rejects_overlap(admin_client) -> None:
    count = CalendarOverride.objects.count()
    resp = admin_client.post(
        f"{URL}add/",
        {
            "start_date": "2026-01-01",
            "end_date": "2026-01-03",
            "kind": "day_off",
            "reason": "Trùng",
            "reference": "",
        },
    )
    assert resp.status_code == 200
    assert "trùng với điều chỉnh lịch đã có" in resp.content.decode()
    assert CalendarOverride.objects.count() == count


def test_admin_creates_through_service(admin_client, admin_user) -> None:
    resp = admin_client.post(
        f"{URL}add/",
        {
            "start_date": "2027-03-05",
            "end_date": "2027-03-05",
            "kind": "day_off",
            "reason": "Nghỉ thử",
            "reference": "QĐ 1",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    row = CalendarOverride.objects.get(start_date="2027-03-05")
    assert row.created_by == admin_user
    assert admin_client.get(URL).status_code == 200
    assert admin_client.get("/admin/workcalendar/workinghours/").status_code == 200


def test_admin_rejects_bad_hours(admin_client) -> None:
    resp = admin_client.post(
        "/admin/workcalendar/workinghours/add/",
        {
            "province_code": "86",
            "morning_start": "07:00",
            "morning_end": "12:00",
            "afternoon_start": "11:00",
            "afternoon_end": "15:30",
        },
    )
    assert resp.status_code == 200
    assert "chồng lấn" in resp.content.decode()
    assert not WorkingHours.objects.filter(province_code="86").exists()
