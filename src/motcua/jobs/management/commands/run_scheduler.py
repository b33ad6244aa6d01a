"""``motcua run_scheduler``: enqueue the periodic jobs of
:mod:`motcua.jobs.schedule` when they are due, for ``motcua db_worker`` to
run. Safe to run twice or to restart at any moment (compare-and-set per
job). Stops cleanly on SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import threading
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections

from motcua.jobs.scheduler import check_schedule, enqueue_due, seconds_until_next


class Command(BaseCommand):
    help = "Đưa các tác vụ định kỳ đến hạn vào hàng đợi (cho db_worker thực hiện)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Chạy một lượt rồi dừng.")
        parser.add_argument(
            "--interval",
            type=float,
            default=60.0,
            help="Kiểm tra lại ít nhất sau số giây này (mặc định 60).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        check_schedule()
        stop = threading.Event()

        def _stop(signum: int, _frame: FrameType | None) -> None:
            stop.set()

        if not options["once"]:
            signal.signal(signal.SIGINT, _stop)
            signal.signal(signal.SIGTERM, _stop)
        interval = max(float(options["interval"]), 0.5)
        while True:
            for name in enqueue_due():
                self.stdout.write(f"Đã đưa vào hàng đợi: {name}")
            if options["once"]:
                return
            wait = seconds_until_next()
            close_old_connections()
            if stop.wait(min(interval, wait if wait is not None else interval) or 0.5):
                self.stdout.write("Bộ lập lịch đã dừng.")
                return
