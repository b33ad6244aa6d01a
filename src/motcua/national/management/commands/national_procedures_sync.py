"""``motcua national_procedures_sync [MÃ …]``: import or refresh procedures
from the national portal into the catalogue (the catalogue's own import)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.national.procedures import national_procedures_sync


class Command(BaseCommand):
    help = "Nhập hoặc cập nhật thủ tục hành chính từ Cổng Dịch vụ công quốc gia."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("codes", nargs="*", help="Mã thủ tục (mặc định: tất cả).")
        parser.add_argument(
            "--draft", action="store_true", help="Tạo phiên bản mới ở trạng thái nháp."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = national_procedures_sync(
                codes=options["codes"] or None, publish=not options["draft"]
            )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary())
