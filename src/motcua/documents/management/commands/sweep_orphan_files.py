"""Remove stored files that no row references and that are older than the
grace period (``MOTCUA_ORPHAN_GRACE_HOURS``). ``--dry-run`` only lists them.
The same sweep runs daily as a scheduled task."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.documents.sweep import grace_period, sweep_orphan_files


class Command(BaseCommand):
    help = "Xóa các tệp lưu trữ không còn bản ghi nào tham chiếu (tệp mồ côi)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Chỉ liệt kê, không xóa tệp nào."
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=None,
            help="Chỉ xét tệp cũ hơn số giờ này (mặc định MOTCUA_ORPHAN_GRACE_HOURS).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["grace_hours"]
        grace = grace_period() if hours is None else datetime.timedelta(hours=hours)
        report = sweep_orphan_files(dry_run=options["dry_run"], grace=grace)
        for name in report.orphans:
            self.stdout.write(("sẽ xóa " if options["dry_run"] else "đã xóa ") + name)
        self.stdout.write(
            f"Đã quét {report.scanned} tệp; mồ côi: {len(report.orphans)}; "
            f"đã xóa: {report.removed} ({report.removed_bytes} byte); "
            f"chưa đủ thời gian chờ: {report.young}."
        )
