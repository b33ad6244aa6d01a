from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.api.api import api
from motcua.core.generated import write_or_check


class Command(BaseCommand):
    help = "Write docs/api/openapi.json from the API (--check: fail if it has drifted)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        schema = api.get_openapi_schema(path_prefix="/api/v1")
        content = json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
        write_or_check(
            path=settings.REPO_DIR / "docs" / "api" / "openapi.json",
            content=content,
            check=options["check"],
            stdout=self.stdout,
        )
