from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.running import run_until_stopped
from motcua.webhooks.sandbox import WebhookSandbox


class Command(BaseCommand):
    help = "Hệ thống nhận webhook thử nghiệm: kiểm tra chữ ký, từ chối yêu cầu phát lại."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8094)
        parser.add_argument("--secret", default="whsec_sandbox", help="Khóa bí mật dùng chung.")

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = WebhookSandbox(
            host=options["host"],
            port=options["port"],
            secret=options["secret"],
            window=int(settings.MOTCUA_WEBHOOK_REPLAY_WINDOW_SECONDS),
        )

        def announce() -> None:
            self.stdout.write(f"Hệ thống nhận webhook thử nghiệm: {sandbox.url}")

        run_until_stopped(sandbox, announce)
