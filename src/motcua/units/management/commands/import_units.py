"""``motcua import_units [--data-dir DIR]``: load the official lists of
administrative units and the 2025 conversion table (see
``docs/developers/units.md``)."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from motcua.units.importers import REPORT_DETAIL_LIMIT, UnitImportError, import_units


class Command(BaseCommand):
    help = "Nhập danh mục đơn vị hành chính (trước và sau 01/7/2025) và bảng chuyển đổi."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--data-dir",
            type=Path,
            default=None,
            help="Thư mục chứa các tệp dữ liệu (mặc định: SEED_DIR/admin-units).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        data_dir: Path = options["data_dir"] or Path(settings.SEED_DIR) / "admin-units"
        if not data_dir.is_dir():
            raise CommandError(f"Không tìm thấy thư mục dữ liệu {data_dir}")
        try:
            result = import_units(data_dir=data_dir)
        except UnitImportError as exc:
            raise CommandError(f"Lỗi dữ liệu, không ghi gì vào cơ sở dữ liệu. {exc}") from exc

        out = self.stdout
        out.write(f"Thư mục dữ liệu: {data_dir}")
        for file, counts in result.file_counts.items():
            out.write(f"  {file}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
        for label, table in (
            ("Đơn vị hành chính", result.units),
            ("Chuyển đổi", result.successions),
        ):
            line = (
                f"{label}: {table.added} thêm mới, {table.changed} thay đổi, "
                f"{table.unchanged} không đổi"
            )
            if table.removed:
                line += f", {table.removed} bị bỏ"
            out.write(line)
        changes = result.units.changes + result.successions.changes
        for change in changes[:REPORT_DETAIL_LIMIT]:
            out.write(f"  thay đổi: {change}")
        if len(changes) > REPORT_DETAIL_LIMIT:
            out.write(f"  … và {len(changes) - REPORT_DETAIL_LIMIT} thay đổi khác")
        if result.units_not_in_files:
            out.write(
                f"{result.units_not_in_files} đơn vị có trong cơ sở dữ liệu nhưng không có "
                "trong tệp (giữ nguyên)"
            )
        out.write(
            f"Xã cũ không có đơn vị kế thừa trong bảng chuyển đổi: {len(result.without_successor)}"
        )
        for item in result.without_successor:
            out.write(f"  {item}")
        out.write(
            f"Xã mới không có đơn vị tiền thân trong bảng chuyển đổi: "
            f"{len(result.without_predecessor)}"
        )
        for item in result.without_predecessor:
            out.write(f"  {item}")
        if result.warnings:
            out.write(f"Cảnh báo về dữ liệu nguồn: {len(result.warnings)}")
            for warning in result.warnings:
                out.write(self.style.WARNING(f"  {warning}"))
        out.write(self.style.SUCCESS(f"Tổng cộng: {result.summary()}"))
        out.write(f"Thời gian: {result.seconds:.2f} s")
