"""``motcua history_demo_year``: the demo province's full generated year
(about 80,000 dossiers), generated and imported in one command."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.history.demo import load_history


class Command(BaseCommand):
    help = "Sinh và nhập một năm hồ sơ lịch sử của tỉnh demo (khoảng 80.000 hồ sơ)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dossiers", type=int, default=80_000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            load_history(
                full_year=True,
                dossiers=options["dossiers"],
                seed=options["seed"],
                stderr=self.stderr,
            )
        )
