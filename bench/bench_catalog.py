"""Time the catalogue at national scale: publishing a 50-procedure standard
set to 3,321 communes, and catalogue search latency.

    python bench/bench_catalog.py [N_COMMUNES]
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/motcua_bench \\
        python bench/bench_catalog.py

Each database is measured in a child process (Django reads its settings once).
SQLite gets a fresh file in a temporary folder; the PostgreSQL database must
exist and hold no catalogue data (the bench removes what it created). Prints
``name: value unit`` lines, e.g.::

    catalog import 46 (sqlite): 1.10 s
    standard set publish 50 x 3321 (sqlite, first): 9.80 s
    search p50 (sqlite, selector): 1.2 ms
"""

from __future__ import annotations

import copy
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
QUERIES = [
    "khai sinh",
    "dang ky khai sinh",
    "chứng thực",
    "ho kinh doanh",
    "đất đai",
    "giay phep xay dung",
    "tạm trú",
    "1.001193",
    "căn cước",
    "ly lich tu phap",
    "ket hon",
    "",
]


def _ms(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1] * 1000


def child(label: str, n_communes: int) -> None:
    sys.path.insert(0, str(REPO / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "motcua.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    from motcua.catalog import models as cm
    from motcua.catalog.selectors import procedure_find
    from motcua.catalog.services import (
        catalog_import,
        configured_procedure_configure,
        standard_set_create,
        standard_set_item_add,
        standard_set_publish,
        workflow_templates_seed,
    )
    from motcua.core.text import fold
    from motcua.units.models import AdministrativeUnit, Agency, AgencyKind, Generation, Level

    call_command("migrate", verbosity=0)
    if cm.Procedure.objects.exists():
        raise SystemExit(f"{label}: the database already holds procedures; use an empty one")

    province = AdministrativeUnit.objects.create(
        generation=Generation.CURRENT,
        level=Level.PROVINCE,
        code="Z9",
        name="Tỉnh Đo Hiệu Năng",
        division_type="tỉnh",
        codename="bench",
    )
    units = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                generation=Generation.CURRENT,
                level=Level.COMMUNE,
                code=f"Z{i:04d}",
                name=f"Xã Đo {i}",
                name_folded=fold(f"Xã Đo {i}"),
                division_type="xã",
                codename=f"bench_{i}",
                parent=province,
                province=province,
            )
            for i in range(n_communes)
        ],
        batch_size=1000,
    )
    Agency.objects.bulk_create(
        [
            Agency(
                public_id=f"bench-xa-{i}",
                name=f"UBND Xã Đo {i}",
                name_folded=fold(f"UBND Xã Đo {i}"),
                kind=AgencyKind.COMMUNE_COMMITTEE,
                area=unit,
                province=province,
            )
            for i, unit in enumerate(units)
        ],
        batch_size=1000,
    )

    payload = json.loads((Path(settings.SEED_DIR) / "procedures" / "catalog.json").read_text())
    extra = []
    for i in range(4):  # 46 + 4 synthetic commune procedures = 50
        record = copy.deepcopy(payload["procedures"][i])
        record["code"] = f"3.99999{i}"
        record["short_name"] += f" (đo {i})"
        extra.append(record)
    payload["procedures"] += extra
    started = time.perf_counter()
    catalog_import(actor=None, payload=payload)
    print(f"catalog import 50 ({label}): {time.perf_counter() - started:.2f} s")
    started = time.perf_counter()
    catalog_import(actor=None, payload=payload)
    print(f"catalog re-import unchanged ({label}): {time.perf_counter() - started:.2f} s")

    (one_step, *_rest) = workflow_templates_seed(actor=None)
    standard_set = standard_set_create(
        actor=None, name="Bộ chuẩn cấp xã", level="commune", province=province
    )
    for procedure in cm.Procedure.objects.select_related("current_version"):
        version = procedure.current_version
        assert version is not None
        standard_set_item_add(
            actor=None,
            standard_set=standard_set,
            procedure_version=version,
            workflow=one_step if version.processing_times.filter(days__gte=1).exists() else None,
        )
    rows = n_communes * 50
    for run in ("first", "unchanged"):
        started = time.perf_counter()
        report = standard_set_publish(actor=None, standard_set=standard_set)
        elapsed = time.perf_counter() - started
        print(
            f"standard set publish 50 x {n_communes} ({label}, {run}): {elapsed:.2f} s"
            f"   [{report.created} created, {report.new_versions} versions, "
            f"{report.unchanged} unchanged]"
        )
        if run == "first":
            print(f"standard set publish rate ({label}): {rows / elapsed:.0f} configs/s")

    # a local override in a few communes, then the province changes one default
    agencies = list(Agency.objects.filter(province=province).order_by("pk")[:20])
    target = cm.Procedure.objects.get(code="1.004873").current_version
    assert target is not None
    for agency in agencies:
        configured_procedure_configure(actor=None, agency=agency, procedure_version=target)
    started = time.perf_counter()
    report = standard_set_publish(actor=None, standard_set=standard_set)
    print(
        f"standard set re-publish with 20 local configs ({label}): "
        f"{time.perf_counter() - started:.2f} s   [{report.new_versions} versions]"
    )

    rng = random.Random(2026)
    sample_agencies = [a.public_id for a in agencies]
    timings: dict[str, list[float]] = {"selector": [], "api": [], "page": []}
    client = Client(HTTP_HOST="127.0.0.1")
    for _ in range(500):
        q = rng.choice(QUERIES)
        started = time.perf_counter()
        list(procedure_find(q=q).results[:25])
        timings["selector"].append(time.perf_counter() - started)
        started = time.perf_counter()
        response = client.get("/api/v1/catalog/procedures", {"q": q, "limit": "25"})
        timings["api"].append(time.perf_counter() - started)
        assert response.status_code == 200, response.content[:200]
        started = time.perf_counter()
        response = client.get("/thu-tuc/", {"q": q, "don-vi": rng.choice(sample_agencies)})
        timings["page"].append(time.perf_counter() - started)
        assert response.status_code == 200
    for kind, values in timings.items():
        print(f"search p50 ({label}, {kind}): {_ms(values, 50):.1f} ms")
        print(f"search p95 ({label}, {kind}): {_ms(values, 95):.1f} ms")

    if label != "sqlite":
        _cleanup(province)


