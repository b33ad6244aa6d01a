"""Recompute the hash chain of every dossier's events (or one dossier's) and
fail naming the first broken dossier and sequence number; then check that
replaying the events gives the stored row (lifecycle invariant 2)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from motcua.dossiers.hashing import verify_chain
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.states import replay

#: Row columns that replay must reproduce exactly.
REPLAYED = (
    "state",
    "national_status",
    "version",
    "current_step",
    "accepted_at",
    "first_appointment_at",
    "appointment_at",
    "due_at",
    "finished_at",
)


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
            events = list(DossierEvent.objects.filter(dossier=dossier).order_by("seq"))
            broken = verify_chain(dossier, events)
            if broken is not None:
                raise CommandError(
                    f"Chuỗi sự kiện bị phá vỡ: hồ sơ {broken.code}, sự kiện số {broken.seq} "
                    f"({broken.reason})."
                )
            snapshot = replay(events)
            for name in REPLAYED:
                if getattr(snapshot, name) != getattr(dossier, name):
                    raise CommandError(
                        f"Hồ sơ {dossier.code}: trường {name} của bản ghi khác với kết quả "
                        f"dựng lại từ nhật ký sự kiện."
                    )
            checked += 1
        self.stdout.write(f"Đã kiểm tra {checked} hồ sơ: chuỗi sự kiện toàn vẹn.")
