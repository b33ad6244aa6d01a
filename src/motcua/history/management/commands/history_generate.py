"""``motcua history_generate --year 2026 --dossiers 80000 --seed 1 --out FILE``:
write a realistic year of the demo province as JSON Lines."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from motcua.history.format import LOCAL_TZ
from motcua.history.generator import dumps, generate, province_plan


class Command(BaseCommand):
    help = "Sinh một năm hồ sơ lịch sử của tỉnh demo (JSON Lines), cùng hạt giống cho cùng kết quả."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, default=timezone.localtime(timezone.now()).year)
        parser.add_argument("--dossiers", type=int, default=80_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--out", type=Path, required=True)
        parser.add_argument(
            "--until",
            default="",
            help="không sinh sự kiện sau thời điểm này (ISO 8601); mặc định: bây giờ "
            "hoặc cuối năm, lấy thời điểm sớm hơn",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year: int = options["year"]
        if not 2000 <= year <= 2100 or options["dossiers"] < 1:
            raise CommandError("Năm phải trong khoảng 2000–2100 và số hồ sơ phải lớn hơn 0.")
        end = datetime.datetime(year, 12, 31, 23, 59, tzinfo=LOCAL_TZ)
        until = min(end, timezone.now())
        if options["until"]:
            try:
                until = datetime.datetime.fromisoformat(options["until"])
            except ValueError as exc:
                raise CommandError(f"--until không hợp lệ: {options['until']}") from exc
            if until.tzinfo is None:
                until = until.replace(tzinfo=LOCAL_TZ)
        start = datetime.date(year, 1, 1)
        if until.astimezone(LOCAL_TZ).date() < start:
            raise CommandError("Năm này chưa bắt đầu: không có gì để sinh.")
        units = province_plan()
        if not units:
            raise CommandError("Chưa có tỉnh demo: hãy chạy `motcua demo` trước.")
        count = 0
        try:
            with options["out"].open("w", encoding="utf-8") as out:
                for record in generate(
                    units,
                    start=start,
                    until=until,
                    dossiers=options["dossiers"],
                    seed=options["seed"],
                    prefix=f"VLS{options['seed']}",
                ):
                    out.write(dumps(record) + "\n")
                    count += 1
        except OSError as exc:
            raise CommandError(f"Không ghi được tệp {options['out']}: {exc}") from exc
        self.stdout.write(f"Đã ghi {count} hồ sơ vào {options['out']}.")
