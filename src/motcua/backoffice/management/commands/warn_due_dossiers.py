"""List the holders of dossiers whose current step falls due within the
warning window (24 hours by default). Later this will notify them; today it
prints one line per dossier and holder."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from motcua.accounts.models import Role, RoleAssignment
from motcua.backoffice.selectors import WARNING_WINDOW, dossiers_due_within


def _role_label(code: str) -> str:
    """The role's Vietnamese name ("Chuyên viên"), never its code."""
    return str(dict(Role.choices).get(code, code))


class Command(BaseCommand):
    help = "Liệt kê người đang giữ các hồ sơ sắp đến hạn của bước hiện tại."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--hours",
            type=float,
            default=WARNING_WINDOW.total_seconds() / 3600,
            help="Cửa sổ cảnh báo, tính bằng giờ (mặc định 24).",
        )
        parser.add_argument("--now", default="", help="Thời điểm tính (ISO 8601), để thử.")

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        if options["now"]:
            parsed = parse_datetime(options["now"])
            if parsed is None or timezone.is_naive(parsed):
                raise CommandError("--now phải là thời điểm ISO 8601 có múi giờ.")
            now = parsed
        window = datetime.timedelta(hours=options["hours"])
        dossiers = list(dossiers_due_within(now=now, window=window))
        # The holders of each (agency, role) in one query.
        keys = {(d.holder_agency_id, d.holder_role) for d in dossiers if d.holder_user_id is None}
        holders: dict[tuple[int | None, str], list[str]] = {}
        if keys:
            rows = RoleAssignment.objects.filter(
                agency_id__in={k[0] for k in keys}, role__in={k[1] for k in keys}
            ).select_related("user")
            for a in rows:
                holders.setdefault((a.agency_id, a.role), []).append(a.user.username)
        for d in dossiers:
            if d.holder_user is not None:
                names = [d.holder_user.username]
            else:
                names = sorted(holders.get((d.holder_agency_id, d.holder_role), []))
            due = timezone.localtime(d.due_at).strftime("%H:%M %d/%m/%Y") if d.due_at else ""
            agency = d.holder_agency.name if d.holder_agency else ""
            role = _role_label(d.holder_role)
            self.stdout.write(f"{d.code}\t{due}\t{agency}\t{role}\t{', '.join(names) or '-'}")
        self.stdout.write(f"{len(dossiers)} hồ sơ sắp đến hạn trong {options['hours']:g} giờ.")
