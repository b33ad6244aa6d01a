"""Services: the seeded 2026 swap, overrides (with overlap rejection), working
hours per province, and the cache."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError

from motcua.calendar import selectors, services
from motcua.calendar.models import CalendarOverride, WorkingHours
from motcua.calendar.tests.conftest import local

pytestmark = pytest.mark.django_db


def snapshot() -> list[tuple[object, ...]]:
    return list(
        CalendarOverride.objects.order_by("pk").values_list(
            "pk", "start_date", "end_date", "kind", "reason", "reference", "updated_at"
        )
    )


def test_migration_seeds_the_2026_swap_and_default_hours() -> None:
    rows = {(o.start_date, o.kind) for o in selectors.calendar_override_list(year=2026)}
    assert rows == {(date(2026, 1, 2), "day_off"), (date(2026, 1, 10), "working_day")}
    assert all("9441/TB-BNV" in o.reference for o in selectors.calendar_override_list())
    hours = selectors.working_hours_get(province_code="86")
    assert hours is not None and hours.province_code == ""
    assert hours.sessions == ((time(7), time(11, 30)), (time(13, 30), time(17)))
    assert not services.is_working_time(moment=local(2026, 1, 2, 9))
    assert services.is_working_time(moment=local(2026, 1, 10, 9))


def test_operator_example_through_services() -> None:
    # See test_engine.test_operator_example_friday_before_tet for the hand count.
    due = services.add_working_days(start=local(2026, 2, 13, 16), days=3)
    assert due == local(2026, 2, 25, 16)
    assert services.working_time_between(start=local(2026, 2, 13, 16), end=due) == timedelta(
        hours=24
    )
    assert services.add_working_time(
        start=local(2026, 2, 13, 16), duration=timedelta(hours=1)
    ) == local(2026, 2, 13, 17)
    assert services.next_working_moment(moment=local(2026, 2, 13, 17)) == local(2026, 2, 23, 7)
    assert services.add_calendar_days(start=local(2026, 2, 10, 9), days=5) == local(2026, 2, 23, 7)


def test_create_override_changes_results_at_once() -> None:
    start = local(2027, 3, 4, 16)  # Thursday
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 5, 16)
    override = services.calendar_override_create(
        actor=None,
        start_date=date(2027, 3, 5),
        end_date=date(2027, 3, 5),
        kind="day_off",
        reason="Nghỉ thử nghiệm",
        reference="Quyết định 1/QĐ-UBND",
    )
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 8, 16)
    services.calendar_override_update(
        actor=None,
        override=override,
        start_date=date(2027, 3, 5),
        end_date=date(2027, 3, 8),
        kind="day_off",
        reason="Nghỉ thử nghiệm",
        reference="Quyết định 1/QĐ-UBND",
    )
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 9, 16)
    services.calendar_override_delete(actor=None, override=override)
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 5, 16)


def test_overlapping_create_is_rejected_and_nothing_changes() -> None:
    before = snapshot()
    with pytest.raises(ValidationError) as exc:
        services.calendar_override_create(
            actor=None,
            start_date=date(2025, 12, 31),
            end_date=date(2026, 1, 3),
            kind="day_off",
            reason="Trùng",
            reference="",
        )
    assert "trùng với điều chỉnh lịch đã có 02/01/2026–02/01/2026" in str(exc.value)
    assert snapshot() == before
    assert not services.is_working_time(moment=local(2026, 1, 2, 9))
    assert services.is_working_time(moment=local(2025, 12, 31, 9))


def test_overlapping_update_is_rejected_and_row_unchanged() -> None:
    january_second = CalendarOverride.objects.get(start_date=date(2026, 1, 2))
    before = snapshot()
    with pytest.raises(ValidationError, match="trùng"):
        services.calendar_override_update(
            actor=None,
            override=january_second,
            start_date=date(2026, 1, 2),
            end_date=date(2026, 1, 10),
            kind="day_off",
            reason="Mở rộng",
            reference="",
        )
    assert snapshot() == before


def test_model_clean_rejects_overlap_and_reversed_range() -> None:
    row = CalendarOverride(
        start_date=date(2026, 1, 10),
        end_date=date(2026, 1, 10),
        kind="day_off",
        reason="Trùng",
    )
    with pytest.raises(ValidationError, match="trùng với điều chỉnh"):
        row.full_clean()
    reversed_range = CalendarOverride(
        start_date=date(2027, 1, 10), end_date=date(2027, 1, 9), kind="day_off", reason="Sai"
    )
    with pytest.raises(ValidationError) as exc:
        reversed_range.full_clean()
    assert "end_date" in exc.value.message_dict


def test_province_working_hours() -> None:
    services.working_hours_set(
        actor=None,
        province_code="86",
        morning_start=time(7, 30),
        morning_end=time(11, 30),
        afternoon_start=time(13),
        afternoon_end=time(17),
    )
    assert services.add_working_time(
        start=local(2026, 3, 5, 11), duration=timedelta(hours=1), province_code="86"
    ) == local(2026, 3, 5, 13, 30)
    # Other provinces keep the default hours.
    assert services.add_working_time(
        start=local(2026, 3, 5, 11), duration=timedelta(hours=1), province_code="01"
    ) == local(2026, 3, 5, 14)
    assert services.add_working_time(
        start=local(2026, 3, 5, 11), duration=timedelta(hours=1)
    ) == local(2026, 3, 5, 14)


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ((time(7), time(12), time(11), time(15)), "chồng lấn"),
        ((time(11), time(7), time(13), time(17)), "trước giờ kết thúc"),
        ((time(7), time(11), time(13, 30), time(17)), "đúng 8 giờ"),
    ],
)
def test_invalid_working_hours_are_rejected(hours, message) -> None:
    before = list(WorkingHours.objects.values_list("province_code", "morning_start"))
    with pytest.raises(ValidationError, match=message):
        services.working_hours_set(
            actor=None,
            province_code="86",
            morning_start=hours[0],
            morning_end=hours[1],
            afternoon_start=hours[2],
            afternoon_end=hours[3],
        )
    assert list(WorkingHours.objects.values_list("province_code", "morning_start")) == before


def test_cache_sees_writes_from_other_processes_after_ttl(settings) -> None:
    start = local(2027, 3, 4, 16)
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 5, 16)
    # Another process writes (simulated: straight to the table, no service).
    CalendarOverride.objects.create(
        start_date=date(2027, 3, 5), end_date=date(2027, 3, 5), kind="day_off", reason="Khác"
    )
    settings.WORKCALENDAR_CACHE_TTL = 3600
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 5, 16)  # cached
    settings.WORKCALENDAR_CACHE_TTL = 0
    assert services.add_working_days(start=start, days=1) == local(2027, 3, 8, 16)


def test_cached_calendar_costs_no_query(django_assert_num_queries) -> None:
    services.is_working_time(moment=local(2026, 3, 5, 9))
    with django_assert_num_queries(0):
        services.add_working_days(start=local(2026, 3, 5, 9), days=5)
