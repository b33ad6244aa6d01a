"""``motcua history_import FILE``: import historical dossiers (JSON Lines,
``motcua-history/1``) through the dossier services, idempotently."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.history.importer import Summary, import_file

#: At most this many rejected lines are listed one by one.
LISTED = 200


def summary_text(summary: Summary, seconds: float) -> str:
    rate = summary.imported / seconds if seconds > 0 else 0.0
    return (
        f"Đã nhập {summary.imported} hồ sơ ({summary.events} sự kiện), "
        f"{summary.present} hồ sơ đã có từ trước, {summary.rejected} dòng bị từ chối "
        f"({seconds:.1f} s, {rate:.0f} hồ sơ/s)."
    )


class Command(BaseCommand):
    help = "Nhập hồ sơ lịch sử từ tệp JSON Lines (định dạng motcua-history/1), không nhập trùng."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        started = time.perf_counter()

        def progress(summary: Summary) -> None:
            done = summary.imported + summary.present + summary.rejected
            self.stderr.write(f"… {done} dòng ({time.perf_counter() - started:.0f} s)")

        try:
            summary = import_file(path, progress=progress)
        except OSError as exc:
            raise CommandError(f"Không đọc được tệp {path}: {exc.strerror or exc}") from exc
        for number, code, reason in summary.rejections[:LISTED]:
            self.stdout.write(f"Dòng {number}: bị từ chối ({code}): {reason}")
        if len(summary.rejections) > LISTED:
            self.stdout.write(f"… và {len(summary.rejections) - LISTED} dòng bị từ chối khác.")
        self.stdout.write(summary_text(summary, time.perf_counter() - started))
