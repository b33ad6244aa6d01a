"""``motcua devserver`` (``make run``): the web server, the task worker and
the scheduler together (the list is :data:`motcua.jobs.processes.PROCESSES`);
Ctrl-C stops them all."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.jobs.launcher import launch
from motcua.jobs.processes import PROCESSES, LaunchOptions


class Command(BaseCommand):
    help = "Chạy máy chủ web, tiến trình xử lý nền và bộ lập lịch cùng lúc (Ctrl-C để dừng)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--noreload", action="store_true", help="Không tự nạp lại máy chủ web khi mã đổi."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        opts = LaunchOptions(
            host=options["host"], port=options["port"], reload=not options["noreload"]
        )
        status = launch(PROCESSES, opts, say=lambda line: self.stdout.write(line, ending="\n"))
        if status:
            raise CommandError(f"Một tiến trình đã dừng bất thường (mã {status}).")
