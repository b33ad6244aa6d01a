"""``motcua national_portal_sandbox --port 8093``: run the national-portal
simulator (gateway, DVCQG services, EMC receiver, status page) until
interrupted. Failure options start it misbehaving; ``POST /_control`` switches
them while it runs (docs/developers/national-portal.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from motcua.integrations.national_portal.simulator import (
    MODES,
    NationalPortalSimulator,
    load_catalog,
)
from motcua.integrations.running import run_until_stopped


class Command(BaseCommand):
    help = "Chạy Cổng Dịch vụ công quốc gia mô phỏng (cổng kết nối, đồng bộ hồ sơ, đo lường)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Địa chỉ lắng nghe.")
        parser.add_argument("--port", type=int, default=8093, help="Cổng HTTP.")
        parser.add_argument(
            "--db", default=":memory:", help="Tệp SQLite lưu những gì đã nhận (mặc định: bộ nhớ)."
        )
        parser.add_argument(
            "--catalog",
            default="",
            help="Tệp danh mục thủ tục (mặc định: SEED_DIR/procedures/catalog.json).",
        )
        parser.add_argument("--session-seconds", type=int, default=1800, help="Thời hạn phiên.")
        parser.add_argument(
            "--fail",
            choices=[m for m in MODES if m != "expire_sessions"],
            default="ok",
            help="Chế độ lỗi khi khởi động.",
        )
        parser.add_argument(
            "--times", type=int, default=-1, help="Số yêu cầu bị lỗi (-1: đến khi tắt)."
        )
        parser.add_argument(
            "--seconds", type=float, default=30, help="Thời gian chờ (timeout) hoặc ngừng (down)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        catalog_path = Path(
            options["catalog"] or Path(settings.SEED_DIR) / "procedures" / "catalog.json"
        )
        catalog = load_catalog(catalog_path) if catalog_path.exists() else []
        simulator = NationalPortalSimulator(
            host=options["host"],
            port=options["port"],
            username=settings.MOTCUA_NATIONAL_PORTAL_USERNAME,
            password=settings.MOTCUA_NATIONAL_PORTAL_PASSWORD,
            session_seconds=options["session_seconds"],
            database=options["db"],
            catalog=catalog,
        )

        def announce() -> None:
            if options["fail"] != "ok":
                simulator.fail(options["fail"], times=options["times"], seconds=options["seconds"])
            self.stdout.write(
                json.dumps({"url": simulator.url, "procedures": len(catalog)}, ensure_ascii=False)
            )
            self.stdout.write(f"Cổng Dịch vụ công quốc gia mô phỏng tại {simulator.url}/.")
            self.stdout.flush()

        run_until_stopped(simulator, announce)
