"""``motcua partitions --ahead 3 --archive-before 2025-01``: the monthly
partitions of the history tables (motcua.dossiers.partitions). Run it at
least monthly (the scheduler's ``create_partitions`` does daily, with
``--ahead 3``); archiving is an operator's decision and never automatic."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from motcua.dossiers import partitions


def _month(text: str) -> datetime.date:
    try:
        return datetime.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(f"--archive-before: YYYY-MM, got {text!r}") from exc


class Command(BaseCommand):
    help = "Tạo phân vùng theo tháng cho nhật ký truy cập hồ sơ và lưu trữ các tháng cũ."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--ahead", type=int, default=3, help="số tháng tạo trước")
        parser.add_argument(
            "--archive-before", default="", help="tách các tháng trước YYYY-MM vào lược đồ lưu trữ"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Chỉ dùng với PostgreSQL; SQLite không phân vùng.")
            return
        before = _month(options["archive_before"]) if options["archive_before"] else None
        today = timezone.now().astimezone(datetime.UTC).date()
        if before is not None and before > partitions.month_start(today):
            raise CommandError("--archive-before không được sau tháng hiện tại")
        with transaction.atomic():
            done = partitions.maintain(
                connection, today=today, ahead=max(options["ahead"], 0), archive_before=before
            )
        for name in done.created:
            self.stdout.write(f"tạo {name}")
        for name in done.archived:
            self.stdout.write(f"lưu trữ {name}")
        if not done.created and not done.archived:
            self.stdout.write("không có gì thay đổi")
