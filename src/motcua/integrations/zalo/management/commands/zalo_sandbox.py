"""``motcua zalo_sandbox --port 19211``: run the Zalo ZNS sandbox until
interrupted; read what arrived at ``http://127.0.0.1:<port>/messages``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.running import run_until_stopped
from motcua.integrations.zalo.sandbox import ZaloSandbox


class Command(BaseCommand):
    help = "Chạy Zalo ZNS thử nghiệm: nhận và giữ mọi tin mẫu, không gửi đi đâu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=1027, help="Cổng HTTP.")
        parser.add_argument(
            "--token", default="", help="Mã truy cập phải gửi kèm (trống: không cần)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = ZaloSandbox(host=options["host"], port=options["port"], secret=options["token"])
        where = f"{sandbox.url}{sandbox.path}"
        run_until_stopped(
            sandbox, lambda: self.stdout.write(f"{sandbox.title} đang chạy tại {where}")
        )
