"""``motcua vnpost_sandbox --port 19310``: run the VNPost-style carrier
sandbox until interrupted; it posts status changes to ``--callback``."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.vnpost.sandbox import VnpostSandbox


class Command(BaseCommand):
    help = "Chạy dịch vụ bưu chính thử nghiệm (giao thức kiểu VNPost)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=8025, help="Cổng HTTP.")
        parser.add_argument(
            "--callback",
            default="http://127.0.0.1:8000/buu-chinh/thong-bao/",
            help="Địa chỉ nhận thông báo trạng thái.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = VnpostSandbox(
            host=options["host"],
            port=options["port"],
            token=settings.VNPOST_TOKEN,
            secret=settings.VNPOST_WEBHOOK_SECRET,
            callback_url=options["callback"],
        )
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        sandbox.start()
        self.stdout.write(f"Bưu chính thử nghiệm tại {sandbox.url}.")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
