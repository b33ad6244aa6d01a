"""``motcua devserver`` (``make run``): the web server, the task worker and
the scheduler together (the list is :data:`motcua.jobs.processes.PROCESSES`);
Ctrl-C stops them all."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
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
        status = launch(
            PROCESSES,
            opts,
            say=lambda line: self.stdout.write(line, ending="\n"),
            env=demo_environment(),
        )
        if status:
            raise CommandError(f"Một tiến trình đã dừng bất thường (mã {status}).")


def demo_environment() -> dict[str, str]:
    """The children's environment: the local sign-on provider as issuer
    unless one is configured, and, without a configured secret key, the
    demo gets its own random one, kept in ``MOTCUA_DATA_DIR/demo-secret-key``
    (so sessions survive a restart): the server refuses the built-in key
    with DEBUG off."""
    env = dict(os.environ)
    # National sign-on through the local provider that the launcher starts
    # (jobs/processes.py: the web port + 70); off in production unless set.
    env.setdefault("MOTCUA_OIDC_ISSUER", "http://127.0.0.1:8070")
    if env.get("SECRET_KEY") or env.get("SECRET_KEY_FILE"):
        return env
    key_file = Path(settings.DATA_DIR) / "demo-secret-key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
    env["SECRET_KEY_FILE"] = str(key_file)
    return env
