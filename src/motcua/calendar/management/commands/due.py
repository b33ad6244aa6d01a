"""``motcua due --start "2026-02-13 16:00" --days 3``: the due moment of a
dossier received at ``--start`` (local time)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.calendar import services
from motcua.calendar.parsing import format_vi, parse_local_datetime


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation as exc:
        raise CommandError(f"Số không hợp lệ: {value!r}.") from exc
    if not amount.is_finite() or amount < 0:
        raise CommandError(f"Số phải không âm: {value!r}.")
    return amount


class Command(BaseCommand):
    help = (
        "Tính hạn giải quyết (ngày làm việc, giờ làm việc hoặc ngày lịch) từ thời điểm tiếp nhận."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--start",
            required=True,
            help='Thời điểm tiếp nhận, giờ Việt Nam: "YYYY-MM-DD HH:MM" hoặc ISO 8601.',
        )
        amount = parser.add_mutually_exclusive_group(required=True)
        amount.add_argument("--days", help="Số ngày làm việc (8 giờ/ngày), có thể lẻ: 0.5")
        amount.add_argument("--hours", help="Số giờ làm việc.")
        parser.add_argument(
            "--calendar-days",
            action="store_true",
            help="Tính --days theo ngày lịch (dời khỏi ngày nghỉ), không theo ngày làm việc.",
        )
        parser.add_argument("--province", default=None, help="Mã tỉnh (TCTK), ví dụ 86.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            start = parse_local_datetime(options["start"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        province: str | None = options["province"]
        try:
            if options["hours"] is not None:
                if options["calendar_days"]:
                    raise CommandError("--calendar-days chỉ dùng với --days.")
                hours = _amount(options["hours"])
                due = services.add_working_time(
                    start=start,
                    duration=timedelta(microseconds=int(hours * 3_600_000_000)),
                    province_code=province,
                )
                what = f"{hours} giờ làm việc"
            elif options["calendar_days"]:
                days = _amount(options["days"])
                due = services.add_calendar_days(start=start, days=days, province_code=province)
                what = f"{days} ngày (ngày lịch)"
            else:
                days = _amount(options["days"])
                due = services.add_working_days(start=start, days=days, province_code=province)
                what = f"{days} ngày làm việc"
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Tiếp nhận: {format_vi(start)}")
        self.stdout.write(f"Thời hạn: {what}")
        self.stdout.write(f"Hạn giải quyết: {format_vi(due)}")
        self.stdout.write(f"ISO: {due.isoformat()}")
