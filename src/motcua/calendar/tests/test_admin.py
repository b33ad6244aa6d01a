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


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("03/01/2027", "2027-01-03"), ("3/1/2027", "2027-01-03"), ("2027-01-03", "2027-01-03")],
)
def test_admin_reads_dates_day_first(admin_client, typed: str, expected: str) -> None:
    resp = admin_client.post(
        f"{URL}add/",
        {
            "start_date": typed,
            "end_date": typed,
            "kind": "day_off",
            "reason": "Nghỉ",
            "reference": "",
        },
    )
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert CalendarOverride.objects.filter(start_date=expected, end_date=expected).exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("01/13/2027", "tháng 13 không có"),
        ("31/02/2027", "không có trong lịch"),
        ("03/01/27", "năm đủ 4 chữ số"),
        ("2027/01/03", "không đúng dạng ngày/tháng/năm"),
        ("ngày mai", "không đúng dạng ngày/tháng/năm"),
    ],
)
def test_admin_refuses_ambiguous_or_impossible_dates(
    admin_client, typed: str, message: str
) -> None:
    count = CalendarOverride.objects.count()
    resp = admin_client.post(
        f"{URL}add/",
        {"start_date": typed, "end_date": "05/01/2027", "kind": "day_off", "reason": "X"},
    )
    assert resp.status_code == 200
    assert message in resp.content.decode()
    assert CalendarOverride.objects.count() == count


def test_admin_shows_dates_day_first_and_orders_them(admin_client) -> None:
    row = CalendarOverride.objects.create(
        start_date="2027-01-03", end_date="2027-01-04", kind="day_off", reason="Nghỉ"
    )
    page = admin_client.get(f"{URL}{row.pk}/change/").content.decode()
    assert 'value="03/01/2027"' in page and 'placeholder="ngày/tháng/năm"' in page
    resp = admin_client.post(
        f"{URL}add/",
        {"start_date": "05/01/2027", "end_date": "04/01/2027", "kind": "day_off", "reason": "X"},
    )
    assert "Ngày kết thúc phải cùng ngày hoặc sau ngày bắt đầu." in resp.content.decode()
