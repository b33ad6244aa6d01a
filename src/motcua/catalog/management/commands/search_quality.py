"""``motcua search_quality [path]``: the share of the realistic queries whose
expected procedure or agency is in the top 3 results."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from motcua.catalog.search_quality import (
    TOP,
    default_queries_path,
    queries_read,
    search_quality,
)


class Command(BaseCommand):
    help = (
        "Đo chất lượng tìm kiếm: tỷ lệ truy vấn mẫu tìm thấy kết quả mong đợi trong 3 kết quả đầu."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", default=None, help="Tệp CSV (mặc định: SEED_DIR/search/queries.csv)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"]) if options["path"] else default_queries_path()
        report = search_quality(cases=queries_read(path=path))
        for case, top in report.misses:
            shown = ", ".join(top) or "không có kết quả"
            self.stdout.write(
                f"  không thấy: “{case.query}” → mong đợi {case.expected}; có: {shown}"
            )
        self.stdout.write(
            f"Tìm thấy trong {TOP} kết quả đầu: {report.found}/{report.cases} ({report.share:.1%})."
        )
