"""``motcua load_synonyms [path]``: reload the search synonyms from their CSV
(default ``SEED_DIR/search/synonyms.csv``); all or nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.services import synonyms_load
from motcua.core.errors import DomainError


def default_path() -> Path:
    return Path(settings.SEED_DIR) / "search" / "synonyms.csv"


class Command(BaseCommand):
    help = "Nạp lại bảng từ đồng nghĩa dùng khi tìm thủ tục (tệp CSV)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=None, help="Tệp CSV (mặc định: SEED_DIR/search/synonyms.csv)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else default_path()
        try:
            count = synonyms_load(path=path)
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Đã nạp {count} từ đồng nghĩa tìm kiếm từ {path}.")
