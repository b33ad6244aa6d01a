"""``motcua national_reconcile [--days N]``: reconcile now (the scheduler
runs it daily) and print what differs."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.national.reconciliation import reconcile
from motcua.national.repair import repair


class Command(BaseCommand):
    help = "Đối soát hồ sơ với Cổng Dịch vụ công quốc gia và gửi lại phần còn thiếu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--days", type=int, default=None, help="Số ngày gần đây.")
        parser.add_argument(
            "--chi-xem", action="store_true", dest="dry", help="Chỉ xem, không gửi lại."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        report = reconcile(days=options["days"], repair=None if options["dry"] else repair)
        for d in report.differences[:50]:
            remote = "không có" if d.remote_status is None else d.remote_status
            self.stdout.write(f"{d.code}: tại tỉnh {d.local_status}, trên Cổng quốc gia {remote}")
        for codes, reason in report.failed_batches:
            self.stderr.write(f"Lô {codes[0]}…({len(codes)} mã) không tra cứu được: {reason}")
        self.stdout.write(report.summary())
