"""``manage.py import_catalog [path]``: import the national procedure
catalogue (schema_version 1); idempotent, all-or-nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.catalog.services import catalog_import_file
from motcua.core.errors import DomainError


class Command(BaseCommand):
    help = "Nhập danh mục thủ tục hành chính từ tệp JSON (schema_version 1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path",
            nargs="?",
            default=None,
            help="Tệp JSON (mặc định: SEED_DIR/procedures/catalog.json)",
        )
        parser.add_argument(
            "--draft",
            action="store_true",
            help="Tạo phiên bản mới ở trạng thái nháp thay vì công bố ngay",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"] or Path(settings.SEED_DIR) / "procedures" / "catalog.json")
        try:
            report = catalog_import_file(actor=None, path=path, publish=not options["draft"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(report.summary())
