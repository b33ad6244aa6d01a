"""``motcua calendar_show --year 2026``: weekdays off and Saturdays/Sundays
worked in a year, with their reasons and sources."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.calendar import services
from motcua.calendar.engine import MAX_YEAR, MIN_YEAR
from motcua.calendar.parsing import WEEKDAYS

SOURCES = {"holidays": "thư viện holidays", "override": "điều chỉnh", "weekend": "cuối tuần"}


class Command(BaseCommand):
    help = "Liệt kê ngày thường được nghỉ và ngày cuối tuần phải làm việc trong một năm."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="Năm, ví dụ 2026.")
        parser.add_argument("--province", default=None, help="Mã tỉnh (TCTK), ví dụ 86.")

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not MIN_YEAR <= year <= MAX_YEAR:
            raise CommandError(f"Năm phải trong khoảng {MIN_YEAR}-{MAX_YEAR}.")
        infos = services.year_exceptions(year=year, province_code=options["province"])
        for title, working in (
            (f"Ngày thường được nghỉ năm {year}:", False),
            (f"Ngày cuối tuần phải làm việc năm {year}:", True),
        ):
            self.stdout.write(title)
            rows = [i for i in infos if i.working == working]
            if not rows:
                self.stdout.write("  (không có)")
            for i in rows:
                source = SOURCES.get(i.source, i.source)
                if i.reference:
                    source = f"{source}: {i.reference}"
                self.stdout.write(
                    f"  {i.day:%d/%m/%Y} ({WEEKDAYS[i.day.weekday()]}): {i.reason} [{source}]"
                )
