"""History for the demo province: a small slice loaded by ``motcua demo``
(the last three months, so the dashboards are not empty) or the full year
(``motcua demo --full-year`` / ``motcua history_demo_year``). Idempotent:
the legacy ids are stable for a seed and a window."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.utils import timezone

from motcua.history.format import LOCAL_TZ
from motcua.history.generator import dumps, generate, province_plan
from motcua.history.importer import Summary, import_texts
from motcua.history.models import ImportedDossier

#: The slice ``motcua demo`` loads.
SLICE_DOSSIERS = 1_500
SLICE_DAYS = 90
FULL_YEAR_DOSSIERS = 80_000


def load_history(
    *,
    full_year: bool = False,
    dossiers: int | None = None,
    seed: int = 1,
    now: datetime.datetime | None = None,
    stderr: Any = None,
) -> str:
    """Generate and import; the summary line."""
    now = now or timezone.now()
    local_now = timezone.localtime(now, LOCAL_TZ)
    # Whole minutes: the same window (and so the same lines) within a day.
    until = local_now.replace(hour=0, minute=0, second=0, microsecond=0)
    if full_year:
        start = datetime.date(until.year, 1, 1)
        if until.date() == start:
            start = datetime.date(until.year - 1, 1, 1)
        count, prefix = dossiers or FULL_YEAR_DOSSIERS, f"VLNAM{seed}"
    else:
        start = (until - datetime.timedelta(days=SLICE_DAYS)).date()
        count, prefix = dossiers or SLICE_DOSSIERS, f"VLDEMO{seed}"
    if ImportedDossier.objects.filter(legacy_id__startswith=f"{prefix}-").exists():
        return f"Hồ sơ lịch sử ({prefix}) đã được nạp từ trước."
    units = province_plan()
    started = time.perf_counter()
    summary = Summary()
    if units:
        lines = (
            dumps(r)
            for r in generate(
                units,
                start=start,
                until=until,
                dossiers=count,
                seed=seed,
                prefix=prefix,
            )
        )
        summary = import_texts(lines, now=now)
    seconds = time.perf_counter() - started
    return (
        f"Hồ sơ lịch sử ({start.isoformat()} – {until.date().isoformat()}): "
        f"{summary.imported} hồ sơ mới ({summary.events} sự kiện), {summary.present} đã có, "
        f"{summary.rejected} bị từ chối ({seconds:.1f} s)."
    )
