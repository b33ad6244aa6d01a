"""Seed the official 2026 swap that the ``holidays`` library (0.109) lacks:
Fri 2 Jan 2026 off in exchange for working Sat 10 Jan 2026 (notice
9441/TB-BNV; Government Office letter 12729/VPCP-KGVX). Also the default
working hours (07:00-11:30, 13:30-17:00), so they can be edited in the admin."""

import datetime

from django.db import migrations

REFERENCE = "Thông báo 9441/TB-BNV; Công văn 12729/VPCP-KGVX"
ROWS = [
    (
        datetime.date(2026, 1, 2),
        "day_off",
        "Nghỉ Tết Dương lịch 2026 (hoán đổi, làm bù thứ Bảy 10/01/2026)",
    ),
    (
        datetime.date(2026, 1, 10),
        "working_day",
        "Làm bù cho ngày nghỉ thứ Sáu 02/01/2026",
    ),
]


def seed(apps, schema_editor):
    CalendarOverride = apps.get_model("workcalendar", "CalendarOverride")
    WorkingHours = apps.get_model("workcalendar", "WorkingHours")
    for day, kind, reason in ROWS:
        if not CalendarOverride.objects.filter(start_date__lte=day, end_date__gte=day).exists():
            CalendarOverride.objects.create(
                start_date=day, end_date=day, kind=kind, reason=reason, reference=REFERENCE
            )
    WorkingHours.objects.get_or_create(
        province_code="",
        defaults={
            "morning_start": datetime.time(7, 0),
            "morning_end": datetime.time(11, 30),
            "afternoon_start": datetime.time(13, 30),
            "afternoon_end": datetime.time(17, 0),
        },
    )


def unseed(apps, schema_editor):
    CalendarOverride = apps.get_model("workcalendar", "CalendarOverride")
    for day, kind, _reason in ROWS:
        CalendarOverride.objects.filter(
            start_date=day, end_date=day, kind=kind, reference=REFERENCE
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
