"""Time the import of the administrative unit lists (``import_units``).

    python bench/bench_units_import.py
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \\
        python bench/bench_units_import.py

Each database is measured in a child process, because Django reads its
settings (``DATABASE_URL``, ``MOTCUA_DATA_DIR``) once, at ``django.setup()``.
SQLite gets a fresh file in a temporary folder. The PostgreSQL database must
exist; its unit tables are emptied first (it is migrated if needed). Prints:

    units import (sqlite, first run): 2.61 s
    units import (sqlite, re-run): 1.10 s
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def child(label: str) -> None:
    """Migrate, empty the unit tables, then time two imports."""
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from motcua.units.importers import import_units
    from motcua.units.models import AdministrativeUnit, Agency, UnitSuccession

    call_command("migrate", verbosity=0)
    if Agency.objects.exists():
        raise SystemExit(f"{label}: the database holds agencies; use an empty database")
    UnitSuccession.objects.all().delete()
    # children first: the self-references are PROTECT
    for level in ("commune", "district", "province"):
        AdministrativeUnit.objects.filter(level=level).update(parent=None, province=None)
        AdministrativeUnit.objects.filter(level=level).delete()

    data_dir = Path(settings.SEED_DIR) / "admin-units"
    for run in ("first run", "re-run"):
        started = time.perf_counter()
        result = import_units(data_dir=data_dir)
        elapsed = time.perf_counter() - started
        print(f"units import ({label}, {run}): {elapsed:.2f} s   [{result.summary()}]")


def run_child(label: str, database_url: str, data_dir: str) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "MOTCUA_DATA_DIR": data_dir}
    return subprocess.call(
        [sys.executable, str(Path(__file__).resolve()), "--child", label], env=env
    )


def main() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        child(sys.argv[2])
        return 0
    status = 0
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        status |= run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3", tmp)
        postgres = os.environ.get("BENCH_DATABASE_URL")
        if postgres:
            status |= run_child("postgresql", postgres, tmp)
        else:
            print("(BENCH_DATABASE_URL not set: PostgreSQL skipped)")
    return status


if __name__ == "__main__":
    sys.exit(main())