def _cleanup(province: Any) -> None:
    from motcua.catalog import models as cm
    from motcua.units.models import AdministrativeUnit, Agency

    cm.ConfiguredProcedure.objects.update(current_version=None)
    cm.ConfiguredProcedureVersion.objects.all().delete()
    cm.ConfiguredProcedure.objects.all().delete()
    cm.StandardSet.objects.all().delete()
    cm.EForm.objects.all().delete()
    cm.Procedure.objects.update(current_version=None)
    cm.ProcedureVersion.objects.all().delete()
    cm.Procedure.objects.all().delete()
    cm.WorkflowTemplateVersion.objects.all().delete()
    cm.WorkflowTemplate.objects.all().delete()
    cm.CatalogAuditEvent.objects.all().delete()
    Agency.objects.filter(province=province).delete()
    AdministrativeUnit.objects.filter(province=province).exclude(pk=province.pk).delete()
    AdministrativeUnit.objects.filter(pk=province.pk).delete()


def run_child(label: str, database_url: str, data_dir: str, n: int) -> int:
    env = {**os.environ, "DATABASE_URL": database_url, "MOTCUA_DATA_DIR": data_dir}
    return subprocess.call(
        [sys.executable, str(Path(__file__).resolve()), "--child", label, str(n)], env=env
    )


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], int(sys.argv[3]))
        return 0
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 3321
    status = 0
    with tempfile.TemporaryDirectory(prefix="motcua-bench-") as tmp:
        status |= run_child("sqlite", f"sqlite:///{tmp}/bench.sqlite3", tmp, n)
        postgres = os.environ.get("BENCH_DATABASE_URL")
        if postgres:
            status |= run_child("postgresql", postgres, tmp, n)
        else:
            print("(BENCH_DATABASE_URL not set: PostgreSQL skipped)")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
