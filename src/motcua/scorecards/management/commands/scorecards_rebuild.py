"""Rebuild the scorecard summaries from the dossier event log, or, with
``--verify``, prove that the stored summaries equal what the events say
(exit code 1 and the differences listed otherwise)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.scorecards import services
from motcua.scorecards.periods import PeriodError, parse_date


class Command(BaseCommand):
    help = (
        "Dựng lại số liệu tổng hợp chỉ số phục vụ từ nhật ký sự kiện hồ sơ "
        "(--verify: chỉ đối chiếu)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--since", default="", help="Từ ngày (yyyy-mm-dd), tính cả ngày này.")
        parser.add_argument("--until", default="", help="Đến ngày (yyyy-mm-dd), tính cả ngày này.")
        parser.add_argument(
            "--verify", action="store_true", help="Chỉ đối chiếu, không ghi; lệch thì thoát mã 1."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            since = parse_date(options["since"]) if options["since"] else None
            until = parse_date(options["until"]) if options["until"] else None
        except PeriodError as exc:
            raise CommandError(exc.message) from None
        if since and until and until < since:
            raise CommandError("Ngày kết thúc phải sau hoặc bằng ngày bắt đầu.")
        if options["verify"]:
            self._verify(since, until)
            return
        written = services.summaries_rebuild(since=since, until=until)
        self.stdout.write(f"Đã dựng lại {written} dòng số liệu tổng hợp từ nhật ký sự kiện.")

    def _verify(self, since: datetime.date | None, until: datetime.date | None) -> None:
        differences = services.summaries_verify(since=since, until=until)
        if not differences:
            self.stdout.write("Số liệu tổng hợp khớp với nhật ký sự kiện.")
            return
        for line in services.iter_differences(differences[:200]):
            self.stderr.write(line)
        raise CommandError(f"Số liệu tổng hợp lệch với nhật ký sự kiện: {len(differences)} dòng.")
