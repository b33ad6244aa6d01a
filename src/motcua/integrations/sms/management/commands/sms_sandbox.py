"""``motcua sms_sandbox --port 19210``: run the SMS gateway sandbox until
interrupted; read what arrived at ``http://127.0.0.1:<port>/messages``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.running import run_until_stopped
from motcua.integrations.sms.sandbox import SmsSandbox


class Command(BaseCommand):
    help = "Chạy cổng tin nhắn SMS thử nghiệm: nhận và giữ mọi tin, không gửi đi đâu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=1026, help="Cổng HTTP.")
        parser.add_argument("--key", default="", help="Khóa API phải gửi kèm (trống: không cần).")

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = SmsSandbox(host=options["host"], port=options["port"], secret=options["key"])
        where = f"{sandbox.url}{sandbox.path}"
        run_until_stopped(
            sandbox, lambda: self.stdout.write(f"{sandbox.title} đang chạy tại {where}")
        )
