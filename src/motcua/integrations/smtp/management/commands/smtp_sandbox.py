"""``motcua smtp_sandbox --port 1025``: run the local SMTP sandbox until
interrupted. Point the site at it with ``EMAIL_HOST=127.0.0.1
EMAIL_PORT=1025``; read what arrived at ``http://127.0.0.1:<http-port>/messages``
or in the folder given with ``--folder``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.running import run_until_stopped
from motcua.integrations.smtp.sandbox import SmtpSandbox


class Command(BaseCommand):
    help = "Chạy hộp thư SMTP thử nghiệm: nhận và giữ mọi thư, không chuyển đi đâu."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=1025, help="Cổng SMTP.")
        parser.add_argument(
            "--http-port", type=int, default=None, help="Cổng trang JSON /messages (tùy chọn)."
        )
        parser.add_argument("--folder", default=None, help="Thư mục lưu thư dạng .eml.")

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(options["folder"]) if options["folder"] else None
        sandbox = SmtpSandbox(
            host=options["host"],
            port=options["port"],
            http_port=options["http_port"],
            folder=folder,
        )

        def announce() -> None:
            where = f"{options['host']}:{options['port']}"
            self.stdout.write(f"Hộp thư thử nghiệm đang nhận thư tại {where}.")
            if options["http_port"]:
                page = f"http://{options['host']}:{options['http_port']}/messages"
                self.stdout.write(f"Xem thư: {page}")

        run_until_stopped(sandbox, announce)
