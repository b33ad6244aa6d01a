from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.core.generated import write_or_check
from motcua.env import settings_reference_markdown


class Command(BaseCommand):
    help = "Write docs/developers/settings.md from the settings the code reads (--check: verify)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        write_or_check(
            path=settings.REPO_DIR / "docs" / "developers" / "settings.md",
            content=settings_reference_markdown(),
            check=options["check"],
            stdout=self.stdout,
        )
