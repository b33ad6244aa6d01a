from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.core.errors import DomainError
from motcua.demo.loader import (
    demo_accounts_text,
    full_online_text,
    load_demo,
    load_demo_catalog,
    load_full_online_demo,
)

#: Reference data loaded before the demo province, in order, when the
#: command exists (each is idempotent).
PREREQUISITES = ["import_units", "import_catalog", "seed_workflows", "load_synonyms"]


class Command(BaseCommand):
    help = "Load the demo province of Vĩnh Long (idempotent) and print the demo accounts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--full-year",
            action="store_true",
            help="nạp cả năm hồ sơ lịch sử sinh sẵn (khoảng 80.000 hồ sơ) thay cho lát nhỏ",
        )
        parser.add_argument("--no-history", action="store_true", help="không nạp hồ sơ lịch sử")
        parser.add_argument(
            "--history-dossiers",
            type=int,
            default=None,
            help="số hồ sơ lịch sử nạp (mặc định 1.500, hoặc 80.000 với --full-year)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        available = get_commands()
        for name in PREREQUISITES:
            if name in available:
                call_command(name, stdout=self.stdout, stderr=self.stderr)
        try:
            report = load_demo()
            catalog = load_demo_catalog()
            full_online = load_full_online_demo()
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Tỉnh demo Vĩnh Long: {report.agencies_created} cơ quan mới, "
            f"{report.staff_created} cán bộ mới, {report.applicants_created} người nộp mới; "
            f"{catalog.sets} bộ thủ tục chuẩn mới, công bố tới {catalog.agencies} đơn vị, "
            f"{catalog.configured_created} thủ tục tại đơn vị mới "
            f"({time.perf_counter() - started:.1f} s)."
        )
        if not options.get("no_history"):
            from motcua.history.demo import load_history

            self.stdout.write(
                load_history(
                    full_year=bool(options.get("full_year")),
                    dossiers=options.get("history_dossiers"),
                )
            )
        self.stdout.write(demo_accounts_text())
        if full_online:
            self.stdout.write(full_online_text())
