"""Recompute the hash chain of every dossier's events (or one dossier's) and
fail naming the first broken dossier and sequence number."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.hashing import verify_chain
from motcua.dossiers.models import Dossier, DossierEvent


class Command(BaseCommand):
    help = "Kiểm tra chuỗi băm nhật ký sự kiện của hồ sơ (phát hiện chỉnh sửa trái phép)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--code", help="Chỉ kiểm tra hồ sơ có mã này.")

    def handle(self, *args: Any, **options: Any) -> None:
        dossiers = Dossier.objects.order_by("id")
        if options.get("code"):
            dossiers = dossiers.filter(code=options["code"])
            if not dossiers.exists():
                raise CommandError(f"Không tìm thấy hồ sơ {options['code']}.")
        checked = 0
        for dossier in dossiers.iterator(chunk_size=500):
            events = DossierEvent.objects.filter(dossier=dossier).order_by("seq")
            broken = verify_chain(dossier, events.iterator(chunk_size=500))
            if broken is not None:
                raise CommandError(
                    f"Chuỗi sự kiện bị phá vỡ: hồ sơ {broken.code}, sự kiện số {broken.seq} "
                    f"({broken.reason})."
                )
            checked += 1
        self.stdout.write(f"Đã kiểm tra {checked} hồ sơ: chuỗi sự kiện toàn vẹn.")
