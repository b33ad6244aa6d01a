"""``motcua payment_sandbox national|vnpay --port N``: run a payment
gateway sandbox (real HTTP, 127.0.0.1) until interrupted. It uses the
site's configured partner code and secret; ``--drop-callbacks`` starts it
dropping the server-to-server callbacks (the sweep must settle them)."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.payments.sandboxes import sandbox_build


class Command(BaseCommand):
    help = "Chạy cổng thanh toán thử nghiệm (national hoặc vnpay) qua HTTP."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("which", choices=["national", "vnpay"])
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, required=True, help="Cổng HTTP.")
        parser.add_argument(
            "--site", default=settings.MOTCUA_PUBLIC_URL, help="Địa chỉ của hệ thống (nhận IPN)."
        )
        parser.add_argument("--drop-callbacks", action="store_true", help="Không gửi thông báo.")

    def handle(self, *args: Any, **options: Any) -> None:
        sandbox = sandbox_build(
            which=options["which"], host=options["host"], port=options["port"], site=options["site"]
        )
        sandbox.store.drop_callbacks = bool(options["drop_callbacks"])
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        sandbox.start()
        self.stdout.write(f"Cổng thanh toán thử nghiệm {options['which']}: {sandbox.url}")
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            sandbox.stop()
