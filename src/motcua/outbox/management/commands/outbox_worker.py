from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Gửi các thư trong hộp thư đi (đồng bộ ra ngoài) cho tới khi dừng (SIGTERM). "
        "Có thể chạy nhiều tiến trình cùng lúc."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", type=float, default=None, help="Giây chờ khi hết việc.")
        parser.add_argument("--batch", type=int, default=None, help="Số thư nhận mỗi lượt.")
        parser.add_argument("--once", action="store_true", help="Gửi hết thư đến hạn rồi dừng.")

    def handle(self, *args: Any, **options: Any) -> None:
        from motcua.outbox import worker

        total = worker.run(
            interval=options["interval"], batch=options["batch"], once=options["once"]
        )
        if options["once"]:
            self.stdout.write(f"Đã xử lý {total} lượt gửi.")
