"""``motcua import_staff --agencies co-quan.csv --staff can-bo.csv``: load
a province's agencies and staff (format in ``docs/installation.md``;
samples in ``data/sample/``). A broken row changes nothing."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.accounts.staff_import import StaffImportError, staff_import


class Command(BaseCommand):
    help = "Nhập cơ quan, đơn vị và cán bộ của tỉnh từ tệp CSV (lỗi một dòng: không ghi gì)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--agencies", type=Path, default=None, help="Tệp CSV cơ quan, đơn vị.")
        parser.add_argument("--staff", type=Path, default=None, help="Tệp CSV cán bộ và vai trò.")

    def handle(self, *args: Any, **options: Any) -> None:
        agencies: Path | None = options["agencies"]
        staff: Path | None = options["staff"]
        if agencies is None and staff is None:
            raise CommandError("Cần ít nhất một tệp: --agencies hoặc --staff.")
        try:
            report = staff_import(agencies_csv=agencies, staff_csv=staff)
        except StaffImportError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{len(exc.errors)} lỗi; không ghi gì vào cơ sở dữ liệu. Sửa tệp rồi chạy lại."
            ) from exc
        self.stdout.write(
            f"Cơ quan, đơn vị: {report.agencies_added} thêm mới, {report.agencies_changed} "
            f"thay đổi, {report.agencies_unchanged} không đổi."
        )
        self.stdout.write(
            f"Cán bộ: {report.staff_added} thêm mới, {report.staff_changed} thay đổi; "
            f"vai trò: {report.roles_added} cấp mới, {report.roles_unchanged} đã có."
        )
        if report.new_usernames:
            self.stdout.write(
                "Tài khoản mới chưa có mật khẩu; đặt bằng `motcua changepassword <tên đăng nhập>`: "
                + ", ".join(report.new_usernames)
            )
